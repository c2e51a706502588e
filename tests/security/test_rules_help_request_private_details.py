"""Attack: a plain volunteer takes any help request in the district and reads the
recipient's address and phone.

A volunteer could accept a verified request anywhere, offered to nobody in particular,
and at once reveal the recipient's full address and phone; and the service that puts a
volunteer on a request checked nothing of its caller. Now a volunteer takes a request
themselves only in their own subdistrict, for one of their teams, or when a matching run
proposed them; the handling team confirms such an assignment before the full address and
phone are theirs; and the service asks who is calling.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.accounts.models import User
from zhiyuan.core.errors import PermissionDenied
from zhiyuan.helpdesk import services, workflow
from zhiyuan.helpdesk.models import Assignment
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Skill

pytestmark = pytest.mark.django_db

API = "/api/v1"
A1_POINT = (39.120000, 117.185000)


@pytest.fixture
def desk(cast):
    Station.objects.create(
        name="新兴社区服务站",
        kind="community",
        region=cast.a1,
        address="新兴街1号",
        latitude=str(A1_POINT[0]),
        longitude=str(A1_POINT[1]),
    )
    for name, region in (("新兴街道分队", cast.sub_a), ("南营门街道分队", cast.sub_b)):
        team = Team.objects.create(
            name=name, level="squad", region=region, kind="community", path=""
        )
        team.path = f"/{team.pk}/"
        team.save(update_fields=["path"])
    cast.carol.availability = 0  # any time
    cast.carol.save(update_fields=["availability"])
    cast.carol_user = User.objects.get(pk=cast.carol_user.pk)  # her approved profile
    return cast


def verified(cast, community):
    """A verified request of `community`, placed a few metres from carol's home station."""
    day = timezone.localdate() + dt.timedelta(days=2)
    starts = dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())
    request = services.submit_request(
        actor=None,
        kind="companionship",
        title="陪老人聊天",
        category="empty_nest_elderly",
        community_id=community.pk,
        address="南营门街12号3门401",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        contact_name="王阿姨",
        phone="13912345678",
        truth_confirmed=True,
        latitude=A1_POINT[0] + 0.001,
        longitude=A1_POINT[1],
    )
    return workflow.verify_request(actor=cast.alice, request=request)


def reveal(client, request):
    return client.post(
        f"{API}/help-requests/{request.pk}/reveal",
        {"field": "address", "reason": "上门服务"},
        content_type="application/json",
    )


def test_volunteer_cannot_take_a_request_of_another_subdistrict_offered_to_nobody(desk, client_for):
    request = verified(desk, desk.b1)
    carol = client_for(desk.carol_user)

    response = carol.post(f"{API}/help-requests/{request.pk}/accept")

    assert response.status_code == 403
    assert not Assignment.objects.filter(request=request).exists()
    assert reveal(carol, request).status_code in (403, 404)


def test_the_page_refuses_it_too(desk, client_for):
    request = verified(desk, desk.b1)

    client_for(desk.carol_user).post(f"/help/requests/{request.pk}/accept/")

    assert not Assignment.objects.filter(request=request).exists()


def test_the_address_is_revealed_only_once_the_handlers_confirm(desk, client_for):
    request = verified(desk, desk.a2)
    carol = client_for(desk.carol_user)
    assert carol.post(f"{API}/help-requests/{request.pk}/accept").status_code == 200
    assert not Assignment.objects.get(request=request).is_confirmed

    assert reveal(carol, request).status_code == 403

    confirmed = client_for(desk.alice).post(
        f"{API}/help-requests/{request.pk}/confirm-assignment",
        {"volunteer_no": desk.carol.volunteer_no},
        content_type="application/json",
    )
    assert confirmed.status_code == 200
    shown = reveal(carol, request)
    assert shown.status_code == 200
    assert shown.json()["value"] == "南营门街12号3门401"


def test_a_resident_cannot_assign_a_volunteer_by_calling_the_service(desk):
    request = verified(desk, desk.a2)

    with pytest.raises(PermissionDenied):
        workflow.assign_volunteer(actor=desk.erin, request=request, volunteer=desk.carol)

    assert not Assignment.objects.filter(request=request).exists()


def test_an_organiser_assignment_is_confirmed_at_once(desk, client_for):
    request = verified(desk, desk.b1)

    response = client_for(desk.alice).post(
        f"{API}/help-requests/{request.pk}/assign",
        {"volunteer_no": desk.carol.volunteer_no},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert Assignment.objects.get(request=request).is_confirmed
    assert reveal(client_for(desk.carol_user), request).status_code == 200


def test_a_plain_volunteer_cannot_give_themselves_a_certified_skill(desk, client_for):
    certified = Skill.objects.filter(requires_training=True).exclude(volunteer=desk.carol).first()

    response = client_for(desk.carol_user).patch(
        f"{API}/volunteers/{desk.carol.volunteer_no}",
        {"skills": [certified.code]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert not desk.carol.skills.filter(pk=certified.pk).exists()


def test_recommended_requests_are_only_those_the_volunteer_may_take(desk, client_for):
    own = verified(desk, desk.a2)
    elsewhere = verified(desk, desk.b1)

    page = client_for(desk.carol_user).get("/help/recommended/")

    shown = [item["object"].pk for item in page.context["items"] if item["kind"] == "help"]
    assert own.pk in shown
    assert elsewhere.pk not in shown
