"""Daily work on a phone, in a real browser:

- a volunteer signs up for a civility-day shift: the shift she can take comes first with
  its 报名 button, the one needing a skill she lacks says why instead; the same pages in
  English;
- a squad admin finds today's record in the hours queue by search, nothing pre-ticked,
  ticks it and approves it, told whose hours were approved;
- the district office confirms a matching proposal for a volunteer without an account,
  told that the volunteer hears of it by SMS.

Set E2E_SHOTS_DIR to keep phone screenshots of the three screens.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhiyuan.helpdesk.models import Proposal
from zhiyuan.helpdesk.tests.test_matching import verified
from zhiyuan.notifications.models import Message
from zhiyuan.projects.models import SignUp
from zhiyuan.service.models import ServiceRecord
from zhiyuan.testing.factories import PASSWORD
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.e2e


def shot(page, name: str) -> None:
    folder = os.environ.get("E2E_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_civility_day_sign_up_on_a_phone_says_why_before_the_tap(
    new_page,
    sign_in,
    plan,  # noqa: F811
):
    gina = new_page(phone=True)
    sign_in(gina, "gina", PASSWORD)
    gina.goto(f"/projects/{plan.project.pk}/")
    cards = gina.locator("#shifts article.shift")
    expect(cards).to_have_count(2)
    # The shift she can take first; the one needing first aid says why, with no button.
    expect(cards.first).to_have_attribute("data-shift", str(plan.guide.pk))
    rescue = gina.locator(f"article.shift[data-shift='{plan.rescue.pk}']")
    expect(rescue.locator(".why-not")).to_be_visible()
    expect(rescue.locator("button.sign-up")).to_have_count(0)
    shot(gina, "civility-day-signup")
    cards.first.locator("button.sign-up").tap()
    expect(gina.locator(".flash.success")).to_be_visible()
    assert SignUp.objects.get(shift=plan.guide).volunteer == plan.gina

    # The same pages in English: no raw codes there either (the audit checks each page).
    english = new_page(phone=True, locale="en-US")
    sign_in(english, "gina", PASSWORD)
    english.goto(f"/projects/{plan.project.pk}/")
    expect(english.locator("html")).to_have_attribute("lang", "en")
    english.goto("/projects/mine/")
    english.locator("#feed-create").click()
    expect(english.locator("#feed-subscribe")).to_have_attribute("href", re.compile(r"^webcal://"))
    english.goto("/service/hours/")


def test_todays_record_is_found_in_the_hours_queue_and_approved(
    new_page,
    sign_in,
    plan,  # noqa: F811
):
    older = [
        ServiceRecord(
            volunteer=plan.gina,
            team=plan.squad_1a,
            served_on=timezone.localdate() - dt.timedelta(days=100 - i),
            hours="2.00",
            content=f"往日服务{i}",
            source=ServiceRecord.Source.ENTERED,
            recorded_by=plan.carol_user,
        )
        for i in range(60)
    ]
    ServiceRecord.objects.bulk_create(older)
    today = ServiceRecord.objects.create(
        volunteer=plan.gina,
        team=plan.squad_1a,
        served_on=timezone.localdate(),
        hours="1.50",
        content="今天的路口引导",
        source=ServiceRecord.Source.ENTERED,
        recorded_by=plan.carol_user,
    )
    carol = new_page(phone=True)
    sign_in(carol, "carol", PASSWORD)
    carol.goto("/service/queue/")
    boxes = carol.locator("#queue-rows input[name=record]")
    expect(boxes).to_have_count(50)
    expect(carol.locator("#queue-rows input[name=record]:checked")).to_have_count(0)
    carol.fill("#queue-filters input[name=q]", "今天")
    carol.locator("#queue-filters button[type=submit]").tap()
    expect(boxes).to_have_count(1)
    shot(carol, "hours-queue")
    boxes.first.check()
    carol.locator("#approve-selected").tap()
    expect(carol.locator(".flash.success")).to_contain_text(plan.gina.real_name)
    expect(carol).to_have_url(re.compile(r"/service/queue/\?q="))
    today.refresh_from_db()
    assert today.state == "approved"
    assert ServiceRecord.objects.filter(state="pending", content__startswith="往日").count() == 60


def test_matching_confirmation_for_a_volunteer_without_an_account(
    new_page,
    sign_in,
    desk,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    request = verified(desk)
    Volunteer.objects.filter(pk__in=[desk.carol.pk, desk.frank.pk]).update(user=None)
    alice = new_page(phone=True)
    sign_in(alice, "alice", PASSWORD)
    alice.goto("/help/matching/")
    alice.locator("#run-form select[name=region]").select_option(str(desk.a1.pk))
    alice.click("#run-matching")
    expect(alice.locator("#run-status")).to_have_attribute("data-status", "done")
    card = alice.locator("#proposals article.proposal").first
    expect(card).to_contain_text(request.code)
    card.locator("button.confirm").tap()
    expect(card).to_have_attribute("data-state", "confirmed")
    expect(alice.locator(".flash.success")).to_be_visible()
    shot(alice, "matching-confirmation")
    proposal = Proposal.objects.get(help_request=request)
    assert proposal.state == "confirmed"
    assert Message.objects.filter(recipient=None, channel="sms", kind="help_matched").exists()
