"""Attack: learn whether an ID number or a phone is on file by trying to register with it.

Anonymous registration answered "This ID number is already registered" or "This phone
number already belongs to an account". Anyone but an office admin now hears one neutral
answer for both; office admins keep the specific one.
"""

import pytest

from zhiyuan.testing.factories import id_number
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

URL = "/api/v1/volunteers"


def payload(cast, *, number, phone):
    return {
        "real_name": "王探测",
        "id_type": "resident_id",
        "id_number": number,
        "phone": phone,
        "community_id": cast.a1.pk,
        "password": "a-long-passphrase-9",
        "consent": True,
    }


def test_anonymous_callers_cannot_tell_a_taken_id_from_a_taken_phone(cast, client):
    taken_id = client.post(
        URL, payload(cast, number=id_number(1), phone="13900000777"), "application/json"
    )
    taken_phone = client.post(
        URL, payload(cast, number=id_number(777), phone="13800000001"), "application/json"
    )
    assert taken_id.status_code == taken_phone.status_code == 409
    assert taken_id.json() == taken_phone.json()
    body = taken_id.json()
    assert body["code"] == "registration_refused"
    assert list(body["errors"]) == ["__all__"]
    assert not Volunteer.objects.filter(real_name="王探测").exists()


def test_the_registration_page_is_neutral_too(cast, client):
    form = {
        "real_name": "王探测",
        "id_type": "resident_id",
        "id_number": id_number(1),
        "phone": "13900000778",
        "community": cast.a1.pk,
        "political_status": "masses",
        "password": "a-long-passphrase-9",
        "consent": "on",
    }
    response = client.post("/volunteers/register/", form, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert "These details cannot be registered" in page
    assert "already registered" not in page


def test_a_signed_in_resident_hears_the_neutral_answer(cast, client_for):
    client = client_for(cast.erin)
    response = client.post(
        URL, payload(cast, number=id_number(778), phone="13800000001"), "application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "registration_refused"


def test_an_office_admin_keeps_the_specific_message(cast, client_for):
    response = client_for(cast.alice).post(
        URL, payload(cast, number=id_number(1), phone="13900000779"), "application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_id_number"
    assert list(response.json()["errors"]) == ["id_number"]
