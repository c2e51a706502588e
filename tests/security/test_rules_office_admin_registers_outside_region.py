"""Attack: an office admin registers a volunteer outside their region.

The registration asked "is this an office admin?" but not "of which region": bob, the
office admin of subdistrict A, registered (and so approved at once) a volunteer in a
community of subdistrict B through the API. An office admin registers only in their region.
"""

from __future__ import annotations

import pytest

from zhiyuan.testing.factories import id_number
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def payload(community_id: int) -> dict:
    return {
        "real_name": "王越界",
        "id_type": "resident_id",
        "id_number": id_number(700),
        "phone": "13900000700",
        "community_id": community_id,
        "consent": True,
    }


def test_subdistrict_admin_cannot_register_a_volunteer_in_another_subdistrict(cast, client_for):
    response = client_for(cast.bob).post(
        "/api/v1/volunteers", payload(cast.b1.pk), content_type="application/json"
    )
    assert response.status_code == 400
    assert "community" in response.json()["errors"]
    assert not Volunteer.objects.filter(real_name="王越界").exists()


def test_subdistrict_admin_still_registers_in_their_own_subdistrict(cast, client_for):
    response = client_for(cast.bob).post(
        "/api/v1/volunteers", payload(cast.a2.pk), content_type="application/json"
    )
    assert response.status_code == 201
    assert Volunteer.objects.get(real_name="王越界").status == Volunteer.Status.ACTIVE


def test_district_admin_registers_anywhere_in_the_district(cast, client_for):
    response = client_for(cast.alice).post(
        "/api/v1/volunteers", payload(cast.b1.pk), content_type="application/json"
    )
    assert response.status_code == 201


def test_the_page_refuses_it_too(cast, client_for):
    response = client_for(cast.bob).post(
        "/volunteers/register/",
        {
            "real_name": "王越界",
            "id_type": "resident_id",
            "id_number": id_number(700),
            "phone": "13900000700",
            "community": cast.b1.pk,
            "political_status": "masses",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert not Volunteer.objects.filter(real_name="王越界").exists()
