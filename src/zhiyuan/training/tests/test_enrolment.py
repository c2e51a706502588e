"""Enrolment: a place per volunteer, no overbooking, cancellation before the start."""

import json

import pytest

from zhiyuan.testing.factories import at, make_session
from zhiyuan.training.models import Enrolment

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_volunteer_enrols_through_the_api(training, client_for):
    response = post(
        client_for(training.gina.user), f"/api/v1/training/sessions/{training.upcoming.pk}/enrol"
    )
    assert response.status_code == 201
    assert response.json()["state"] == "enrolled"
    assert Enrolment.objects.filter(session=training.upcoming, volunteer=training.gina).count() == 1


def test_enrolling_twice_is_refused_and_keeps_one_place(training, client_for):
    client = client_for(training.gina.user)
    url = f"/api/v1/training/sessions/{training.upcoming.pk}/enrol"
    assert post(client, url).status_code == 201
    again = post(client, url)
    assert again.status_code == 409
    assert again.json()["code"] == "already_enrolled"
    assert Enrolment.objects.filter(session=training.upcoming, volunteer=training.gina).count() == 1


def test_a_full_session_refuses_the_next_volunteer(training, client_for):
    url = f"/api/v1/training/sessions/{training.upcoming.pk}/enrol"
    assert post(client_for(training.gina.user), url).status_code == 201
    assert post(client_for(training.frank.user), url).status_code == 201
    third = post(client_for(training.hank.user), url)
    assert third.status_code == 409
    assert third.json()["code"] == "session_full"
    assert training.upcoming.enrolments.filter(state="enrolled").count() == 2


def test_a_started_session_is_closed_for_enrolment(training, client_for):
    response = post(
        client_for(training.frank.user), f"/api/v1/training/sessions/{training.held.pk}/enrol"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "session_closed"


def test_a_resident_without_volunteer_profile_cannot_enrol(training, client_for):
    response = post(
        client_for(training.erin), f"/api/v1/training/sessions/{training.upcoming.pk}/enrol"
    )
    assert response.status_code == 403
    assert not training.upcoming.enrolments.exists()


def test_cancelling_frees_the_place_and_allows_enrolling_again(training, client_for):
    client = client_for(training.gina.user)
    enrolment_id = post(client, f"/api/v1/training/sessions/{training.upcoming.pk}/enrol").json()[
        "id"
    ]
    cancelled = post(client, f"/api/v1/training/enrolments/{enrolment_id}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert not training.upcoming.enrolments.filter(state="enrolled").exists()
    assert (
        post(client, f"/api/v1/training/sessions/{training.upcoming.pk}/enrol").status_code == 201
    )
    assert training.upcoming.enrolments.count() == 2


def test_cancel_after_the_start_is_refused(training, client_for):
    response = post(
        client_for(training.gina.user),
        f"/api/v1/training/enrolments/{training.gina_enrolment.pk}/cancel",
    )
    assert response.status_code == 409
    training.gina_enrolment.refresh_from_db()
    assert training.gina_enrolment.state == "enrolled"


def test_another_volunteer_cannot_see_or_cancel_an_enrolment(training, client_for):
    session = make_session(training.course, starts_at=at(3))
    enrolment = Enrolment.objects.create(session=session, volunteer=training.gina)
    response = post(
        client_for(training.hank.user), f"/api/v1/training/enrolments/{enrolment.pk}/cancel"
    )
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.state == "enrolled"


def test_an_organiser_cannot_cancel_on_behalf_of_the_volunteer(training, client_for):
    session = make_session(training.course, starts_at=at(3))
    enrolment = Enrolment.objects.create(session=session, volunteer=training.gina)
    response = post(
        client_for(training.frank.user), f"/api/v1/training/enrolments/{enrolment.pk}/cancel"
    )
    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.state == "enrolled"


def test_enrol_and_cancel_on_the_pages(training, client_for):
    client = client_for(training.gina.user)
    detail = client.get(f"/training/{training.course.pk}/")
    assert detail.status_code == 200
    assert f'action="/training/sessions/{training.upcoming.pk}/enrol/"' in detail.content.decode()
    response = client.post(f"/training/sessions/{training.upcoming.pk}/enrol/")
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(session=training.upcoming, volunteer=training.gina)
    mine = client.get("/training/mine/")
    assert f'data-session="{training.upcoming.pk}" data-state="enrolled"' in mine.content.decode()
    client.post(f"/training/enrolments/{enrolment.pk}/cancel/")
    enrolment.refresh_from_db()
    assert enrolment.state == "cancelled"


def test_course_list_and_detail_are_public(training, client):
    listing = client.get("/training/")
    assert listing.status_code == 200
    assert f'data-course="{training.course.pk}"' in listing.content.decode()
    detail = client.get(f"/training/{training.course.pk}/")
    assert f'data-session="{training.upcoming.pk}"' in detail.content.decode()
    # The public sees upcoming sessions only, and no organiser links.
    assert f'data-session="{training.held.pk}"' not in detail.content.decode()
    assert "session-roster" not in detail.content.decode()
    api = client.get("/api/v1/training/courses").json()
    assert [c["id"] for c in api["items"]] == [training.course.pk]
    assert api["items"][0]["skill"] == "first_aid"


def test_my_training_needs_sign_in(client):
    response = client.get("/training/mine/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]
