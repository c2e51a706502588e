"""Expired certifications take the skill away; a renewed one keeps it."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhiyuan.projects.eligibility import unmet_conditions
from zhiyuan.projects.models import Activity, Category, Project, Shift
from zhiyuan.testing.factories import at, make_session
from zhiyuan.training.models import Certification, Enrolment
from zhiyuan.training.services import _add_months, complete, expire_certifications

pytestmark = pytest.mark.django_db


def certify(c, volunteer, *, days_ago):
    session = make_session(c.course, starts_at=timezone.now() - dt.timedelta(days=days_ago))
    enrolment = Enrolment.objects.create(session=session, volunteer=volunteer)
    complete(actor=c.carol_user, enrolment=enrolment, passed=True)
    return Certification.objects.get(enrolment=enrolment)


def test_months_are_added_on_the_calendar():
    assert _add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert _add_months(dt.date(2024, 11, 15), 24) == dt.date(2026, 11, 15)


def test_the_command_removes_an_expired_skill(training):
    certification = certify(training, training.gina, days_ago=1)
    assert training.gina.skills.filter(code="first_aid").exists()
    Certification.objects.filter(pk=certification.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    out = StringIO()
    call_command("expire_certifications", stdout=out)
    assert "1 certifications lapsed, 1 skills removed" in out.getvalue()
    assert not training.gina.skills.filter(code="first_aid").exists()
    certification.refresh_from_db()
    assert certification.lapsed_at is not None
    # Safe to repeat.
    assert expire_certifications() == (0, 0)


def test_a_certification_is_valid_through_its_last_day(training):
    certification = certify(training, training.gina, days_ago=1)
    Certification.objects.filter(pk=certification.pk).update(expires_on=timezone.localdate())
    assert expire_certifications() == (0, 0)
    assert training.gina.skills.filter(code="first_aid").exists()


def test_a_renewed_certification_keeps_the_skill(training):
    old = certify(training, training.gina, days_ago=2)
    certify(training, training.gina, days_ago=1)
    Certification.objects.filter(pk=old.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert expire_certifications() == (1, 0)
    assert training.gina.skills.filter(code="first_aid").exists()


def test_a_course_passed_too_long_ago_certifies_nothing_valid(training):
    training.course.validity_months = 1
    training.course.save(update_fields=["validity_months"])
    certification = certify(training, training.gina, days_ago=40)
    assert certification.lapsed_at is not None
    assert not training.gina.skills.filter(code="first_aid").exists()


def test_after_expiry_a_shift_needing_the_skill_is_refused(training):
    certification = certify(training, training.gina, days_ago=1)
    project = Project.objects.create(
        name="应急救助服务",
        category=Category.objects.first(),
        organiser=training.squad_1a,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        state="published",
    )
    activity = Activity.objects.create(
        project=project, title="马拉松医疗保障", address="赛道", starts_at=at(3), ends_at=at(3, 12)
    )
    shift = Shift.objects.create(
        activity=activity, role="应急救助", starts_at=at(3), ends_at=at(3, 12), capacity=5
    )
    shift.required_skills.set([training.first_aid])
    assert unmet_conditions(training.gina, shift) == []
    Certification.objects.filter(pk=certification.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    expire_certifications()
    assert len(unmet_conditions(training.gina, shift)) == 1
