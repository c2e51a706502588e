"""Attendance and completion by the organisers; a pass certifies the course's skill."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from zhiyuan.service.models import HoursTotal
from zhiyuan.testing.factories import at, make_session
from zhiyuan.training.models import Certification, Enrolment

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def completion(client, enrolment, passed=True):
    return post(
        client, f"/api/v1/training/enrolments/{enrolment.pk}/completion", {"passed": passed}
    )


def test_a_pass_grants_the_skill_and_records_the_certification(training, client_for):
    response = completion(client_for(training.carol_user), training.gina_enrolment)
    assert response.status_code == 200
    assert response.json()["result"] == "passed"
    assert training.gina.skills.filter(code="first_aid").exists()
    certification = Certification.objects.get(volunteer=training.gina)
    assert certification.skill == training.first_aid
    assert certification.session == training.held
    assert certification.granted_on == timezone.localdate()
    # 24 months: the last valid day is the day before the second anniversary.
    assert 729 <= (certification.expires_on - certification.granted_on).days <= 730
    mine = client_for(training.gina.user).get("/api/v1/training/me/certifications").json()
    assert [(c["skill"], c["valid"]) for c in mine] == [("first_aid", True)]


def test_a_fail_grants_nothing(training, client_for):
    response = completion(client_for(training.carol_user), training.gina_enrolment, passed=False)
    assert response.json()["result"] == "failed"
    assert not training.gina.skills.filter(code="first_aid").exists()
    assert not Certification.objects.exists()


def test_a_result_is_recorded_once(training, client_for):
    client = client_for(training.carol_user)
    completion(client, training.gina_enrolment, passed=False)
    again = completion(client, training.gina_enrolment, passed=True)
    assert again.status_code == 409
    assert again.json()["code"] == "already_completed"
    assert not Certification.objects.exists()


def test_an_absent_volunteer_cannot_pass(training, client_for):
    client = client_for(training.carol_user)
    url = f"/api/v1/training/enrolments/{training.gina_enrolment.pk}/attendance"
    assert post(client, url, {"attended": False}).json()["attended"] is False
    response = completion(client, training.gina_enrolment)
    assert response.status_code == 409
    assert not training.gina.skills.filter(code="first_aid").exists()


def test_results_wait_for_the_session_to_start(training, client_for):
    enrolment = Enrolment.objects.create(session=training.upcoming, volunteer=training.gina)
    response = completion(client_for(training.carol_user), enrolment)
    assert response.status_code == 409
    enrolment.refresh_from_db()
    assert enrolment.result == "pending"


def test_training_hours_are_kept_apart_from_service_hours(training, client_for):
    client = client_for(training.carol_user)
    url = f"/api/v1/training/enrolments/{training.gina_enrolment.pk}/attendance"
    assert post(client, url, {"attended": True}).json()["hours"] == "8.0"
    completion(client, training.gina_enrolment)
    record = client_for(training.gina.user).get("/api/v1/training/me").json()
    assert Decimal(record["training_hours"]) == Decimal("8.0")
    total = HoursTotal.objects.filter(volunteer=training.gina).first()
    assert total is None or total.approved_hours == 0


def test_a_sibling_team_admin_cannot_mark_attendance(training, client_for):
    response = post(
        client_for(training.hank.user),
        f"/api/v1/training/enrolments/{training.gina_enrolment.pk}/attendance",
        {"attended": True},
    )
    assert response.status_code == 404
    page = client_for(training.hank.user).post(
        f"/training/enrolments/{training.gina_enrolment.pk}/mark/", {"mark": "pass"}
    )
    assert page.status_code == 404
    assert (
        client_for(training.hank.user).get(f"/training/sessions/{training.held.pk}/").status_code
        == 403
    )
    training.gina_enrolment.refresh_from_db()
    assert training.gina_enrolment.attended is None
    assert training.gina_enrolment.result == "pending"


def test_the_enrolled_volunteer_cannot_mark_their_own_result(training, client_for):
    response = completion(client_for(training.gina.user), training.gina_enrolment)
    assert response.status_code == 403
    assert not Certification.objects.exists()


def test_office_admins_in_scope_manage_and_others_do_not(training, client_for):
    # bob administers subdistrict A, where squad_1a's course is.
    assert completion(client_for(training.bob), training.gina_enrolment).status_code == 200
    course_b = training.course.__class__.objects.create(
        title="心理疏导培训", hours=Decimal("6"), region=training.b1, organiser=training.squad_2a
    )
    session = make_session(course_b, starts_at=timezone.now() - dt.timedelta(hours=2))
    enrolment = Enrolment.objects.create(session=session, volunteer=training.frank)
    response = completion(client_for(training.bob), enrolment)
    assert response.status_code == 404
    roster = client_for(training.bob).get(f"/api/v1/training/sessions/{session.pk}/roster")
    assert roster.status_code == 403


def test_the_organiser_marks_a_pass_on_the_session_page(training, client_for):
    client = client_for(training.carol_user)
    page = client.get(f"/training/sessions/{training.held.pk}/")
    assert page.status_code == 200
    assert f'data-enrolment="{training.gina_enrolment.pk}"' in page.content.decode()
    client.post(f"/training/enrolments/{training.gina_enrolment.pk}/mark/", {"mark": "present"})
    client.post(f"/training/enrolments/{training.gina_enrolment.pk}/mark/", {"mark": "pass"})
    training.gina_enrolment.refresh_from_db()
    assert training.gina_enrolment.attended is True
    assert training.gina_enrolment.result == "passed"
    assert training.gina.skills.filter(code="first_aid").exists()


def test_the_record_shows_on_the_profile_page_of_its_volunteer_only(training, client_for):
    completion(client_for(training.carol_user), training.gina_enrolment)
    own = client_for(training.gina.user).get("/volunteers/me/")
    assert 'id="training-record"' in own.content.decode()
    assert 'data-skill="first_aid"' in own.content.decode()


def test_a_course_for_a_team_outside_ones_scope_is_refused(training, client_for):
    response = post(
        client_for(training.hank.user),
        "/api/v1/training/courses",
        {"title": "急救", "hours": "4", "organiser_id": training.squad_1a.pk},
    )
    assert response.status_code == 403


def test_a_team_admin_sets_up_a_course_and_a_session(training, client_for):
    client = client_for(training.hank.user)
    created = post(
        client,
        "/api/v1/training/courses",
        {
            "title": "消防培训",
            "kind": "specialised",
            "hours": "4",
            "organiser_id": training.squad_1b.pk,
            "skill": "fire_safety",
            "validity_months": 12,
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["region_id"], body["skill"]) == (training.a2.pk, "fire_safety")
    start = at(5)
    session = post(
        client,
        f"/api/v1/training/courses/{body['id']}/sessions",
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=4)).isoformat(),
            "trainer": "消防支队 李教官",
            "capacity": 30,
            "address": "朝阳社区活动中心",
        },
    )
    assert session.status_code == 201
    assert session.json()["capacity"] == 30


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"title": " ", "hours": "4"}, "title"),
        ({"title": "急救", "hours": "0"}, "hours"),
        ({"title": "急救", "hours": "4", "skill": "nope"}, "skill"),
        ({"title": "急救", "hours": "4", "validity_months": 0}, "validity_months"),
        ({"title": "急救", "hours": "4", "organiser_id": 999999}, "organiser_id"),
        ({"title": "急救", "hours": "abc"}, "hours"),
    ],
)
def test_bad_course_input_names_the_field_and_saves_nothing(training, client_for, payload, field):
    if "organiser_id" not in payload:
        payload = {**payload, "organiser_id": training.squad_1b.pk}
    response = post(client_for(training.hank.user), "/api/v1/training/courses", payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert training.course.__class__.objects.count() == 1


def test_bad_session_input_names_the_field(training, client_for):
    start = at(-1)
    response = post(
        client_for(training.carol_user),
        f"/api/v1/training/courses/{training.course.pk}/sessions",
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
            "trainer": "王老师",
            "capacity": 5,
        },
    )
    assert response.status_code == 400
    assert "starts_at" in response.json()["errors"]
    assert training.course.sessions.count() == 2
