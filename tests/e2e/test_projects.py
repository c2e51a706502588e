"""Project journeys in a real browser.

- a volunteer finds a project on her phone, takes the last place of a shift and gives it
  up again; the volunteer first on the waitlist is promoted, told in his inbox, and finds
  the shift among his upcoming ones.

Pages are in Simplified Chinese (the default), so elements are found by id, class, data
attribute or URL, and the labels a user should see are taken from the zh-hans catalogue.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from zhiyuan.notifications.models import Message
from zhiyuan.projects import signups
from zhiyuan.projects.models import SignUp
from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.e2e


def shown(label) -> str:
    """What a Chinese-speaking user reads for `label`."""
    with translation.override("zh-hans"):
        return str(label)


def my_signup(page, section: str, shift):
    return page.locator(f"#{section} article.my-signup[data-shift='{shift.pk}']")


def test_a_cancelled_place_goes_to_the_waitlist_and_the_volunteer_is_told(
    new_page,
    sign_in,
    plan,  # noqa: F811
):
    guide = plan.guide
    gina = new_page(phone=True)
    sign_in(gina, "gina", PASSWORD)

    # gina finds the project by searching for part of its name.
    gina.goto("/projects/")
    gina.fill("#project-q", "礼让")
    gina.locator("#project-q").press("Enter")
    expect(gina).to_have_url(re.compile(r"/projects/\?.*q=%E7%A4%BC%E8%AE%A9"))
    cards = gina.locator("article.project-card")
    expect(cards).to_have_count(1)
    cards.locator(f"a[href='/projects/{plan.project.pk}/']").tap()
    expect(gina).to_have_url(re.compile(rf"/projects/{plan.project.pk}/$"))
    expect(gina.locator("main h1")).to_have_text(plan.project.name)

    # She takes the only place of 义务指路.
    row = gina.locator(f".shift[data-shift='{guide.pk}']")
    expect(row).to_contain_text(guide.role)
    row.locator("button.sign-up").tap()
    expect(gina).to_have_url(re.compile(rf"/projects/{plan.project.pk}/$"))
    expect(row.locator(".my-state")).to_have_text(shown(SignUp.State.CONFIRMED.label))
    expect(row.locator(".cancel-signup")).to_be_visible()
    expect(row.locator("button.sign-up")).to_have_count(0)

    # The shift is full now: dave2 joins its waitlist.
    waiting = signups.sign_up(actor=plan.dave_user, shift=guide)
    assert waiting.state == SignUp.State.WAITLISTED

    gina.goto("/projects/mine/")
    mine = my_signup(gina, "upcoming", guide)
    expect(mine).to_have_count(1)
    expect(mine).to_have_attribute("data-state", "confirmed")
    expect(mine).to_contain_text(guide.role)

    # She gives the place up; it leaves her upcoming shifts.
    mine.locator(".cancel-signup").tap()
    expect(gina).to_have_url(re.compile(r"/projects/mine/$"))
    expect(gina.locator(".flash.success")).to_be_visible()
    expect(my_signup(gina, "upcoming", guide)).to_have_count(0)
    expect(gina.locator(f"article.my-signup[data-shift='{guide.pk}']")).to_have_count(0)

    held = {s.volunteer_id: s.state for s in SignUp.objects.filter(shift=guide)}
    assert held == {
        plan.gina.pk: SignUp.State.CANCELLED,
        plan.dave_user.volunteer.pk: SignUp.State.CONFIRMED,
    }
    # Delivery ran in the live server's thread, right after the cancel committed: the
    # tests' ImmediateBackend is in effect there, not the configured database queue.
    promoted = Message.objects.get(
        recipient=plan.dave_user, kind="signup_promoted", channel=Message.Channel.SITE
    )
    assert promoted.status == Message.Status.SENT
    assert promoted.read_at is None

    # (The welcome sent when his registration was approved, read long ago.)
    Message.objects.filter(recipient=plan.dave_user, kind__startswith="registration_").update(
        read_at=timezone.now()
    )
    # dave2 signs in to an unread badge: the waitlist notice and the promotion.
    dave = new_page()
    sign_in(dave, "dave2", PASSWORD)
    unread = Message.objects.filter(
        recipient=plan.dave_user, channel=Message.Channel.SITE, read_at__isnull=True
    )
    assert sorted(unread.values_list("kind", flat=True)) == ["signup_promoted", "signup_waitlisted"]
    expect(dave.locator("#nav-messages .badge")).to_have_text("2")
    dave.click("#nav-messages")

    expect(dave).to_have_url(re.compile(r"/messages/$"))
    message = dave.locator("article.message[data-kind='signup_promoted']")
    expect(message).to_have_count(1)
    expect(message).to_have_class(re.compile(r"\bunread\b"))
    expect(message).to_contain_text(guide.role)
    # The page marks what it showed read (a POST once shown): the badge goes.
    expect(dave.locator("#nav-messages .badge")).to_have_count(0)
    message.locator("a[href='/projects/mine/']").click()

    expect(dave).to_have_url(re.compile(r"/projects/mine/$"))
    expect(dave.locator("#nav-messages .badge")).to_have_count(0)
    his = my_signup(dave, "upcoming", guide)
    expect(his).to_have_count(1)
    expect(his).to_have_attribute("data-state", "confirmed")
    expect(my_signup(dave, "waitlisted", guide)).to_have_count(0)
    assert not unread.exists()
