"""Authorisation matrix, JSON API: every role × every resource × every action under /api/v1/.

Matrix size (printed by `test_matrix_size`, which checks this line against the table):

    API rows: 119, roles: 10, cells: 1190

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
from zhiyuan.testing.factories import PHONE_CODE, ROLES, image_bytes, upload

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _today() -> dt.date:
    return timezone.localdate()


def _days(n: int) -> str:
    return (_today() + dt.timedelta(days=n)).isoformat()


def _moment(days: int, hour: int) -> str:
    day = _today() + dt.timedelta(days=days)
    return dt.datetime.combine(
        day, dt.time(hour), tzinfo=timezone.get_current_timezone()
    ).isoformat()


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
        "carol's tokens",
        "GET",
        lambda w: f"{API}/auth/users/{w.carol_user.username}/tokens",
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
        "revoke carol's token",
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
    # volunteers ---------------------------------------------------------------------
    Row(
        "volunteers",
        "roster sees carol",
        "GET",
        lambda w: f"{API}/volunteers?page_size=100",
        {"volunteer"} | SQUAD_A,
        sees=lambda w: w.carol.volunteer_no,
        note="carol herself, her team's admins (teams' roster rule), the offices over A1",
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
        "read carol",
        "GET",
        lambda w: f"{API}/volunteers/{w.carol.volunteer_no}",
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
        "reveal ID carol",
        "POST",
        lambda w: f"{API}/volunteers/{w.carol.volunteer_no}/reveal",
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
        "confirm carol's new phone",
        "POST",
        lambda w: f"{API}/volunteers/{w.carol.volunteer_no}/phone/confirm",
        {"volunteer"},
        payload=lambda w: {"code": PHONE_CODE},
        effect=_state("volunteers.Volunteer", lambda w: w.carol, "phone_masked", "139****0999"),
        note="only carol, with the code texted to her new phone",
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
        note="only carol has approved hours with squad_1a: others are told so (400)",
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
    # help requests ------------------------------------------------------------------
    # evaluations and complaints ------------------------------------------------------
    Row(
        "ratings",
        "rate activity A (carol served)",
        "POST",
        lambda w: f"{API}/activities/{w.rated_a.activity_id}/ratings",
        {"volunteer"},
        payload=lambda w: {"score": 5, "team_score": 4},
    ),
    Row(
        "ratings",
        "rate carol's service in A",
        "POST",
        lambda w: f"{API}/activities/{w.rated_a.activity_id}/service-ratings",
        SQUAD_A,
        payload=lambda w: {"volunteer_no": w.carol.volunteer_no, "score": 4},
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
            "awardee": w.sam.volunteer_no,
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
        note="the next level up decides: det_1's admin or the round's office, never sam",
        payload=lambda w: {"note": "同意"},
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
    # spreadsheets -------------------------------------------------------------------
    Row(
        "spreadsheets",
        "export roster with reveal",
        "POST",
        lambda w: f"{API}/exports/roster",
        OFFICE_A,
        payload=lambda w: {"reveal": True, "reason": "年度核对"},
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
    # ops ----------------------------------------------------------------------------
    Row("ops", "my data export", "GET", lambda w: f"{API}/privacy/me/export", VOLUNTEERS),
    Row(
        "ops",
        "export carol's data",
        "POST",
        lambda w: f"{API}/privacy/volunteers/{w.carol.volunteer_no}/export",
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
    Row(
        "spreadsheets",
        "export hours",
        "POST",
        lambda w: f"{API}/exports/hours",
        TEAM_ADMINS | OFFICE_A,
        payload=lambda w: {},
    ),
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


@pytest.fixture(autouse=True)
def _urls(settings):
    settings.ROOT_URLCONF = "tests.authz.urls"


def call_api(world, row: Row, role: str):
    headers = {}
    if role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    client = Client()
    payload = row.payload(world) if row.payload else None
    if payload and any(hasattr(value, "read") for value in payload.values()):  # an upload
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
