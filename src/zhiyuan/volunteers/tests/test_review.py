"""Reviewing registrations: approve, reject with a reason, suspend, reinstate."""

import pytest

from zhiyuan.testing.factories import id_number
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.services import register_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(cast):
    from django.contrib.auth.models import AnonymousUser

    return register_volunteer(
        actor=AnonymousUser(),
        real_name="赵申请",
        id_type="resident_id",
        id_number=id_number(300),
        phone="13700000300",
        community_id=cast.a2.pk,
        consent=True,
        password="a-long-enough-passphrase-1",
    )


@pytest.fixture
def pending_b(cast):
    return register_volunteer(
        actor=cast.erin,
        real_name="钱南营",
        id_type="resident_id",
        id_number=id_number(301),
        phone="13700000301",
        community_id=cast.b1.pk,
        consent=True,
    )


def test_admin_sees_the_pending_queue(cast, client_for, pending):
    response = client_for(cast.alice).get("/volunteers/manage/?status=pending")
    assert pending.volunteer_no in response.content.decode()
    assert response.context["pending"] == 1


def test_admin_approves_on_the_page(cast, client_for, pending):
    response = client_for(cast.alice).post(f"/volunteers/manage/{pending.volunteer_no}/approve/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.ACTIVE
    assert pending.reviewed_by == cast.alice
    assert pending.reviewed_at is not None


def test_rejection_needs_a_reason_and_records_it(cast, client_for, pending):
    client = client_for(cast.bob)
    response = client.post(
        f"/api/v1/volunteers/{pending.volunteer_no}/reject",
        {"reason": " "},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.PENDING

    response = client.post(
        f"/api/v1/volunteers/{pending.volunteer_no}/reject",
        {"reason": "身份信息与本人不符"},
        content_type="application/json",
    )
    assert response.status_code == 200
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.REJECTED
    assert pending.status_reason == "身份信息与本人不符"


def test_applicant_sees_the_rejection_reason(cast, client, pending):
    from zhiyuan.volunteers.services import reject_volunteer

    reject_volunteer(actor=cast.alice, volunteer=pending, reason="请到社区核验身份")
    client.force_login(pending.user)
    assert "请到社区核验身份" in client.get("/volunteers/me/").content.decode()


def test_admin_of_another_subdistrict_cannot_approve(cast, client_for, pending_b):
    response = client_for(cast.bob).post(f"/api/v1/volunteers/{pending_b.volunteer_no}/approve")
    assert response.status_code == 404
    pending_b.refresh_from_db()
    assert pending_b.status == Volunteer.Status.PENDING


def test_volunteer_cannot_approve_themselves(cast, client_for, pending):
    client = client_for(pending.user)
    response = client.post(f"/api/v1/volunteers/{pending.volunteer_no}/approve")
    assert response.status_code == 403
    assert client.post(f"/volunteers/manage/{pending.volunteer_no}/approve/").status_code == 403
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.PENDING


def test_approving_twice_is_a_conflict(cast, client_for, pending):
    client = client_for(cast.alice)
    assert client.post(f"/api/v1/volunteers/{pending.volunteer_no}/approve").status_code == 200
    response = client.post(f"/api/v1/volunteers/{pending.volunteer_no}/approve")
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_status"


def test_suspend_and_reinstate(cast, client_for):
    client = client_for(cast.alice)
    no = cast.dave.volunteer_no
    assert (
        client.post(
            f"/api/v1/volunteers/{no}/suspend",
            {"reason": "多次爽约"},
            content_type="application/json",
        ).json()["status"]
        == "suspended"
    )
    assert client.post(f"/api/v1/volunteers/{no}/reinstate").json()["status"] == "active"


def test_unknown_action_on_the_page_is_a_404(cast, client_for):
    response = client_for(cast.alice).post(f"/volunteers/manage/{cast.dave.volunteer_no}/delete/")
    assert response.status_code == 404
