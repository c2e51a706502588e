"""Revealing a full ID number or phone: deliberate, scoped and written to the audit log."""

import pytest

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.testing.factories import id_number

pytestmark = pytest.mark.django_db


def reveal(client, no, field="id_number", reason="核对保险信息"):
    return client.post(
        f"/api/v1/volunteers/{no}/reveal",
        {"field": field, "reason": reason},
        content_type="application/json",
    )


def test_reveal_returns_the_value_and_logs_who_whose_when_why(cast, client_for):
    response = reveal(client_for(cast.alice), cast.carol.volunteer_no)
    assert response.status_code == 200
    assert response.json()["value"] == id_number(1)
    event = AuditEvent.objects.get()
    assert event.actor == cast.alice
    assert event.subject_label == cast.carol.volunteer_no
    assert event.field == "id_number"
    assert event.reason == "核对保险信息"
    assert event.at is not None


def test_phone_reveal(cast, client_for):
    response = reveal(client_for(cast.bob), cast.carol.volunteer_no, field="phone")
    assert response.json()["value"] == "13800000001"


def test_reveal_without_a_reason_is_refused_and_not_logged(cast, client_for):
    response = reveal(client_for(cast.alice), cast.carol.volunteer_no, reason="")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert not AuditEvent.objects.exists()


def test_unknown_field_cannot_be_revealed(cast, client_for):
    response = reveal(client_for(cast.alice), cast.carol.volunteer_no, field="password")
    assert response.status_code == 400
    assert not AuditEvent.objects.exists()


def test_admin_outside_the_region_cannot_reveal(cast, client_for):
    assert reveal(client_for(cast.bob), cast.dave.volunteer_no).status_code == 404
    assert not AuditEvent.objects.exists()


def test_volunteer_cannot_reveal_even_their_own_record_through_the_office_action(cast, client_for):
    assert reveal(client_for(cast.carol_user), cast.carol.volunteer_no).status_code == 403
    assert not AuditEvent.objects.exists()


def test_reveal_on_the_page_shows_the_value_once_and_logs_it(cast, client_for):
    client = client_for(cast.alice)
    detail = client.get(f"/volunteers/manage/{cast.carol.volunteer_no}/").content.decode()
    assert id_number(1) not in detail
    response = client.post(
        f"/volunteers/manage/{cast.carol.volunteer_no}/reveal/",
        {"field": "phone", "reason": "联系志愿者"},
        headers={"HX-Request": "true"},
    )
    assert "13800000001" in response.content.decode()
    assert AuditEvent.objects.filter(actor=cast.alice, field="phone").count() == 1
    again = client.get(f"/volunteers/manage/{cast.carol.volunteer_no}/").content.decode()
    assert "13800000001" not in again
