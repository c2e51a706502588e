"""Art. 16: a skill that needs training is certified by a course, never self-declared."""

import json

import pytest

from zhiyuan.testing.factories import id_number
from zhiyuan.training.services import complete
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_registration_through_the_api_refuses_a_training_only_skill(training, client):
    response = client.post(
        "/api/v1/volunteers",
        json.dumps(
            {
                "real_name": "自报急救",
                "id_number": id_number(40),
                "phone": "13900000040",
                "community_id": training.a1.pk,
                "skills": ["guide", "first_aid"],
                "consent": True,
                "password": "a-long-password-40",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "skills" in response.json()["errors"]
    assert not Volunteer.objects.filter(real_name="自报急救").exists()


def test_profile_api_refuses_a_training_only_skill(training, client_for):
    url = f"/api/v1/volunteers/{training.gina.volunteer_no}"
    response = patch(client_for(training.gina.user), url, {"skills": ["guide", "psychology"]})
    assert response.status_code == 400
    assert "skills" in response.json()["errors"]
    assert not training.gina.skills.exists()


def test_profile_api_keeps_a_certified_skill(training, client_for):
    complete(actor=training.carol_user, enrolment=training.gina_enrolment, passed=True)
    url = f"/api/v1/volunteers/{training.gina.volunteer_no}"
    response = patch(client_for(training.gina.user), url, {"skills": ["guide"]})
    assert response.status_code == 200
    assert sorted(response.json()["skills"]) == ["first_aid", "guide"]


def test_profile_page_offers_no_training_only_skill_and_refuses_one_posted(training, client_for):
    client = client_for(training.gina.user)
    page = client.get("/volunteers/me/").content.decode()
    assert 'value="guide"' in page
    assert 'value="first_aid"' not in page
    client.post(
        "/volunteers/me/",
        {
            "community": training.b1.pk,
            "skills": ["guide", "first_aid"],
            "political_status": "masses",
        },
    )
    assert not training.gina.skills.filter(code="first_aid").exists()


def test_profile_page_keeps_a_certified_skill(training, client_for):
    complete(actor=training.carol_user, enrolment=training.gina_enrolment, passed=True)
    client = client_for(training.gina.user)
    response = client.post(
        "/volunteers/me/",
        {"community": training.b1.pk, "skills": ["guide"], "political_status": "masses"},
    )
    assert response.status_code == 302
    assert set(training.gina.skills.values_list("code", flat=True)) == {"guide", "first_aid"}
