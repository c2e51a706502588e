"""Training journey in a real browser (Art. 16: specialised shifts need training).

- a volunteer cannot take an 应急救助 shift without the skill; she enrols in the first-aid
  course on her phone, the organiser marks her passed on the session page, and she can now
  take the shift; her certification shows on her training page.

Pages are in Simplified Chinese (the default), so elements are found by id, class, data
attribute or URL.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from zhiyuan.projects.models import SignUp
from zhiyuan.projects.tests.conftest import plan  # noqa: F401
from zhiyuan.teams.tests.conftest import corps  # noqa: F401
from zhiyuan.training.models import Certification, Enrolment
from zhiyuan.training.tests.conftest import training  # noqa: F401

pytestmark = pytest.mark.e2e


def test_a_volunteer_trained_in_first_aid_can_take_the_rescue_shift(
    new_page,
    sign_in,
    plan,  # noqa: F811
    training,  # noqa: F811
):
    gina_row = training.gina
    gina_row.insured_until = timezone.localdate() + dt.timedelta(days=365)
    gina_row.save(update_fields=["insured_until"])
    rescue = plan.rescue

    gina = new_page(phone=True)
    sign_in(gina, "gina", PASSWORD)

    # Without the skill the rescue shift says why before any tap, and offers no 报名.
    gina.goto(f"/projects/{plan.project.pk}/")
    expect(gina.locator(f".shift[data-shift='{rescue.pk}'] .why-not")).to_be_visible()
    expect(gina.locator(f".shift[data-shift='{rescue.pk}'] button.sign-up")).to_have_count(0)
    assert not SignUp.objects.filter(shift=rescue, volunteer=gina_row).exists()

    # She finds the first-aid course and enrols in its next session.
    gina.goto("/training/")
    gina.locator(f"article.course-card[data-course='{training.course.pk}'] a").first.tap()
    expect(gina).to_have_url(re.compile(rf"/training/{training.course.pk}/$"))
    expect(gina.locator("#certifies")).to_have_attribute("data-skill", "first_aid")
    session_row = gina.locator(f".session[data-session='{training.upcoming.pk}']")
    session_row.locator("button.enrol").tap()
    expect(session_row.locator(".my-state")).to_be_visible()
    enrolment = Enrolment.objects.get(session=training.upcoming, volunteer=gina_row)

    # The day of the course comes: the session has started.
    start = timezone.now() - dt.timedelta(hours=2)
    type(training.upcoming).objects.filter(pk=training.upcoming.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )

    # carol, admin of the organiser squad, marks her present and passed.
    carol = new_page()
    sign_in(carol, "carol", PASSWORD)
    carol.goto(f"/training/{training.course.pk}/")
    carol.locator(f".session[data-session='{training.upcoming.pk}'] a.session-roster").click()
    expect(carol).to_have_url(re.compile(rf"/training/sessions/{training.upcoming.pk}/$"))
    row = carol.locator(f"tr.enrolment[data-enrolment='{enrolment.pk}']")
    row.locator("button.mark-present").click()
    row = carol.locator(f"tr.enrolment[data-enrolment='{enrolment.pk}']")
    row.locator("button.mark-pass").click()
    expect(carol.locator(f"tr.enrolment[data-enrolment='{enrolment.pk}']")).to_have_attribute(
        "data-result", "passed"
    )
    assert Certification.objects.filter(volunteer=gina_row, skill__code="first_aid").exists()

    # Now the rescue shift takes her.
    gina.goto(f"/projects/{plan.project.pk}/")
    gina.locator(f".shift[data-shift='{rescue.pk}'] button.sign-up").tap()
    expect(gina.locator(f".shift[data-shift='{rescue.pk}'] .my-state")).to_be_visible()
    assert SignUp.objects.get(shift=rescue, volunteer=gina_row).state == SignUp.State.CONFIRMED

    # Her training page shows the valid certification and the course's hours.
    gina.goto("/training/mine/")
    expect(gina.locator(".certification.valid[data-skill='first_aid']")).to_be_visible()
    expect(gina.locator("#training-hours")).to_have_text(re.compile(r"^8(\.0)?$"))
