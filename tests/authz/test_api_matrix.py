"""Authorisation matrix, JSON API: every role × every resource × every action under /api/v1/.

Matrix size (printed by `test_matrix_size`, which checks this line against the table):

    API rows: 239, roles: 10, cells: 2390

Each row names the object it acts on, so scope is in the table: squad_1a's objects
(its admin, the detachment above, the offices over A1), the sibling squad_1b's (never
squad_1a's admin), and subdistrict B's (only the district office). Roles, world and rules:
tests/authz/conftest.py and tests/authz/matrix.py.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.authz.matrix import (
    ALL,
    DISTRICT,
    OFFICE_A,
    SIBLING,
    SIGNED_IN,
    SQUAD_A,
    STATION_A,
    TEAM_ADMINS,
    VOLUNTEERS,
    Row,
    cells,
    judge,
)
from zhiyuan.testing.factories import (
    PASSWORD,
    PHONE_CODE,
    ROLES,
    id_number,
    image_bytes,
    upload,
    xlsx,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _today() -> dt.date:
    return timezone.localdate()


def _days(n: int) -> str:
    return (_today() + dt.timedelta(days=n)).isoformat()


def _moment(days: int, hour: int) -> str:
    day = _today() + dt.timedelta(days=days)
    return dt.datetime.combine(
        day, dt.time(hour), tzinfo=timezone.get_current_timezone()
    ).isoformat()


def _registration(community) -> dict:
    """A new person's registration in `community` (with a password: an account for them)."""
    return {
        "real_name": "吴新人",
        "id_number": id_number(740),
        "phone": "13800000740",
        "community_id": community.pk,
        "consent": True,
        "password": PASSWORD,
    }


def _state(model_path: str, pk_of, field: str, value):
    """An effect: the object's `field` now equals `value`."""

    def check(w, user) -> bool:
        from django.apps import apps

        model = apps.get_model(model_path)
        return model.objects.filter(pk=pk_of(w).pk, **{field: value}).exists()

    return check


def _token_revoked(attr: str):
    """An effect: the world's token `attr` is revoked."""

    def check(w, user) -> bool:
        from zhiyuan.accounts.models import ApiToken

        return ApiToken.objects.filter(pk=getattr(w, attr).pk, revoked_at__isnull=False).exists()

    return check


def _audited(w, user) -> bool:
    from zhiyuan.accounts.models import AuditEvent

    return AuditEvent.objects.filter(actor=user).exists()


AUDIT = [
    {"criterion": c, "met": True}
    for c in (
        "premises",
        "signage",
        "team",
        "rules",
        "projects",
        "records",
        "management",
        "service",
    )
]

ROWS: list[Row] = [
    # accounts -----------------------------------------------------------------------
    Row("accounts", "me", "GET", lambda w: f"{API}/auth/me", SIGNED_IN),
    Row("accounts", "own tokens", "GET", lambda w: f"{API}/auth/tokens", SIGNED_IN),
    Row(
        "accounts",
        "ivy's tokens",
        "GET",
        lambda w: f"{API}/auth/users/{w.ivy_user.username}/tokens",
        {"volunteer"} | OFFICE_A,
        sees=lambda w: w.spare_a.prefix,
    ),
    Row(
        "accounts",
        "dave's tokens (B1)",
        "GET",
        lambda w: f"{API}/auth/users/{w.dave_user.username}/tokens",
        {"other_volunteer"} | DISTRICT,
        sees=lambda w: w.spare_b.prefix,
    ),
    Row(
        "accounts",
        "revoke ivy's token",
        "POST",
        lambda w: f"{API}/auth/tokens/{w.spare_a.pk}/revoke",
        {"volunteer"} | OFFICE_A,
        effect=_token_revoked("spare_a"),
    ),
    Row(
        "accounts",
        "revoke dave's token (B1)",
        "POST",
        lambda w: f"{API}/auth/tokens/{w.spare_b.pk}/revoke",
        {"other_volunteer"} | DISTRICT,
        effect=_token_revoked("spare_b"),
    ),
    Row(
        "accounts",
        "sign in for a token",
        "POST",
        lambda w: f"{API}/auth/token",
        ALL,
        payload=lambda w: {"username": "ivy", "password": PASSWORD, "name": "手机"},
        note="the password decides, not who asks",
    ),
    # volunteers ---------------------------------------------------------------------
    Row(
        "volunteers",
        "roster sees ivy",
        "GET",
        lambda w: f"{API}/volunteers?page_size=100",
        {"volunteer"} | SQUAD_A,
        sees=lambda w: w.ivy.volunteer_no,
        note="ivy herself, her team's admins (teams' roster rule), the offices over A1",
    ),
    Row(
        "volunteers",
        "roster sees dave (B1)",
        "GET",
        lambda w: f"{API}/volunteers?page_size=100",
        {"other_volunteer"} | DISTRICT,
        sees=lambda w: w.dave.volunteer_no,
    ),
    Row(
        "volunteers",
        "read ivy",
        "GET",
        lambda w: f"{API}/volunteers/{w.ivy.volunteer_no}",
        {"volunteer"} | SQUAD_A,
    ),
    Row(
        "volunteers",
        "read dave (B1)",
        "GET",
        lambda w: f"{API}/volunteers/{w.dave.volunteer_no}",
        {"other_volunteer"} | DISTRICT,
    ),
    Row(
        "volunteers",
        "approve (A1)",
        "POST",
        lambda w: f"{API}/volunteers/{w.pending_a.volunteer_no}/approve",
        OFFICE_A,
    ),
    Row(
        "volunteers",
        "approve (B1)",
        "POST",
        lambda w: f"{API}/volunteers/{w.pending_b.volunteer_no}/approve",
        DISTRICT,
    ),
    Row(
        "volunteers",
        "reveal ID ivy",
        "POST",
        lambda w: f"{API}/volunteers/{w.ivy.volunteer_no}/reveal",
        OFFICE_A,
        payload=lambda w: {"field": "id_number", "reason": "核对身份"},
    ),
    Row(
        "volunteers",
        "reveal ID dave (B1)",
        "POST",
        lambda w: f"{API}/volunteers/{w.dave.volunteer_no}/reveal",
        DISTRICT,
        payload=lambda w: {"field": "id_number", "reason": "核对身份"},
    ),
    Row(
        "volunteers",
        "confirm ivy's new phone",
        "POST",
        lambda w: f"{API}/volunteers/{w.ivy.volunteer_no}/phone/confirm",
        {"volunteer"},
        payload=lambda w: {"code": PHONE_CODE},
        effect=_state("volunteers.Volunteer", lambda w: w.ivy, "phone_masked", "139****0999"),
        note="only ivy, with the code texted to her new phone",
    ),
    Row("volunteers", "skills", "GET", lambda w: f"{API}/skills", ALL),
    Row(
        "volunteers",
        "register in A1",
        "POST",
        lambda w: f"{API}/volunteers",
        {"anonymous", "resident", "station_manager"} | OFFICE_A,
        payload=lambda w: _registration(w.a1),
        also_denied=frozenset({409}),
        note="anyone without a profile registers themselves, an office its own region; "
        "a volunteer already has a profile (409)",
    ),
    Row(
        "volunteers",
        "register in B1",
        "POST",
        lambda w: f"{API}/volunteers",
        {"anonymous", "resident", "station_manager", "district_admin"},
        payload=lambda w: _registration(w.b1),
        also_denied=frozenset({400, 409}),
        note="subdistrict A's office registers (and so approves) no one in B: told so on the "
        "community field (400)",
    ),
    Row(
        "volunteers",
        "edit ivy's profile",
        "PATCH",
        lambda w: f"{API}/volunteers/{w.ivy.volunteer_no}",
        {"volunteer"} | OFFICE_A,
        payload=lambda w: {"availability": ["sat_am"]},
        note="herself or the offices over A1; her team's admins see her but do not edit",
    ),
    Row(
        "volunteers",
        "reject (A1)",
        "POST",
        lambda w: f"{API}/volunteers/{w.pending_a.volunteer_no}/reject",
        OFFICE_A,
        payload=lambda w: {"reason": "身份信息不符"},
    ),
    Row(
        "volunteers",
        "suspend ivy",
        "POST",
        lambda w: f"{API}/volunteers/{w.ivy.volunteer_no}/suspend",
        OFFICE_A,
        payload=lambda w: {"reason": "违反服务守则"},
    ),
    Row(
        "volunteers",
        "reinstate (A1)",
        "POST",
        lambda w: f"{API}/volunteers/{w.suspended_a.volunteer_no}/reinstate",
        OFFICE_A,
    ),
    # teams --------------------------------------------------------------------------
    Row("teams", "read", "GET", lambda w: f"{API}/teams/{w.squad_1a.pk}", ALL),
    Row(
        "teams",
        "update squad_1a",
        "PATCH",
        lambda w: f"{API}/teams/{w.squad_1a.pk}",
        SQUAD_A,
        payload=lambda w: {"description": "新简介"},
    ),
    Row(
        "teams",
        "update sibling squad_1b",
        "PATCH",
        lambda w: f"{API}/teams/{w.squad_1b.pk}",
        SIBLING,
        payload=lambda w: {"description": "新简介"},
    ),
    Row(
        "teams",
        "update squad_2a (B1)",
        "PATCH",
        lambda w: f"{API}/teams/{w.squad_2a.pk}",
        DISTRICT,
        payload=lambda w: {"description": "新简介"},
    ),
    Row(
        "teams",
        "members squad_1a",
        "GET",
        lambda w: f"{API}/teams/{w.squad_1a.pk}/members",
        SQUAD_A,
    ),
    Row(
        "teams",
        "members sibling squad_1b",
        "GET",
        lambda w: f"{API}/teams/{w.squad_1b.pk}/members",
        SIBLING,
    ),
    Row(
        "teams",
        "approve membership squad_1a",
        "POST",
        lambda w: f"{API}/memberships/{w.join_1a.pk}/approve",
        SQUAD_A,
    ),
    Row(
        "teams",
        "approve membership sibling squad_1b",
        "POST",
        lambda w: f"{API}/memberships/{w.join_1b.pk}/approve",
        SIBLING,
    ),
    Row("teams", "specialties", "GET", lambda w: f"{API}/specialties", ALL),
    Row(
        "teams",
        "add a specialty",
        "POST",
        lambda w: f"{API}/specialties",
        DISTRICT,
        note="one district-wide list: the whole district's office (bob could add one)",
        payload=lambda w: {"code": "drone_rescue", "name": "无人机救援"},
    ),
    Row(
        "teams",
        "list",
        "GET",
        lambda w: f"{API}/teams?page_size=500",
        ALL,
        sees=lambda w: w.squad_1a.name,
    ),
    Row(
        "teams",
        "found a group under squad_1a",
        "POST",
        lambda w: f"{API}/teams",
        SQUAD_A,
        payload=lambda w: {
            "name": "新小组",
            "level": "group",
            "kind": "community",
            "parent_id": w.squad_1a.pk,
            "region_id": w.a1.pk,
        },
    ),
    Row(
        "teams",
        "move group_1a under the sibling squad_1b",
        "POST",
        lambda w: f"{API}/teams/{w.group_1a.pk}/move",
        SQUAD_A & SIBLING,
        payload=lambda w: {"parent_id": w.squad_1b.pk},
        note="manages both the team and its new parent: det_1's admin and the offices over A",
    ),
    Row(
        "teams",
        "dissolve group_1a",
        "POST",
        lambda w: f"{API}/teams/{w.group_1a.pk}/dissolve",
        SQUAD_A,
        payload=lambda w: {"reason": "合并到分队"},
    ),
    Row(
        "teams",
        "join det_2",
        "POST",
        lambda w: f"{API}/teams/{w.det_2.pk}/join",
        VOLUNTEERS,
        note="anyone with an active volunteer profile asks to join",
    ),
    Row(
        "teams",
        "leave squad_1a",
        "POST",
        lambda w: f"{API}/teams/{w.squad_1a.pk}/leave",
        {"volunteer", "squad_admin"},
        also_denied=frozenset({409}),
        note="its members leave; anyone else is told they are not a member (409)",
    ),
    Row(
        "teams",
        "invite dave to squad_1a",
        "POST",
        lambda w: f"{API}/teams/{w.squad_1a.pk}/invitations",
        SQUAD_A,
        payload=lambda w: {"volunteer_no": w.dave.volunteer_no},
    ),
    Row(
        "teams",
        "my memberships",
        "GET",
        lambda w: f"{API}/memberships",
        {"volunteer"},
        sees=lambda w: w.ivy.volunteer_no,
        note="each sees only their own",
    ),
    Row(
        "teams",
        "refuse membership squad_1a",
        "POST",
        lambda w: f"{API}/memberships/{w.join_1a.pk}/reject",
        SQUAD_A,
        payload=lambda w: {"note": "名额已满"},
    ),
    Row(
        "teams",
        "accept ivy's invitation",
        "POST",
        lambda w: f"{API}/memberships/{w.invite_ivy.pk}/accept",
        {"volunteer"},
        note="only the invited volunteer; squad_2a's managers see it but may not accept for her",
    ),
    Row(
        "teams",
        "remove ivy from squad_1a",
        "POST",
        lambda w: f"{API}/memberships/{w.ivy_membership.pk}/remove",
        SQUAD_A,
        payload=lambda w: {"reason": "长期未参加活动"},
    ),
    Row(
        "teams",
        "make ivy a leader",
        "PATCH",
        lambda w: f"{API}/memberships/{w.ivy_membership.pk}",
        SQUAD_A,
        payload=lambda w: {"role": "leader"},
    ),
    # stations -----------------------------------------------------------------------
    Row("stations", "read", "GET", lambda w: f"{API}/stations/{w.station_a.pk}", ALL),
    Row(
        "stations",
        "update station_a",
        "PATCH",
        lambda w: f"{API}/stations/{w.station_a.pk}",
        STATION_A,
        payload=lambda w: {"opening_hours": "每天 8:00-18:00"},
    ),
    Row(
        "stations",
        "update station_b (B1)",
        "PATCH",
        lambda w: f"{API}/stations/{w.station_b.pk}",
        DISTRICT,
        payload=lambda w: {"opening_hours": "每天 8:00-18:00"},
    ),
    Row(
        "stations",
        "audit station_a",
        "POST",
        lambda w: f"{API}/stations/{w.station_a.pk}/audits",
        OFFICE_A,
        note="audits against the eight standards are the office's inspection, not self-assessment",
        payload=lambda w: {"audited_on": _days(0), "items": AUDIT},
    ),
    Row(
        "stations",
        "audit station_b (B1)",
        "POST",
        lambda w: f"{API}/stations/{w.station_b.pk}/audits",
        DISTRICT,
        payload=lambda w: {"audited_on": _days(0), "items": AUDIT},
    ),
    Row(
        "stations",
        "rotate token station_a",
        "POST",
        lambda w: f"{API}/stations/{w.station_a.pk}/rotate-token",
        STATION_A,
    ),
    Row(
        "stations",
        "rotate token station_b (B1)",
        "POST",
        lambda w: f"{API}/stations/{w.station_b.pk}/rotate-token",
        DISTRICT,
    ),
    Row(
        "stations",
        "list",
        "GET",
        lambda w: f"{API}/stations",
        ALL,
        sees=lambda w: w.station_a.name,
    ),
    Row(
        "stations",
        "shortfalls see station_a",
        "GET",
        lambda w: f"{API}/stations/shortfalls",
        OFFICE_A,
        sees=lambda w: w.station_a.name,
    ),
    Row(
        "stations",
        "open a station in A1",
        "POST",
        lambda w: f"{API}/stations",
        OFFICE_A,
        payload=lambda w: {
            "name": "朝阳社区志愿服务点",
            "kind": "community",
            "region_id": w.a1.pk,
            "address": "新兴街9号",
            "longitude": 117.186,
            "latitude": 39.121,
        },
    ),
    Row(
        "stations",
        "add a manager to station_a",
        "POST",
        lambda w: f"{API}/stations/{w.station_a.pk}/managers",
        STATION_A,
        payload=lambda w: {"username": "erin"},
    ),
    Row("stations", "audits", "GET", lambda w: f"{API}/stations/{w.station_a.pk}/audits", ALL),
    # places -------------------------------------------------------------------------
    Row("places", "regions", "GET", lambda w: f"{API}/regions", ALL, sees=lambda w: w.a1.code),
    Row("places", "region", "GET", lambda w: f"{API}/regions/{w.a1.pk}", ALL),
    Row(
        "places",
        "add a community to subdistrict A",
        "POST",
        lambda w: f"{API}/regions",
        OFFICE_A,
        payload=lambda w: {
            "code": "120199001009",
            "name": "新社区",
            "level": "community",
            "parent_id": w.sub_a.pk,
        },
    ),
    Row(
        "places",
        "rename A1",
        "PATCH",
        lambda w: f"{API}/regions/{w.a1.pk}",
        OFFICE_A,
        payload=lambda w: {"population": 6100},
    ),
    Row(
        "places",
        "rename B1",
        "PATCH",
        lambda w: f"{API}/regions/{w.b1.pk}",
        DISTRICT,
        payload=lambda w: {"population": 5100},
    ),
    # projects -----------------------------------------------------------------------
    Row(
        "projects",
        "list (published)",
        "GET",
        lambda w: f"{API}/projects?page_size=100",
        ALL,
        sees=lambda w: w.project_a.name,
    ),
    Row("projects", "read published", "GET", lambda w: f"{API}/projects/{w.project_a.pk}", ALL),
    Row("projects", "read draft", "GET", lambda w: f"{API}/projects/{w.draft_a.pk}", SQUAD_A),
    Row(
        "projects",
        "read sibling's draft",
        "GET",
        lambda w: f"{API}/projects/{w.draft_sib.pk}",
        SIBLING,
    ),
    Row(
        "projects",
        "create for squad_1a",
        "POST",
        lambda w: f"{API}/projects",
        SQUAD_A,
        payload=lambda w: {
            "name": "新项目",
            "category": "civility_guidance",
            "organiser_id": w.squad_1a.pk,
            "starts_on": _days(1),
            "ends_on": _days(60),
        },
    ),
    Row(
        "projects",
        "publish draft",
        "POST",
        lambda w: f"{API}/projects/{w.draft_a.pk}/publish",
        SQUAD_A,
    ),
    Row(
        "projects",
        "publish sibling's draft",
        "POST",
        lambda w: f"{API}/projects/{w.draft_sib.pk}/publish",
        SIBLING,
    ),
    Row("projects", "categories", "GET", lambda w: f"{API}/project-categories", ALL),
    Row(
        "projects",
        "edit draft",
        "PATCH",
        lambda w: f"{API}/projects/{w.draft_a.pk}",
        SQUAD_A,
        payload=lambda w: {"description": "新的说明"},
    ),
    Row("projects", "close", "POST", lambda w: f"{API}/projects/{w.project_a.pk}/close", SQUAD_A),
    Row(
        "projects",
        "activities",
        "GET",
        lambda w: f"{API}/projects/{w.project_a.pk}/activities",
        ALL,
        sees=lambda w: f'"id": {w.shift_a.activity_id}, ',
    ),
    Row(
        "projects",
        "schedule an activity",
        "POST",
        lambda w: f"{API}/projects/{w.project_a.pk}/activities",
        SQUAD_A,
        payload=lambda w: {
            "title": "文明引导",
            "starts_at": _moment(5, 9),
            "ends_at": _moment(5, 11),
            "station_id": w.station_a.pk,
        },
    ),
    Row(
        "projects",
        "schedule a monthly series",
        "POST",
        lambda w: f"{API}/projects/{w.project_a.pk}/series",
        SQUAD_A,
        payload=lambda w: {
            "title": "文明礼让日",
            "frequency": "monthly",
            "day": 12,
            "start_time": "08:00",
            "end_time": "11:00",
            "first_date": _days(1),
            "last_date": _days(90),
            "station_ids": [w.station_a.pk],
            "shifts": [{"role": "义务指路", "capacity": 3}],
        },
    ),
    Row(
        "projects",
        "edit an activity",
        "PATCH",
        lambda w: f"{API}/activities/{w.shift_a.activity_id}",
        SQUAD_A,
        payload=lambda w: {"description": "带好小红帽"},
    ),
    Row(
        "projects",
        "cancel an activity",
        "POST",
        lambda w: f"{API}/activities/{w.shift_a.activity_id}/cancel",
        SQUAD_A,
        payload=lambda w: {"reason": "天气原因"},
    ),
    Row(
        "projects",
        "add a shift",
        "POST",
        lambda w: f"{API}/activities/{w.shift_a.activity_id}/shifts",
        SQUAD_A,
        payload=lambda w: {
            "role": "秩序维护",
            "starts_at": _moment(1, 9),
            "ends_at": _moment(1, 10),
            "capacity": 2,
        },
    ),
    Row(
        "projects",
        "set a shift's capacity",
        "PATCH",
        lambda w: f"{API}/shifts/{w.shift_a.pk}",
        SQUAD_A,
        payload=lambda w: {"capacity": 5},
    ),
    # shifts and sign-ups ------------------------------------------------------------
    Row(
        "shifts",
        "sign up",
        "POST",
        lambda w: f"{API}/shifts/{w.shift_a.pk}/signups",
        VOLUNTEERS,
    ),
    Row(
        "shifts",
        "roster squad_1a",
        "GET",
        lambda w: f"{API}/shifts/{w.shift_a.pk}/signups",
        SQUAD_A,
    ),
    Row(
        "shifts",
        "roster squad_2a (B1)",
        "GET",
        lambda w: f"{API}/shifts/{w.shift_b.pk}/signups",
        DISTRICT,
    ),
    Row(
        "shifts",
        "confirm waitlisted",
        "POST",
        lambda w: f"{API}/signups/{w.waiting_a.pk}/confirm",
        SQUAD_A,
    ),
    Row(
        "shifts",
        "confirm waitlisted (B1)",
        "POST",
        lambda w: f"{API}/signups/{w.waiting_b.pk}/confirm",
        DISTRICT,
    ),
    Row(
        "shifts",
        "no-show",
        "POST",
        lambda w: f"{API}/signups/{w.present_a.pk}/no-show",
        SQUAD_A,
    ),
    Row(
        "shifts",
        "no-show (B1)",
        "POST",
        lambda w: f"{API}/signups/{w.present_b.pk}/no-show",
        DISTRICT,
    ),
    Row(
        "shifts",
        "my sign-ups",
        "GET",
        lambda w: f"{API}/me/signups",
        {"volunteer"},
        sees=lambda w: f'"id": {w.booked_a.pk}, ',
    ),
    Row(
        "shifts",
        "cancel ivy's sign-up",
        "POST",
        lambda w: f"{API}/signups/{w.booked_a.pk}/cancel",
        {"volunteer"},
        note="only the volunteer cancels; organisers remove with a reason",
    ),
    Row(
        "shifts",
        "remove ivy's sign-up",
        "POST",
        lambda w: f"{API}/signups/{w.booked_a.pk}/remove",
        SQUAD_A,
        payload=lambda w: {"reason": "岗位调整"},
    ),
    # service records ----------------------------------------------------------------
    Row(
        "service",
        "my hours",
        "GET",
        lambda w: f"{API}/me/hours",
        SIGNED_IN,
        note="one's own figures: a caller without a profile gets zeros, nobody else's",
    ),
    Row(
        "service",
        "queue sees squad_1a's record",
        "GET",
        lambda w: f"{API}/records/queue",
        SQUAD_A,
        sees=lambda w: f'"id": {w.pending_rec_a.pk}, ',
    ),
    Row(
        "service",
        "queue sees squad_2a's record (B1)",
        "GET",
        lambda w: f"{API}/records/queue",
        DISTRICT,
        sees=lambda w: f'"id": {w.pending_rec_b.pk}, ',
    ),
    Row(
        "service",
        "approve",
        "POST",
        lambda w: f"{API}/records/approve",
        SQUAD_A,
        payload=lambda w: {"ids": [w.pending_rec_a.pk]},
        effect=_state("service.ServiceRecord", lambda w: w.pending_rec_a, "state", "approved"),
    ),
    Row(
        "service",
        "approve (B1)",
        "POST",
        lambda w: f"{API}/records/approve",
        DISTRICT,
        payload=lambda w: {"ids": [w.pending_rec_b.pk]},
        effect=_state("service.ServiceRecord", lambda w: w.pending_rec_b, "state", "approved"),
    ),
    Row(
        "service",
        "correct",
        "POST",
        lambda w: f"{API}/records/{w.approved_a.pk}/correct",
        SQUAD_A,
        payload=lambda w: {"hours": "2.5", "reason": "补登更正"},
    ),
    Row(
        "service",
        "correct (B1)",
        "POST",
        lambda w: f"{API}/records/{w.approved_b.pk}/correct",
        DISTRICT,
        payload=lambda w: {"hours": "2.5", "reason": "补登更正"},
    ),
    Row(
        "service",
        "check in at station_a",
        "POST",
        lambda w: f"{API}/checkins",
        {"volunteer"},
        payload=lambda w: {
            "token": w.station_a.checkin_token,
            "longitude": 117.185,
            "latitude": 39.12,
        },
        also_denied=frozenset({409}),
        note="ivy has a shift there now; another volunteer's scan is refused (409), no profile 403",
    ),
    Row(
        "service",
        "check in squad_1a's shift",
        "POST",
        lambda w: f"{API}/shifts/{w.shift_now.pk}/attendance",
        SQUAD_A,
        payload=lambda w: {"action": "check_in"},
    ),
    Row(
        "service",
        "enter ivy's hours",
        "POST",
        lambda w: f"{API}/shifts/{w.shift_now.pk}/hours",
        SQUAD_A,
        payload=lambda w: {
            "volunteer_no": w.ivy.volunteer_no,
            "hours": "1.5",
            "reason": "未能扫码",
        },
    ),
    Row(
        "service",
        "my records",
        "GET",
        lambda w: f"{API}/me/records",
        {"volunteer"},
        sees=lambda w: f'"id": {w.approved_a.pk}, ',
    ),
    Row(
        "service",
        "reject",
        "POST",
        lambda w: f"{API}/records/reject",
        SQUAD_A,
        payload=lambda w: {"ids": [w.pending_rec_a.pk], "reason": "未到岗"},
        effect=_state("service.ServiceRecord", lambda w: w.pending_rec_a, "state", "rejected"),
    ),
    Row(
        "service",
        "history of ivy's record",
        "GET",
        lambda w: f"{API}/records/{w.approved_a.pk}/history",
        {"volunteer"} | SQUAD_A,
    ),
    Row(
        "service",
        "ask for a correction",
        "POST",
        lambda w: f"{API}/corrections",
        {"volunteer"},
        payload=lambda w: {"record_id": w.approved_a.pk, "hours": "4", "message": "少记一小时"},
        note="only the record's volunteer asks; its team's managers see it but are refused (403)",
    ),
    Row(
        "service",
        "answer ivy's correction",
        "POST",
        lambda w: f"{API}/corrections/{w.correction_a.pk}/answer",
        SQUAD_A,
        payload=lambda w: {"accept": False, "answer": "签到记录无误"},
    ),
    Row(
        "service",
        "who is at station_a",
        "GET",
        lambda w: f"{API}/stations/{w.station_a.pk}/present",
        STATION_A,
    ),
    # certificates -------------------------------------------------------------------
    Row(
        "certificates",
        "request",
        "POST",
        lambda w: f"{API}/certificates",
        {"volunteer"},
        payload=lambda w: {
            "team_id": w.squad_1a.pk,
            "period_from": _days(-25),
            "period_to": _days(-15),
        },
        also_denied=frozenset({400}),
        note="only ivy has approved hours with squad_1a: others are told so (400)",
    ),
    Row(
        "certificates",
        "issue",
        "POST",
        lambda w: f"{API}/certificates/{w.cert_request_a.pk}/issue",
        SQUAD_A,
        payload=lambda w: {
            "responsible_person": "负责人",
            "contact": "022-1234567",
            "handler_name": "王经办",
        },
    ),
    Row(
        "certificates",
        "issue (B1)",
        "POST",
        lambda w: f"{API}/certificates/{w.cert_request_b.pk}/issue",
        DISTRICT,
        payload=lambda w: {
            "responsible_person": "负责人",
            "contact": "022-1234567",
            "handler_name": "王经办",
        },
    ),
    Row(
        "certificates",
        "verify",
        "GET",
        lambda w: f"{API}/certificates/verify/{w.certificate.verify_token}",
        ALL,
        sees=lambda w: w.certificate.number,
    ),
    Row(
        "certificates",
        "my certificates",
        "GET",
        lambda w: f"{API}/certificates",
        {"volunteer"},
        sees=lambda w: w.certificate.number,
    ),
    Row(
        "certificates",
        "squad_1a's certificates",
        "GET",
        lambda w: f"{API}/certificates?team_id={w.squad_1a.pk}",
        SQUAD_A,
        sees=lambda w: w.certificate.number,
    ),
    Row(
        "certificates",
        "check by number",
        "GET",
        lambda w: (
            f"{API}/certificates/check?number={w.certificate.number}"
            f"&volunteer_no={w.ivy.volunteer_no}"
        ),
        ALL,
    ),
    Row(
        "certificates",
        "refuse",
        "POST",
        lambda w: f"{API}/certificates/{w.cert_request_a.pk}/refuse",
        SQUAD_A,
        payload=lambda w: {"reason": "时段内无记录"},
    ),
    # help requests ------------------------------------------------------------------
    # evaluations and complaints ------------------------------------------------------
    Row(
        "ratings",
        "rate activity A (ivy served)",
        "POST",
        lambda w: f"{API}/activities/{w.rated_a.activity_id}/ratings",
        {"volunteer"},
        payload=lambda w: {"score": 5, "team_score": 4},
    ),
    Row(
        "ratings",
        "rate ivy's service in A",
        "POST",
        lambda w: f"{API}/activities/{w.rated_a.activity_id}/service-ratings",
        SQUAD_A,
        payload=lambda w: {"volunteer_no": w.ivy.volunteer_no, "score": 4},
    ),
    Row(
        "ratings",
        "rate dave's service in B",
        "POST",
        lambda w: f"{API}/activities/{w.rated_b.activity_id}/service-ratings",
        DISTRICT,
        payload=lambda w: {"volunteer_no": w.dave.volunteer_no, "score": 4},
    ),
    Row(
        "complaints",
        "file",
        "POST",
        lambda w: f"{API}/complaints",
        ALL,
        payload=lambda w: {
            "subject_type": "team",
            "subject": str(w.squad_1a.pk),
            "what": "活动现场秩序混乱",
            "happened_on": _days(0),
        },
    ),
    Row(
        "complaints",
        "track by code",
        "GET",
        lambda w: f"{API}/complaints/track/{w.complaint_a.code}",
        ALL,
    ),
    Row(
        "complaints",
        "list sees A1 complaint",
        "GET",
        lambda w: f"{API}/complaints",
        SQUAD_A,
        sees=lambda w: w.complaint_a.code,
        note="squad_1a's admins are told and may answer",
    ),
    Row(
        "complaints",
        "list sees B1 complaint",
        "GET",
        lambda w: f"{API}/complaints",
        DISTRICT,
        sees=lambda w: w.complaint_b.code,
    ),
    Row(
        "complaints",
        "read A1",
        "GET",
        lambda w: f"{API}/complaints/{w.complaint_a.pk}",
        SQUAD_A,
    ),
    Row(
        "complaints",
        "move A1",
        "POST",
        lambda w: f"{API}/complaints/{w.complaint_a.pk}/move",
        OFFICE_A,
        payload=lambda w: {"to": "investigating"},
    ),
    Row(
        "complaints",
        "move B1",
        "POST",
        lambda w: f"{API}/complaints/{w.complaint_b.pk}/move",
        DISTRICT,
        payload=lambda w: {"to": "investigating"},
    ),
    Row(
        "complaints",
        "answer A1",
        "POST",
        lambda w: f"{API}/complaints/{w.complaint_a.pk}/answer",
        SQUAD_A,
        note="the offices over A1 manage squad_1a too",
        payload=lambda w: {"answer": "已批评教育"},
    ),
    Row(
        "complaints",
        "reveal contact A1",
        "POST",
        lambda w: f"{API}/complaints/{w.complaint_a.pk}/reveal",
        OFFICE_A,
        payload=lambda w: {"reason": "回访投诉人"},
        effect=_audited,
    ),
    Row(
        "help requests",
        "submit",
        "POST",
        lambda w: f"{API}/help-requests",
        ALL,
        payload=lambda w: {
            "kind": "companionship",
            "title": "陪老人聊天",
            "category": "empty_nest_elderly",
            "community_id": w.a1.pk,
            "address": "新兴街12号",
            "starts_at": _moment(3, 9),
            "ends_at": _moment(3, 11),
            "contact_name": "王阿姨",
            "phone": "13912345678",
            "truth_confirmed": True,
        },
    ),
    Row(
        "help requests",
        "track by code",
        "GET",
        lambda w: f"{API}/help-requests/track/{w.help_a.code}",
        ALL,
    ),
    Row(
        "help requests",
        "list sees A1 request",
        "GET",
        lambda w: f"{API}/help-requests",
        {"resident"} | OFFICE_A,
        sees=lambda w: w.help_a.code,
        note="erin is its requester",
    ),
    Row(
        "help requests",
        "list sees B1 request",
        "GET",
        lambda w: f"{API}/help-requests",
        DISTRICT,
        sees=lambda w: w.help_b.code,
    ),
    Row(
        "help requests",
        "read A1",
        "GET",
        lambda w: f"{API}/help-requests/{w.help_a.pk}",
        {"resident"} | OFFICE_A,
    ),
    Row(
        "help requests",
        "verify A1",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_a.pk}/verify",
        OFFICE_A,
        payload=lambda w: {},
    ),
    Row(
        "help requests",
        "verify B1",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_b.pk}/verify",
        DISTRICT,
        payload=lambda w: {},
    ),
    Row(
        "help requests",
        "reveal phone A1",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_a.pk}/reveal",
        OFFICE_A,
        payload=lambda w: {"field": "phone", "reason": "联系核实"},
    ),
    Row(
        "help requests",
        "reveal phone B1",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_b.pk}/reveal",
        DISTRICT,
        payload=lambda w: {"field": "phone", "reason": "联系核实"},
    ),
    Row(
        "help requests",
        "rate a done request by its code",
        "POST",
        lambda w: f"{API}/help-requests/track/{w.help_done_a.code}/rate",
        ALL,
        payload=lambda w: {"rating": 5, "comment": "很满意"},
        note="the tracking code is the requester's key: no account needed",
    ),
    Row(
        "help requests",
        "cancel by its code",
        "POST",
        lambda w: f"{API}/help-requests/track/{w.help_a.code}/cancel",
        ALL,
        payload=lambda w: {"reason": "已找到人帮忙"},
    ),
    Row(
        "help requests",
        "reject A1",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_a.pk}/reject",
        OFFICE_A,
        payload=lambda w: {"reason": "不属于志愿服务范围"},
    ),
    Row(
        "help requests",
        "assign ivy",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_verified_a.pk}/assign",
        SQUAD_A,
        payload=lambda w: {"volunteer_no": w.ivy.volunteer_no},
        note="its handlers: squad_1a's managers and the offices over A1",
    ),
    Row(
        "help requests",
        "confirm ivy's assignment",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_matched_a.pk}/confirm-assignment",
        SQUAD_A,
        payload=lambda w: {"volunteer_no": w.ivy.volunteer_no},
    ),
    Row(
        "help requests",
        "take a verified request",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_verified_a.pk}/accept",
        VOLUNTEERS - {"other_volunteer"},
        note="volunteers of subdistrict A (the request's) or of squad_1a; dave (B1) is not",
    ),
    Row(
        "help requests",
        "start",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_matched_a.pk}/start",
        {"volunteer"} | SQUAD_A,
        note="its assigned volunteer or its handlers",
    ),
    Row(
        "help requests",
        "complete",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_serving_a.pk}/complete",
        SQUAD_A,
        payload=lambda w: {"hours": {}, "note": "服务完成"},
    ),
    Row(
        "help requests",
        "cancel A1",
        "POST",
        lambda w: f"{API}/help-requests/{w.help_a.pk}/cancel",
        {"resident"} | OFFICE_A,
        payload=lambda w: {"reason": "情况有变"},
        note="its requester erin, or its handlers (no team yet: the offices over A1)",
    ),
    # recipients ---------------------------------------------------------------------
    Row(
        "recipients",
        "list sees A1",
        "GET",
        lambda w: f"{API}/recipients",
        OFFICE_A,
        sees=lambda w: f'"id": {w.recipient_a.pk}, ',
    ),
    Row(
        "recipients",
        "list sees B1",
        "GET",
        lambda w: f"{API}/recipients",
        DISTRICT,
        sees=lambda w: f'"id": {w.recipient_b.pk}, ',
    ),
    Row(
        "recipients",
        "reveal A1",
        "POST",
        lambda w: f"{API}/recipients/{w.recipient_a.pk}/reveal",
        OFFICE_A,
        payload=lambda w: {"field": "phone", "reason": "联系核实"},
    ),
    Row(
        "recipients",
        "reveal B1",
        "POST",
        lambda w: f"{API}/recipients/{w.recipient_b.pk}/reveal",
        DISTRICT,
        payload=lambda w: {"field": "phone", "reason": "联系核实"},
    ),
    Row(
        "recipients",
        "record one in A1",
        "POST",
        lambda w: f"{API}/recipients",
        OFFICE_A,
        payload=lambda w: {
            "name": "赵奶奶",
            "category": "empty_nest_elderly",
            "community_id": w.a1.pk,
            "address": "新兴街20号",
            "phone": "13912340000",
            "consent": True,
        },
    ),
    Row("recipients", "read A1", "GET", lambda w: f"{API}/recipients/{w.recipient_a.pk}", OFFICE_A),
    Row(
        "recipients",
        "edit A1",
        "PATCH",
        lambda w: f"{API}/recipients/{w.recipient_a.pk}",
        OFFICE_A,
        payload=lambda w: {"needs": "每周陪同买菜"},
    ),
    # match runs ---------------------------------------------------------------------
    Row(
        "match runs",
        "read subdistrict A run",
        "GET",
        lambda w: f"{API}/match-runs/{w.run_a.pk}",
        {"detachment_admin"} | OFFICE_A,
        note="det_1 is a district-wide detachment: its region is the district",
    ),
    Row(
        "match runs",
        "read subdistrict B run",
        "GET",
        lambda w: f"{API}/match-runs/{w.run_b.pk}",
        {"detachment_admin"} | DISTRICT,
    ),
    Row(
        "match runs",
        "run in subdistrict A",
        "POST",
        lambda w: f"{API}/match-runs",
        {"detachment_admin"} | OFFICE_A,
        payload=lambda w: {"region_id": w.sub_a.pk},
    ),
    Row(
        "match runs",
        "list sees subdistrict A run",
        "GET",
        lambda w: f"{API}/match-runs",
        {"detachment_admin"} | OFFICE_A,
        sees=lambda w: f'"id": {w.run_a.pk}, ',
    ),
    Row(
        "match runs",
        "proposals of subdistrict A run",
        "GET",
        lambda w: f"{API}/match-runs/{w.run_a.pk}/proposals",
        {"detachment_admin"} | OFFICE_A,
        sees=lambda w: f'"id": {w.proposal_a.pk}, ',
    ),
    Row(
        "match runs",
        "confirm a proposal",
        "POST",
        lambda w: f"{API}/proposals/{w.proposal_a.pk}/confirm",
        SQUAD_A,
        note="the run's organisers (det_1, the offices) and the request's handlers (squad_1a)",
    ),
    Row(
        "match runs",
        "drop a proposal",
        "POST",
        lambda w: f"{API}/proposals/{w.proposal_a.pk}/drop",
        SQUAD_A,
    ),
    Row(
        "match runs",
        "swap a proposal to carol",
        "POST",
        lambda w: f"{API}/proposals/{w.proposal_a.pk}/swap",
        SQUAD_A,
        payload=lambda w: {"volunteer_no": w.carol.volunteer_no},
    ),
    # honours ------------------------------------------------------------------------
    Row("honours", "roll", "GET", lambda w: f"{API}/awards", ALL),
    Row(
        "honours",
        "open round (subdistrict A)",
        "POST",
        lambda w: f"{API}/nomination-rounds",
        OFFICE_A,
        payload=lambda w: {
            "kind": "outstanding_volunteer",
            "year": _today().year,
            "level": "district",
            "region_id": w.sub_a.pk,
            "awarding_body": "新兴街道",
            "deadline": _days(20),
        },
    ),
    Row(
        "honours",
        "nominate for squad_1a",
        "POST",
        lambda w: f"{API}/nomination-rounds/{w.round.pk}/nominations",
        {"squad_admin", "detachment_admin", "district_admin"},
        note="a district round: subdistrict offices are not its runners and hold no team",
        payload=lambda w: {
            "awardee": w.carol.volunteer_no,
            "reason": "组织有方",
            "team_id": w.squad_1a.pk,
        },
    ),
    Row(
        "honours",
        "approve squad_1a's nomination",
        "POST",
        lambda w: f"{API}/nominations/{w.nomination_a.pk}/approve",
        {"detachment_admin", "district_admin"},
        note="the next level up decides: det_1's admin or the round's office, never carol",
        payload=lambda w: {"note": "同意"},
    ),
    Row("honours", "kinds", "GET", lambda w: f"{API}/honour-kinds", ALL),
    Row(
        "honours",
        "add a kind",
        "POST",
        lambda w: f"{API}/honour-kinds",
        DISTRICT,
        note="one district-wide list: the whole district's office (bob could add one)",
        payload=lambda w: {
            "code": "best_newcomer",
            "name": "最佳新人",
            "awardee_type": "volunteer",
        },
    ),
    Row("honours", "ivy's award", "GET", lambda w: f"{API}/awards/{w.award_a.pk}", ALL),
    Row(
        "honours",
        "award carol",
        "POST",
        lambda w: f"{API}/awards",
        OFFICE_A,
        payload=lambda w: {
            "kind": "outstanding_volunteer",
            "awardee": w.carol.volunteer_no,
            "level": "district",
            "year": _today().year - 1,
            "awarding_body": "区文明办",
            "awarded_on": _days(-30),
        },
        note="the offices over the awardee's community",
    ),
    Row(
        "honours",
        "withdraw ivy's award",
        "POST",
        lambda w: f"{API}/awards/{w.award_a.pk}/withdraw",
        OFFICE_A,
        payload=lambda w: {"reason": "信息有误"},
    ),
    Row(
        "honours",
        "rounds list sees the district round",
        "GET",
        lambda w: f"{API}/nomination-rounds",
        TEAM_ADMINS | DISTRICT,
        sees=lambda w: f'"id": {w.round.pk}, ',
        note="its office, and team admins whose teams lie in its region; not subdistrict A's "
        "office, which runs only its own",
    ),
    Row(
        "honours",
        "district round",
        "GET",
        lambda w: f"{API}/nomination-rounds/{w.round.pk}",
        TEAM_ADMINS | DISTRICT,
    ),
    Row(
        "honours",
        "propose candidates in subdistrict A's round",
        "POST",
        lambda w: f"{API}/nomination-rounds/{w.round_a.pk}/propose",
        OFFICE_A,
    ),
    Row(
        "honours",
        "nominations of the district round see squad_1a's",
        "GET",
        lambda w: f"{API}/nomination-rounds/{w.round.pk}/nominations",
        {"squad_admin", "detachment_admin", "district_admin"},
        sees=lambda w: f'"id": {w.nomination_a.pk}, ',
    ),
    Row(
        "honours",
        "reject squad_1a's nomination",
        "POST",
        lambda w: f"{API}/nominations/{w.nomination_a.pk}/reject",
        {"detachment_admin", "district_admin"},
        payload=lambda w: {"reason": "时长不足"},
    ),
    Row(
        "honours",
        "remove a candidate",
        "POST",
        lambda w: f"{API}/nominations/{w.nomination_a.pk}/remove",
        DISTRICT,
        payload=lambda w: {"reason": "不符合条件"},
        note="the round's office only",
    ),
    Row(
        "honours",
        "finalise subdistrict A's round",
        "POST",
        lambda w: f"{API}/nomination-rounds/{w.round_a.pk}/finalise",
        OFFICE_A,
    ),
    # news ---------------------------------------------------------------------------
    Row(
        "news",
        "read published",
        "GET",
        lambda w: f"{API}/news/articles/{w.news_published.pk}",
        ALL,
    ),
    Row(
        "news",
        "read squad_1a draft",
        "GET",
        lambda w: f"{API}/news/articles/{w.news_draft_a.pk}",
        SQUAD_A,
    ),
    Row(
        "news",
        "read sibling's draft",
        "GET",
        lambda w: f"{API}/news/articles/{w.news_draft_sib.pk}",
        SIBLING,
    ),
    Row(
        "news",
        "write for squad_1a",
        "POST",
        lambda w: f"{API}/news/articles",
        SQUAD_A,
        payload=lambda w: {
            "column": "lei_feng",
            "title": "分队新闻",
            "body": "<p>正文</p>",
            "team_id": w.squad_1a.pk,
        },
    ),
    Row(
        "news",
        "edit squad_1a draft",
        "PATCH",
        lambda w: f"{API}/news/articles/{w.news_draft_a.pk}",
        SQUAD_A,
        payload=lambda w: {"title": "改过的标题"},
    ),
    Row(
        "news",
        "publish squad_1a draft",
        "POST",
        lambda w: f"{API}/news/articles/{w.news_draft_a.pk}/publish",
        OFFICE_A,
    ),
    Row(
        "news",
        "publish B1 draft",
        "POST",
        lambda w: f"{API}/news/articles/{w.news_draft_b.pk}/publish",
        DISTRICT,
    ),
    Row("news", "columns", "GET", lambda w: f"{API}/news/columns", ALL),
    Row(
        "news",
        "add a column",
        "POST",
        lambda w: f"{API}/news/columns",
        DISTRICT,
        payload=lambda w: {"code": "green_life", "name": "绿色生活"},
        note="columns are district-wide: the whole district's office only",
    ),
    Row(
        "news",
        "list",
        "GET",
        lambda w: f"{API}/news/articles",
        ALL,
        sees=lambda w: w.news_published.title,
    ),
    Row(
        "news",
        "manage list sees squad_1a draft",
        "GET",
        lambda w: f"{API}/news/manage/articles",
        SQUAD_A,
        sees=lambda w: w.news_draft_a.title,
    ),
    Row(
        "news",
        "cover of squad_1a draft",
        "POST",
        lambda w: f"{API}/news/articles/{w.news_draft_a.pk}/cover",
        SQUAD_A,
        payload=lambda w: {"cover": upload(image_bytes())},
        multipart=True,
    ),
    Row(
        "news",
        "remove the cover of squad_1a draft",
        "DELETE",
        lambda w: f"{API}/news/articles/{w.news_draft_a.pk}/cover",
        SQUAD_A,
    ),
    Row(
        "news",
        "withdraw the district notice",
        "POST",
        lambda w: f"{API}/news/articles/{w.news_published.pk}/unpublish",
        DISTRICT,
    ),
    Row(
        "news",
        "reprints",
        "GET",
        lambda w: f"{API}/news/articles/{w.news_published.pk}/reprints",
        ALL,
    ),
    Row(
        "news",
        "record a reprint",
        "POST",
        lambda w: f"{API}/news/articles/{w.news_published.pk}/reprints",
        DISTRICT,
        payload=lambda w: {
            "site_name": "天津文明网",
            "url": "https://example.org/news/2",
            "reprinted_on": _days(0),
        },
    ),
    Row(
        "news",
        "delete a reprint",
        "DELETE",
        lambda w: f"{API}/news/reprints/{w.reprint.pk}",
        DISTRICT,
    ),
    # training -----------------------------------------------------------------------
    Row(
        "training",
        "enrol",
        "POST",
        lambda w: f"{API}/training/sessions/{w.upcoming.pk}/enrol",
        VOLUNTEERS,
    ),
    Row(
        "training",
        "session roster",
        "GET",
        lambda w: f"{API}/training/sessions/{w.held.pk}/roster",
        SQUAD_A,
    ),
    Row(
        "training",
        "mark attendance",
        "POST",
        lambda w: f"{API}/training/enrolments/{w.enrolment_a.pk}/attendance",
        SQUAD_A,
        payload=lambda w: {"attended": True},
    ),
    Row(
        "training",
        "mark attendance (B1)",
        "POST",
        lambda w: f"{API}/training/enrolments/{w.enrolment_b.pk}/attendance",
        DISTRICT,
        payload=lambda w: {"attended": True},
    ),
    Row(
        "training",
        "courses",
        "GET",
        lambda w: f"{API}/training/courses",
        ALL,
        sees=lambda w: w.course.title,
    ),
    Row(
        "training",
        "set up a course for squad_1a",
        "POST",
        lambda w: f"{API}/training/courses",
        SQUAD_A,
        payload=lambda w: {"title": "志愿服务通识", "hours": "2.0", "organiser_id": w.squad_1a.pk},
    ),
    Row("training", "course", "GET", lambda w: f"{API}/training/courses/{w.course.pk}", ALL),
    Row(
        "training",
        "sessions",
        "GET",
        lambda w: f"{API}/training/courses/{w.course.pk}/sessions",
        ALL,
    ),
    Row(
        "training",
        "schedule a session",
        "POST",
        lambda w: f"{API}/training/courses/{w.course.pk}/sessions",
        SQUAD_A,
        payload=lambda w: {
            "starts_at": _moment(10, 9),
            "ends_at": _moment(10, 12),
            "trainer": "红十字会 李老师",
            "capacity": 20,
            "address": "新兴街1号 社区活动室",
        },
    ),
    Row("training", "session", "GET", lambda w: f"{API}/training/sessions/{w.upcoming.pk}", ALL),
    Row(
        "training",
        "cancel ivy's enrolment",
        "POST",
        lambda w: f"{API}/training/enrolments/{w.enrolment_later.pk}/cancel",
        {"volunteer"},
        note="only the volunteer; the course's managers see it but may not",
    ),
    Row(
        "training",
        "pass ivy",
        "POST",
        lambda w: f"{API}/training/enrolments/{w.enrolment_a.pk}/completion",
        SQUAD_A,
        payload=lambda w: {"passed": True},
    ),
    Row("training", "my training", "GET", lambda w: f"{API}/training/me", VOLUNTEERS),
    Row(
        "training",
        "my certifications",
        "GET",
        lambda w: f"{API}/training/me/certifications",
        VOLUNTEERS,
    ),
    # spreadsheets -------------------------------------------------------------------
    Row(
        "spreadsheets",
        "export roster with reveal",
        "POST",
        lambda w: f"{API}/exports/roster",
        OFFICE_A,
        payload=lambda w: {"reveal": True, "reason": "年度核对"},
    ),
    Row(
        "spreadsheets",
        "upload a roster for subdistrict A",
        "POST",
        lambda w: f"{API}/imports",
        OFFICE_A,
        payload=lambda w: {
            "file": upload(
                xlsx([["姓名", "身份证号", "手机号"], ["钱二", id_number(731), "13900000731"]]),
                "花名册.xlsx",
                XLSX,
            ),
            "scope_id": w.sub_a.pk,
            "consent_confirmed": "true",
        },
        multipart=True,
    ),
    Row(
        "spreadsheets",
        "imports",
        "GET",
        lambda w: f"{API}/imports",
        OFFICE_A,
        sees=lambda w: f'"id": {w.job_a.pk}, ',
    ),
    Row("spreadsheets", "an import", "GET", lambda w: f"{API}/imports/{w.job_a.pk}", OFFICE_A),
    Row(
        "spreadsheets",
        "set an import's columns",
        "PUT",
        lambda w: f"{API}/imports/{w.job_a.pk}/mapping",
        OFFICE_A,
        payload=lambda w: {"mapping": w.job_a.mapping},
    ),
    Row(
        "spreadsheets",
        "start an import",
        "POST",
        lambda w: f"{API}/imports/{w.job_a.pk}/start",
        OFFICE_A,
    ),
    Row(
        "spreadsheets",
        "resume a failed import",
        "POST",
        lambda w: f"{API}/imports/{w.job_failed_a.pk}/resume",
        OFFICE_A,
    ),
    Row(
        "spreadsheets",
        "an import's issues",
        "GET",
        lambda w: f"{API}/imports/{w.job_a.pk}/issues",
        OFFICE_A,
    ),
    Row(
        "spreadsheets",
        "an import's error report",
        "GET",
        lambda w: f"{API}/imports/{w.job_failed_a.pk}/errors.xlsx",
        OFFICE_A,
    ),
    Row(
        "spreadsheets",
        "export hours",
        "POST",
        lambda w: f"{API}/exports/hours",
        TEAM_ADMINS | OFFICE_A,
        payload=lambda w: {},
        note="office admins their region's volunteers, team admins their members",
    ),
    # reports ------------------------------------------------------------------------
    Row(
        "reports",
        "statistics of squad_1a",
        "GET",
        lambda w: f"{API}/statistics?scope=team:{w.squad_1a.pk}",
        SQUAD_A,
    ),
    Row(
        "reports",
        "statistics of sibling squad_1b",
        "GET",
        lambda w: f"{API}/statistics?scope=team:{w.squad_1b.pk}",
        SIBLING,
    ),
    Row(
        "reports",
        "statistics of station_a",
        "GET",
        lambda w: f"{API}/statistics?scope=station:{w.station_a.pk}",
        STATION_A,
    ),
    Row(
        "reports",
        "statistics of subdistrict B",
        "GET",
        lambda w: f"{API}/statistics?scope=region:{w.sub_b.pk}",
        DISTRICT,
    ),
    Row(
        "reports",
        "freeze subdistrict A's last year",
        "POST",
        lambda w: f"{API}/statistics/snapshots",
        OFFICE_A,
        payload=lambda w: {
            "scope": f"region:{w.sub_a.pk}",
            "start": f"{_today().year - 2}-01-01",
            "end": f"{_today().year - 1}-01-01",
        },
        note="the offices over the scope's region",
    ),
    Row(
        "reports",
        "unfreeze subdistrict A's last year",
        "DELETE",
        lambda w: (
            f"{API}/statistics/snapshots?scope=region:{w.sub_a.pk}"
            f"&start={w.last_year[0]}&end={w.last_year[1]}"
        ),
        OFFICE_A,
    ),
    Row(
        "reports",
        "ask for subdistrict A's yearly report",
        "POST",
        lambda w: f"{API}/yearly-reports",
        OFFICE_A,
        payload=lambda w: {"scope": f"region:{w.sub_a.pk}", "year": _today().year - 1},
    ),
    Row(
        "reports",
        "bob's yearly report",
        "GET",
        lambda w: f"{API}/yearly-reports/{w.report_a.pk}",
        {"subdistrict_admin"},
        note="only whoever asked for it",
    ),
    # ops ----------------------------------------------------------------------------
    Row("ops", "my data export", "GET", lambda w: f"{API}/privacy/me/export", VOLUNTEERS),
    Row(
        "ops",
        "export ivy's data",
        "POST",
        lambda w: f"{API}/privacy/volunteers/{w.ivy.volunteer_no}/export",
        OFFICE_A,
        payload=lambda w: {"reason": "本人申请"},
    ),
    Row(
        "ops",
        "export dave's data (B1)",
        "POST",
        lambda w: f"{API}/privacy/volunteers/{w.dave.volunteer_no}/export",
        DISTRICT,
        payload=lambda w: {"reason": "本人申请"},
    ),
    Row(
        "ops",
        "anonymise (A1)",
        "POST",
        lambda w: f"{API}/privacy/volunteers/{w.pending_a.volunteer_no}/anonymise",
        OFFICE_A,
        payload=lambda w: {"reason": "本人退出", "confirm": w.pending_a.volunteer_no},
    ),
    Row(
        "ops",
        "anonymise (B1)",
        "POST",
        lambda w: f"{API}/privacy/volunteers/{w.pending_b.volunteer_no}/anonymise",
        DISTRICT,
        payload=lambda w: {"reason": "本人退出", "confirm": w.pending_b.volunteer_no},
    ),
    # feedback ----------------------------------------------------------------------------
    Row(
        "complaints",
        "photo of A1",
        "GET",
        lambda w: f"{API}/complaints/{w.complaint_a.pk}/evidence",
        SQUAD_A,
        note="the office in charge and the team concerned; not the public, not other teams",
    ),
    Row(
        "complaints",
        "add a photo to B1 by its code",
        "POST",
        lambda w: f"{API}/complaints/track/{w.complaint_b.code}/evidence",
        ALL,
        payload=lambda w: {"evidence": upload(image_bytes("PNG"), "scene.png")},
        note="the tracking code is the complainant's key, signed in or not (multipart)",
    ),
    # end feedback ------------------------------------------------------------------------
    # exchange ------------------------------------------------------------------------
    Row(
        "exchange",
        "export (own region)",
        "POST",
        lambda w: f"{API}/exchange/exports",
        OFFICE_A,
        payload=lambda w: {"start": _days(-30), "end": _days(0)},
    ),
    Row(
        "exchange",
        "export with full values",
        "POST",
        lambda w: f"{API}/exchange/exports",
        OFFICE_A,
        payload=lambda w: {"start": _days(-30), "end": _days(0), "reveal": True, "reason": "报送"},
        effect=_audited,
    ),
    Row(
        "exchange",
        "export subdistrict B",
        "POST",
        lambda w: f"{API}/exchange/exports",
        DISTRICT,
        payload=lambda w: {"region_id": w.sub_b.pk, "start": _days(-30), "end": _days(0)},
    ),
    Row("exchange", "transfers", "GET", lambda w: f"{API}/exchange/transfers", OFFICE_A),
    Row(
        "exchange",
        "transfer in carol's record",
        "POST",
        lambda w: f"{API}/exchange/transfers",
        OFFICE_A,
        payload=lambda w: {
            "source": "全国志愿服务信息系统",
            "records": [
                {
                    "记录编号": "M-1",
                    "志愿者统一编号": "",
                    "证件号码": w.carol.decrypted("id_number"),
                    "服务日期": _days(-3),
                    "服务时长": "2",
                    "记录团体名称": "外区志愿者协会",
                }
            ],
        },
        effect=lambda w, user: w.carol.transferred_records.exists(),
    ),
    Row(
        "volunteers",
        "set carol's national number",
        "PATCH",
        lambda w: f"{API}/volunteers/{w.carol.volunteer_no}",
        OFFICE_A,
        payload=lambda w: {"national_no": "N000000001"},
        effect=_state("volunteers.Volunteer", lambda w: w.carol, "national_no", "N000000001"),
    ),
    # exchange: end
    # exports ------------------------------------------------------------------------
    # bob's finished export: his alone, not even the district office's above him.
    Row(
        "spreadsheets",
        "my exports",
        "GET",
        lambda w: (export_of_bob(w), f"{API}/exports")[1],
        frozenset({"subdistrict_admin"}),
        sees=lambda w: '"kind": "roster"',
    ),
    Row(
        "spreadsheets",
        "bob's export",
        "GET",
        lambda w: f"{API}/exports/{export_of_bob(w)}",
        frozenset({"subdistrict_admin"}),
    ),
    Row(
        "spreadsheets",
        "bob's export file",
        "GET",
        lambda w: f"{API}/exports/{export_of_bob(w)}/file",
        frozenset({"subdistrict_admin"}),
    ),
    # exports: end
]


# exports: the rows' finished export of bob (one small file on disk, shared by every cell).
def export_of_bob(w) -> int:
    from django.core.files.base import ContentFile

    from zhiyuan.spreadsheets.models import ExportJob, private_storage

    name = "exports/authz-matrix.xlsx"
    if not private_storage.exists(name):
        private_storage.save(name, ContentFile(b"PK\x05\x06" + bytes(18)))
    return ExportJob.objects.create(
        created_by=w.bob,
        kind="roster",
        status="done",
        file=name,
        filename="roster.xlsx",
        expires_at=timezone.now() + dt.timedelta(days=1),
    ).pk


# Cells where the code is wrong and the fix lies outside this suite's reach (see the report).
HOLES: dict[tuple[str, str], str] = {}


def call_api(world, row: Row, role: str):
    headers = {}
    if role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    client = Client()
    payload = row.payload(world) if row.payload else None
    uploads = payload and any(hasattr(value, "read") for value in payload.values())
    if row.multipart or uploads:
        return client.post(row.url(world), payload, **headers)
    body = json.dumps(payload) if payload is not None else ""
    return client.generic(
        row.method, row.url(world), body, content_type="application/json", **headers
    )


@pytest.mark.parametrize(("row", "role"), cells(ROWS, HOLES))
def test_api_cell(world, row: Row, role: str):
    response = call_api(world, row, role)
    verdict = judge(row, response, world, world.users[role])
    expected = "allowed" if role in row.allowed else "denied"
    assert verdict == expected, (
        f"{row.method} {row.url(world)} as {role}: {verdict}, expected {expected} "
        f"(HTTP {response.status_code})"
    )


def test_matrix_size():
    """The docstring's figures are the table's."""
    size = f"API rows: {len(ROWS)}, roles: {len(ROLES)}, cells: {len(ROWS) * len(ROLES)}"
    print(size)
    assert size in __doc__
    assert len({row.id for row in ROWS}) == len(ROWS), "two rows share an id"
