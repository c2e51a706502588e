"""Evaluation and complaint journeys in a real browser.

- gina, who served in an activity, rates it and its organisation on her phone; carol, its
  organiser, rates gina's service.
- someone without an account files a complaint about a team, with a photo, and keeps the
  code; the subdistrict office sees the photo, investigates and closes it with the outcome;
  the complainant follows it by the code and reads the outcome.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from zhiyuan.feedback.models import ActivityRating, Complaint, ServiceRating
from zhiyuan.service.checkin import organiser_check_in
from zhiyuan.testing.factories import PASSWORD, image_bytes

pytestmark = pytest.mark.e2e


def shown(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def test_volunteer_rates_the_activity_and_the_organiser_rates_her(
    new_page,
    sign_in,
    live,  # noqa: F811
):
    organiser_check_in(actor=live.carol_user, shift=live.now_shift)
    url = f"/feedback/activities/{live.activity.pk}/"

    gina = new_page(phone=True)
    sign_in(gina, "gina", PASSWORD)
    gina.goto(url)
    form = gina.locator("#rate-activity")
    form.locator("select[name=score]").select_option("5")
    form.locator("select[name=team_score]").select_option("4")
    form.locator("textarea[name=comment]").fill("组织有序，分工明确")
    form.locator("button").tap()
    expect(gina.locator(".flash.success")).to_have_text(shown("Thank you for your rating."))
    expect(gina.locator("#my-rating")).to_be_visible()
    rating = ActivityRating.objects.get(volunteer=live.gina)
    assert (rating.score, rating.team_score) == (5, 4)

    carol = new_page()
    sign_in(carol, "carol", PASSWORD)
    carol.goto(url)
    row = carol.locator(f"tr[data-volunteer='{live.gina.volunteer_no}']")
    row.locator("select[name=score]").select_option("4")
    row.locator("button").click()
    expect(carol.locator(".flash.success")).to_be_visible()
    expect(carol.locator(f"tr[data-volunteer='{live.gina.volunteer_no}']")).to_contain_text("4 / 5")
    assert ServiceRating.objects.get(volunteer=live.gina).score == 4


def test_anonymous_complaint_is_filed_handled_and_closed(
    new_page,
    sign_in,
    corps,  # noqa: F811
):
    visitor = new_page(phone=True)
    visitor.goto("/")
    visitor.locator("#footer-complaint").click()
    form = visitor.locator("#complaint-form")
    form.locator("select[name=subject_type]").select_option("team")
    form.locator("input[name=subject]").fill(str(corps.squad_1a.pk))
    form.locator("textarea[name=what]").fill("志愿者未按约定时间到场，服务态度生硬")
    form.locator("input[name=happened_on]").fill(timezone.localdate().isoformat())
    form.locator("input[name=contact]").fill("13912345678")
    photo = image_bytes("JPEG", (640, 480))
    form.locator("#complaint-evidence").set_input_files(
        {"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": photo}
    )
    form.locator("#file-complaint").tap()
    expect(visitor).to_have_url(re.compile(r"/feedback/complaints/track/\?code="))
    complaint = Complaint.objects.get()
    expect(visitor.locator("#complaint-status")).to_contain_text(complaint.code)
    expect(visitor.locator("#status")).to_have_text(shown("Received"))

    bob = new_page()
    sign_in(bob, "bob", PASSWORD)
    bob.goto("/feedback/complaints/")
    bob.locator("#complaints a", has_text=complaint.code).click()
    expect(bob.locator("dl")).to_contain_text("139****5678")
    evidence = bob.locator("#evidence")
    expect(evidence).to_be_visible()
    loaded = evidence.evaluate(
        "img => img.complete ? img.naturalWidth"
        " : new Promise(done => img.addEventListener('load', () => done(img.naturalWidth)))"
    )
    assert loaded == 640  # the photo itself, decoded by the browser
    bob.locator("#move-form select[name=to]").select_option("investigating")
    bob.locator("#move-form button").click()
    expect(bob.locator("#status")).to_have_text(shown("Being investigated"))
    bob.locator("#move-form select[name=to]").select_option("resolved")
    bob.locator("#move-form textarea[name=note]").fill("已核实，队伍已整改并致歉")
    bob.locator("#move-form button").click()
    expect(bob.locator("#status")).to_have_text(shown("Resolved"))

    visitor.reload()
    expect(visitor.locator("#status")).to_have_text(shown("Resolved"))
    expect(visitor.locator("#outcome")).to_contain_text("已核实，队伍已整改并致歉")
