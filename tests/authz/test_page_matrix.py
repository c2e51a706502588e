"""Authorisation matrix, pages: every role × every resource × every action, signed in by session.

Matrix size (printed by `test_matrix_size`, which checks this line against the table):

    page rows: 164, roles: 10, cells: 1640

Pages answer a refused write with a redirect and a message as often as with a 403, so every
write row names its effect (the state it must change) and a cell counts as allowed only if
the effect happened. Anonymous visitors of a signed-in page are sent to the sign-in page,
which counts as denied. World and rules: tests/authz/conftest.py and tests/authz/matrix.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
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


def _state(model_path: str, pk_of, **values):
    def check(w, user) -> bool:
        from django.apps import apps

        return apps.get_model(model_path).objects.filter(pk=pk_of(w).pk, **values).exists()

    return check


def _token_revoked(attr: str):
    """An effect: the world's token `attr` is revoked."""

    def check(w, user) -> bool:
        from zhiyuan.accounts.models import ApiToken

        return ApiToken.objects.filter(pk=getattr(w, attr).pk, revoked_at__isnull=False).exists()

    return check


def _service_rated(w, user) -> bool:
    from zhiyuan.feedback.models import ServiceRating

    return ServiceRating.objects.filter(volunteer=w.ivy).exists()


def _audited(w, user) -> bool:
    from zhiyuan.accounts.models import AuditEvent

    return user is not None and AuditEvent.objects.filter(actor=user).exists()


def _signed_up(shift_of):
    def check(w, user) -> bool:
        from zhiyuan.projects.models import SignUp

        return SignUp.objects.filter(
            shift=shift_of(w), volunteer__user=user, state__in=["confirmed", "waitlisted"]
        ).exists()

    return check


def _enrolled(w, user) -> bool:
    from zhiyuan.training.models import Enrolment

    return Enrolment.objects.filter(session=w.upcoming, volunteer__user=user).exists()


def _token_changed(station_of):
    def check(w, user) -> bool:
        from zhiyuan.stations.models import Station

        station = station_of(w)
        return Station.objects.get(pk=station.pk).checkin_token != station.checkin_token

    return check


def _member_of(team_of, state: str):
    """An effect: the caller's membership of the team is in `state`."""

    def check(w, user) -> bool:
        from zhiyuan.teams.models import Membership

        return Membership.objects.filter(
            team=team_of(w), volunteer__user=user, state=state
        ).exists()

    return check


def _assigned(request_of):
    def check(w, user) -> bool:
        from zhiyuan.helpdesk.models import Assignment

        return Assignment.objects.filter(request=request_of(w), volunteer__user=user).exists()

    return check


def _certificates_asked(w, user) -> int:
    from zhiyuan.service.models import Certificate

    return (
        Certificate.objects.filter(volunteer__user=user, team=w.squad_1a, state="requested")
        .exclude(pk=w.cert_request_a.pk)
        .count()
    )


def _frozen(w, year: int) -> bool:
    from zhiyuan.reports.models import Snapshot

    return Snapshot.objects.filter(scope_key=f"region:{w.sub_a.pk}", start__year=year).exists()


def _reports_of(user, year: int) -> bool:
    from zhiyuan.reports.models import ReportFile

    return ReportFile.objects.filter(requested_by=user, year=year).exists()


REVEAL = {"field": "id_number", "reason": "核对身份"}
PHONE = {"field": "phone", "reason": "联系核实"}

ROWS: list[Row] = [
    # public pages -------------------------------------------------------------------
    Row("portal", "home", "GET", lambda w: "/", ALL),
    Row("portal", "coverage", "GET", lambda w: "/coverage/", ALL),
    Row("portal", "privacy notice", "GET", lambda w: "/volunteers/privacy/", ALL),
    Row(
        "portal",
        "nearby stations",
        "GET",
        lambda w: "/nearby-stations.json?lat=39.12&lng=117.185",
        ALL,
        sees=lambda w: w.station_a.name,
    ),
    Row(
        "portal", "check-in poster's page", "GET", lambda w: f"/s/{w.station_a.checkin_token}/", ALL
    ),
    Row("portal", "messages", "GET", lambda w: "/messages/", SIGNED_IN),
    Row("portal", "mark messages read", "POST", lambda w: "/messages/read/", SIGNED_IN),
    # accounts -----------------------------------------------------------------------
    Row("accounts", "own tokens", "GET", lambda w: "/accounts/tokens/", SIGNED_IN),
    Row(
        "accounts",
        "ivy's tokens",
        "GET",
        lambda w: f"/accounts/users/{w.ivy_user.username}/tokens/",
        {"volunteer"} | OFFICE_A,
        sees=lambda w: w.spare_a_page.prefix,
    ),
    Row(
        "accounts",
        "dave's tokens (B1)",
        "GET",
        lambda w: f"/accounts/users/{w.dave_user.username}/tokens/",
        {"other_volunteer"} | DISTRICT,
        sees=lambda w: w.spare_b_page.prefix,
    ),
    Row(
        "accounts",
        "revoke ivy's token",
        "POST",
        lambda w: f"/accounts/tokens/{w.spare_a_page.pk}/revoke/",
        {"volunteer"} | OFFICE_A,
        effect=_token_revoked("spare_a_page"),
    ),
    Row(
        "accounts",
        "revoke dave's token (B1)",
        "POST",
        lambda w: f"/accounts/tokens/{w.spare_b_page.pk}/revoke/",
        {"other_volunteer"} | DISTRICT,
        effect=_token_revoked("spare_b_page"),
    ),
    Row("accounts", "sign-in form", "GET", lambda w: "/accounts/login/", ALL),
    Row("accounts", "sign out", "POST", lambda w: "/accounts/logout/", ALL),
    # volunteers ---------------------------------------------------------------------
    Row(
        "volunteers",
        "roster sees ivy",
        "GET",
        lambda w: "/volunteers/manage/",
        OFFICE_A,
        sees=lambda w: w.ivy.volunteer_no,
    ),
    Row(
        "volunteers",
        "roster sees dave (B1)",
        "GET",
        lambda w: "/volunteers/manage/",
        DISTRICT,
        sees=lambda w: w.dave.volunteer_no,
    ),
    Row(
        "volunteers",
        "read ivy",
        "GET",
        lambda w: f"/volunteers/manage/{w.ivy.volunteer_no}/",
        OFFICE_A,
    ),
    Row(
        "volunteers",
        "read dave (B1)",
        "GET",
        lambda w: f"/volunteers/manage/{w.dave.volunteer_no}/",
        DISTRICT,
    ),
    Row(
        "volunteers",
        "approve (A1)",
        "POST",
        lambda w: f"/volunteers/manage/{w.pending_a.volunteer_no}/approve/",
        OFFICE_A,
        effect=_state("volunteers.Volunteer", lambda w: w.pending_a, status="active"),
    ),
    Row(
        "volunteers",
        "approve (B1)",
        "POST",
        lambda w: f"/volunteers/manage/{w.pending_b.volunteer_no}/approve/",
        DISTRICT,
        effect=_state("volunteers.Volunteer", lambda w: w.pending_b, status="active"),
    ),
    Row(
        "volunteers",
        "reveal ID ivy",
        "POST",
        lambda w: f"/volunteers/manage/{w.ivy.volunteer_no}/reveal/",
        OFFICE_A,
        payload=lambda w: REVEAL,
        effect=_audited,
    ),
    Row(
        "volunteers",
        "reveal ID dave (B1)",
        "POST",
        lambda w: f"/volunteers/manage/{w.dave.volunteer_no}/reveal/",
        DISTRICT,
        payload=lambda w: REVEAL,
        effect=_audited,
    ),
    Row(
        "volunteers",
        "confirm ivy's new phone",
        "POST",
        lambda w: "/volunteers/me/phone/confirm/",
        {"volunteer"},
        payload=lambda w: {"code": PHONE_CODE},
        effect=_state("volunteers.Volunteer", lambda w: w.ivy, phone_masked="139****0999"),
        note="only ivy, with the code texted to her new phone",
    ),
    Row(
        "volunteers",
        "registration form",
        "GET",
        lambda w: "/volunteers/register/",
        ALL,
        note="anyone; a volunteer is sent on to their own profile",
    ),
    Row(
        "volunteers",
        "my profile",
        "GET",
        lambda w: "/volunteers/me/",
        {"volunteer"},
        sees=lambda w: w.ivy.volunteer_no,
        note="each their own; without a profile, the registration form",
    ),
    # teams --------------------------------------------------------------------------
    Row("teams", "tree", "GET", lambda w: "/teams/", ALL),
    Row("teams", "read", "GET", lambda w: f"/teams/{w.squad_1a.pk}/", ALL),
    Row("teams", "edit squad_1a", "GET", lambda w: f"/teams/{w.squad_1a.pk}/edit/", SQUAD_A),
    Row(
        "teams",
        "edit sibling squad_1b",
        "GET",
        lambda w: f"/teams/{w.squad_1b.pk}/edit/",
        SIBLING,
    ),
    Row(
        "teams",
        "edit squad_2a (B1)",
        "GET",
        lambda w: f"/teams/{w.squad_2a.pk}/edit/",
        DISTRICT,
    ),
    Row(
        "teams",
        "members squad_1a",
        "GET",
        lambda w: f"/teams/{w.squad_1a.pk}/members/",
        SQUAD_A,
    ),
    Row(
        "teams",
        "approve membership squad_1a",
        "POST",
        lambda w: f"/teams/memberships/{w.join_1a.pk}/approve/",
        SQUAD_A,
        effect=_state("teams.Membership", lambda w: w.join_1a, state="active"),
    ),
    Row(
        "teams",
        "approve membership sibling squad_1b",
        "POST",
        lambda w: f"/teams/memberships/{w.join_1b.pk}/approve/",
        SIBLING,
        effect=_state("teams.Membership", lambda w: w.join_1b, state="active"),
    ),
    Row(
        "teams",
        "found a sub-team of squad_1a",
        "GET",
        lambda w: f"/teams/new/?parent={w.squad_1a.pk}",
        SQUAD_A,
    ),
    Row(
        "teams",
        "join det_2",
        "POST",
        lambda w: f"/teams/{w.det_2.pk}/join/",
        VOLUNTEERS,
        effect=_member_of(lambda w: w.det_2, "pending"),
    ),
    Row(
        "teams",
        "leave squad_1a",
        "POST",
        lambda w: f"/teams/{w.squad_1a.pk}/leave/",
        {"volunteer", "squad_admin"},
        effect=_member_of(lambda w: w.squad_1a, "left"),
    ),
    # stations -----------------------------------------------------------------------
    Row("stations", "list", "GET", lambda w: "/stations/", ALL),
    Row("stations", "read", "GET", lambda w: f"/stations/{w.station_a.pk}/", ALL),
    Row(
        "stations",
        "audit form station_a",
        "GET",
        lambda w: f"/stations/{w.station_a.pk}/audit/",
        OFFICE_A,
    ),
    Row(
        "stations",
        "audit form station_b (B1)",
        "GET",
        lambda w: f"/stations/{w.station_b.pk}/audit/",
        DISTRICT,
    ),
    Row(
        "stations",
        "rotate token station_a",
        "POST",
        lambda w: f"/stations/{w.station_a.pk}/rotate/",
        STATION_A,
        effect=_token_changed(lambda w: w.station_a),
    ),
    Row(
        "stations",
        "rotate token station_b (B1)",
        "POST",
        lambda w: f"/stations/{w.station_b.pk}/rotate/",
        DISTRICT,
        effect=_token_changed(lambda w: w.station_b),
    ),
    Row(
        "stations",
        "poster station_a",
        "GET",
        lambda w: f"/stations/{w.station_a.pk}/poster.png",
        STATION_A,
    ),
    Row(
        "stations",
        "poster station_b (B1)",
        "GET",
        lambda w: f"/stations/{w.station_b.pk}/poster.png",
        DISTRICT,
    ),
    Row("stations", "map", "GET", lambda w: "/stations/map/", ALL),
    Row("stations", "open form", "GET", lambda w: "/stations/new/", OFFICE_A),
    Row(
        "stations",
        "add a manager to station_a",
        "POST",
        lambda w: f"/stations/{w.station_a.pk}/managers/",
        STATION_A,
        payload=lambda w: {"username": "erin"},
        effect=lambda w, user: w.station_a.managers.filter(username="erin").exists(),
    ),
    # projects -----------------------------------------------------------------------
    Row(
        "projects",
        "list (published)",
        "GET",
        lambda w: "/projects/",
        ALL,
        sees=lambda w: w.project_a.name,
    ),
    Row("projects", "read published", "GET", lambda w: f"/projects/{w.project_a.pk}/", ALL),
    Row("projects", "read draft", "GET", lambda w: f"/projects/{w.draft_a.pk}/", SQUAD_A),
    Row(
        "projects",
        "read sibling's draft",
        "GET",
        lambda w: f"/projects/{w.draft_sib.pk}/",
        SIBLING,
    ),
    Row(
        "projects",
        "manage squad_1a's",
        "GET",
        lambda w: f"/projects/{w.project_a.pk}/manage/",
        SQUAD_A,
    ),
    Row(
        "projects",
        "manage squad_2a's (B1)",
        "GET",
        lambda w: f"/projects/{w.project_b.pk}/manage/",
        DISTRICT,
    ),
    Row("projects", "new project form", "GET", lambda w: "/projects/new/", TEAM_ADMINS | OFFICE_A),
    Row(
        "projects",
        "my shifts",
        "GET",
        lambda w: "/projects/mine/",
        {"volunteer"},
        sees=lambda w: w.ivy_feed.token,
        note="each their own (with their private calendar link)",
    ),
    Row(
        "projects",
        "ivy's calendar feed",
        "GET",
        lambda w: f"/projects/calendar/{w.ivy_feed.token}.ics",
        ALL,
        note="the secret link is the key, as for a calendar app",
    ),
    Row(
        "projects",
        "add a shift form",
        "GET",
        lambda w: f"/projects/activities/{w.shift_a.activity_id}/shifts/",
        SQUAD_A,
    ),
    # shifts and sign-ups ------------------------------------------------------------
    Row(
        "shifts",
        "sign up",
        "POST",
        lambda w: f"/projects/shifts/{w.shift_a.pk}/signup/",
        VOLUNTEERS,
        effect=_signed_up(lambda w: w.shift_a),
    ),
    Row(
        "shifts",
        "roster squad_1a",
        "GET",
        lambda w: f"/projects/shifts/{w.shift_a.pk}/roster/",
        SQUAD_A,
    ),
    Row(
        "shifts",
        "roster squad_2a (B1)",
        "GET",
        lambda w: f"/projects/shifts/{w.shift_b.pk}/roster/",
        DISTRICT,
    ),
    Row(
        "shifts",
        "cancel ivy's sign-up",
        "POST",
        lambda w: f"/projects/signups/{w.booked_a.pk}/cancel/",
        {"volunteer"},
        effect=_state("projects.SignUp", lambda w: w.booked_a, state="cancelled"),
    ),
    # service records ----------------------------------------------------------------
    Row(
        "service",
        "read ivy's record",
        "GET",
        lambda w: f"/service/records/{w.approved_a.pk}/",
        {"volunteer"} | SQUAD_A,
    ),
    Row(
        "service",
        "read dave's record (B1)",
        "GET",
        lambda w: f"/service/records/{w.approved_b.pk}/",
        {"other_volunteer"} | DISTRICT,
    ),
    Row(
        "service",
        "attendance of squad_1a's shift",
        "GET",
        lambda w: f"/service/shifts/{w.shift_now.pk}/",
        SQUAD_A,
    ),
    Row(
        "service",
        "attendance of squad_2a's shift (B1)",
        "GET",
        lambda w: f"/service/shifts/{w.shift_now_b.pk}/",
        DISTRICT,
    ),
    Row(
        "service",
        "station_a live",
        "GET",
        lambda w: f"/service/stations/{w.station_a.pk}/live/",
        STATION_A,
    ),
    Row(
        "service",
        "my hours",
        "GET",
        lambda w: "/service/hours/",
        {"volunteer"},
        sees=lambda w: f"/service/records/{w.approved_a.pk}/",
        note="each their own",
    ),
    Row(
        "service",
        "approval queue sees ivy's pending record",
        "GET",
        lambda w: "/service/queue/",
        SQUAD_A,
        sees=lambda w: f'value="{w.pending_rec_a.pk}"',
    ),
    Row(
        "service",
        "refuse ivy's correction",
        "POST",
        lambda w: f"/service/corrections/{w.correction_a.pk}/answer/",
        SQUAD_A,
        payload=lambda w: {"action": "refuse", "answer": "签到记录无误"},
        effect=_state("service.CorrectionRequest", lambda w: w.correction_a, state="refused"),
    ),
    # certificates -------------------------------------------------------------------
    Row(
        "certificates",
        "issue",
        "POST",
        lambda w: f"/service/certificates/{w.cert_request_a.pk}/issue/",
        SQUAD_A,
        payload=lambda w: {
            "responsible_person": "负责人",
            "contact": "022-1234567",
            "handler_name": "王经办",
        },
        effect=_state("service.Certificate", lambda w: w.cert_request_a, state="issued"),
    ),
    Row(
        "certificates",
        "issue (B1)",
        "POST",
        lambda w: f"/service/certificates/{w.cert_request_b.pk}/issue/",
        DISTRICT,
        payload=lambda w: {
            "responsible_person": "负责人",
            "contact": "022-1234567",
            "handler_name": "王经办",
        },
        effect=_state("service.Certificate", lambda w: w.cert_request_b, state="issued"),
    ),
    Row(
        "certificates",
        "verify",
        "GET",
        lambda w: f"/service/certificates/verify/{w.certificate.verify_token}/",
        ALL,
        sees=lambda w: w.certificate.number,
    ),
    Row(
        "certificates",
        "my certificates",
        "GET",
        lambda w: "/service/certificates/",
        {"volunteer"},
        sees=lambda w: w.certificate.number,
    ),
    Row(
        "certificates",
        "request",
        "POST",
        lambda w: "/service/certificates/request/",
        {"volunteer"},
        payload=lambda w: {
            "team": w.squad_1a.pk,
            "period_from": (w.period[0] + dt.timedelta(days=5)).isoformat(),
            "period_to": (w.period[1] - dt.timedelta(days=5)).isoformat(),
        },
        effect=lambda w, user: _certificates_asked(w, user) > 0,
        note="only ivy has approved hours with squad_1a",
    ),
    Row(
        "certificates",
        "queue",
        "GET",
        lambda w: "/service/certificates/queue/",
        TEAM_ADMINS | OFFICE_A,
    ),
    Row(
        "certificates",
        "ivy's certificate (PDF)",
        "GET",
        lambda w: f"/service/certificates/{w.certificate.pk}.pdf",
        {"volunteer"} | SQUAD_A,
    ),
    Row(
        "certificates",
        "ivy's certificate (PNG)",
        "GET",
        lambda w: f"/service/certificates/{w.certificate.pk}.png",
        {"volunteer"} | SQUAD_A,
    ),
    Row(
        "certificates",
        "refuse",
        "POST",
        lambda w: f"/service/certificates/{w.cert_request_a.pk}/refuse/",
        SQUAD_A,
        payload=lambda w: {"reason": "时段内无记录"},
        effect=_state("service.Certificate", lambda w: w.cert_request_a, state="refused"),
    ),
    Row(
        "certificates",
        "check by number",
        "GET",
        lambda w: (
            f"/service/certificates/check/?number={w.certificate.number}"
            f"&volunteer_no={w.ivy.volunteer_no}"
        ),
        ALL,
    ),
    # evaluations and complaints ------------------------------------------------------
    Row(
        "ratings",
        "activity A's ratings page",
        "GET",
        lambda w: f"/feedback/activities/{w.rated_a.activity_id}/",
        SIGNED_IN,
    ),
    Row(
        "ratings",
        "rate ivy's service in A",
        "POST",
        lambda w: f"/feedback/activities/{w.rated_a.activity_id}/",
        SQUAD_A,
        payload=lambda w: {"action": "rate_service", "volunteer": w.ivy.pk, "score": "4"},
        effect=_service_rated,
    ),
    Row("complaints", "file form", "GET", lambda w: "/feedback/complaints/new/", ALL),
    Row(
        "complaints",
        "track",
        "GET",
        lambda w: f"/feedback/complaints/track/?code={w.complaint_a.code}",
        ALL,
    ),
    Row(
        "complaints",
        "list sees B1 complaint",
        "GET",
        lambda w: "/feedback/complaints/",
        DISTRICT,
        sees=lambda w: w.complaint_b.code,
    ),
    Row(
        "complaints",
        "read A1",
        "GET",
        lambda w: f"/feedback/complaints/{w.complaint_a.pk}/",
        SQUAD_A,
    ),
    Row(
        "complaints",
        "dismiss A1",
        "POST",
        lambda w: f"/feedback/complaints/{w.complaint_a.pk}/",
        OFFICE_A,
        payload=lambda w: {"action": "move", "to": "dismissed", "note": "不属实"},
        effect=_state("feedback.Complaint", lambda w: w.complaint_a, status="dismissed"),
    ),
    # help requests ------------------------------------------------------------------
    Row("help requests", "submit form", "GET", lambda w: "/help/", ALL),
    Row("help requests", "track", "GET", lambda w: f"/help/track/{w.help_a.code}/", ALL),
    Row(
        "help requests",
        "list sees A1 request",
        "GET",
        lambda w: "/help/requests/",
        {"resident"} | OFFICE_A,
        sees=lambda w: w.help_a.code,
    ),
    Row(
        "help requests",
        "read B1 request",
        "GET",
        lambda w: f"/help/requests/{w.help_b.pk}/",
        DISTRICT,
    ),
    Row(
        "help requests",
        "reveal phone A1",
        "POST",
        lambda w: f"/help/requests/{w.help_a.pk}/reveal/",
        OFFICE_A,
        payload=lambda w: PHONE,
        effect=_audited,
    ),
    Row(
        "recipients",
        "list",
        "GET",
        lambda w: "/help/recipients/",
        OFFICE_A,
    ),
    Row(
        "recipients",
        "read B1",
        "GET",
        lambda w: f"/help/recipients/{w.recipient_b.pk}/",
        DISTRICT,
    ),
    Row(
        "recipients",
        "reveal A1",
        "POST",
        lambda w: f"/help/recipients/{w.recipient_a.pk}/reveal/",
        OFFICE_A,
        payload=lambda w: PHONE,
        effect=_audited,
    ),
    Row(
        "match runs",
        "read subdistrict A run",
        "GET",
        lambda w: f"/help/matching/{w.run_a.pk}/",
        {"detachment_admin"} | OFFICE_A,
    ),
    Row("help requests", "sent", "GET", lambda w: "/help/received/", ALL),
    Row("help requests", "track form", "GET", lambda w: "/help/track/", ALL),
    Row("help requests", "recommended for me", "GET", lambda w: "/help/recommended/", SIGNED_IN),
    Row(
        "help requests",
        "take a verified request",
        "POST",
        lambda w: f"/help/requests/{w.help_verified_a.pk}/accept/",
        VOLUNTEERS - {"other_volunteer"},
        effect=_assigned(lambda w: w.help_verified_a),
    ),
    Row(
        "help requests",
        "cancel A1",
        "POST",
        lambda w: f"/help/requests/{w.help_a.pk}/cancel/",
        {"resident"} | OFFICE_A,
        payload=lambda w: {"reason": "情况有变"},
        effect=_state("helpdesk.HelpRequest", lambda w: w.help_a, status="cancelled"),
    ),
    Row("recipients", "new form", "GET", lambda w: "/help/recipients/new/", OFFICE_A),
    Row(
        "match runs",
        "runs page sees subdistrict A run",
        "GET",
        lambda w: "/help/matching/",
        {"detachment_admin"} | OFFICE_A,
        sees=lambda w: f"/help/matching/{w.run_a.pk}/",
    ),
    Row(
        "match runs",
        "drop a proposal",
        "POST",
        lambda w: f"/help/proposals/{w.proposal_a.pk}/drop/",
        SQUAD_A,
        effect=_state("helpdesk.Proposal", lambda w: w.proposal_a, state="dropped"),
    ),
    # honours ------------------------------------------------------------------------
    Row("honours", "roll", "GET", lambda w: "/honours/", ALL),
    Row("honours", "open round form", "GET", lambda w: "/honours/rounds/new/", OFFICE_A),
    Row(
        "honours",
        "approve squad_1a's nomination",
        "POST",
        lambda w: f"/honours/nominations/{w.nomination_a.pk}/decide/",
        {"detachment_admin", "district_admin"},
        payload=lambda w: {"action": "approve", "reason": "同意"},
        effect=_state("honours.Nomination", lambda w: w.nomination_a, state="shortlisted"),
    ),
    Row("honours", "award form", "GET", lambda w: "/honours/awards/new/", OFFICE_A),
    Row(
        "honours",
        "withdraw ivy's award",
        "POST",
        lambda w: f"/honours/awards/{w.award_a.pk}/withdraw/",
        OFFICE_A,
        payload=lambda w: {"reason": "信息有误"},
        effect=_state("honours.Award", lambda w: w.award_a, state="withdrawn"),
    ),
    Row("honours", "kinds", "GET", lambda w: "/honours/kinds/", OFFICE_A),
    Row(
        "honours",
        "rounds page sees the district round",
        "GET",
        lambda w: "/honours/rounds/",
        TEAM_ADMINS | DISTRICT,
        sees=lambda w: f"/honours/rounds/{w.round.pk}/",
    ),
    Row(
        "honours",
        "district round",
        "GET",
        lambda w: f"/honours/rounds/{w.round.pk}/",
        TEAM_ADMINS | DISTRICT,
    ),
    Row(
        "honours",
        "propose candidates in subdistrict A's round",
        "POST",
        lambda w: f"/honours/rounds/{w.round_a.pk}/propose/",
        OFFICE_A,
        effect=lambda w, user: w.round_a.nominations.filter(volunteer=w.ivy).exists(),
    ),
    Row(
        "honours",
        "nominate carol for squad_1a",
        "POST",
        lambda w: f"/honours/rounds/{w.round.pk}/nominate/",
        {"squad_admin", "detachment_admin", "district_admin"},
        payload=lambda w: {
            "awardee": w.carol.volunteer_no,
            "reason": "带队有方",
            "team": w.squad_1a.pk,
        },
        effect=lambda w, user: w.round.nominations.filter(volunteer=w.carol).exists(),
    ),
    Row(
        "honours",
        "finalise subdistrict A's round",
        "POST",
        lambda w: f"/honours/rounds/{w.round_a.pk}/finalise/",
        OFFICE_A,
        effect=lambda w, user: w.round_a.awards.exists(),
    ),
    # news ---------------------------------------------------------------------------
    Row("news", "list", "GET", lambda w: "/news/", ALL, sees=lambda w: w.news_published.title),
    Row("news", "read published", "GET", lambda w: f"/news/{w.news_published.pk}/", ALL),
    Row("news", "read squad_1a draft", "GET", lambda w: f"/news/{w.news_draft_a.pk}/", SQUAD_A),
    Row("news", "manage", "GET", lambda w: "/news/manage/", TEAM_ADMINS | OFFICE_A),
    Row(
        "news",
        "edit squad_1a draft",
        "GET",
        lambda w: f"/news/manage/{w.news_draft_a.pk}/",
        SQUAD_A,
    ),
    Row(
        "news",
        "edit B1 draft",
        "GET",
        lambda w: f"/news/manage/{w.news_draft_b.pk}/",
        DISTRICT,
    ),
    Row(
        "news",
        "publish squad_1a draft",
        "POST",
        lambda w: f"/news/manage/{w.news_draft_a.pk}/act/",
        OFFICE_A,
        payload=lambda w: {"action": "publish"},
        effect=_state("news.Article", lambda w: w.news_draft_a, state="published"),
    ),
    Row(
        "news",
        "column",
        "GET",
        lambda w: "/news/column/lei_feng/",
        ALL,
        sees=lambda w: w.news_published.title,
    ),
    Row(
        "news",
        "cover of the district notice",
        "GET",
        lambda w: f"/news/{w.news_published.pk}/cover/",
        ALL,
    ),
    Row("news", "write form", "GET", lambda w: "/news/manage/new/", TEAM_ADMINS | OFFICE_A),
    # training -----------------------------------------------------------------------
    Row("training", "courses", "GET", lambda w: "/training/", ALL),
    Row("training", "course", "GET", lambda w: f"/training/{w.course.pk}/", ALL),
    Row(
        "training",
        "enrol",
        "POST",
        lambda w: f"/training/sessions/{w.upcoming.pk}/enrol/",
        VOLUNTEERS,
        effect=_enrolled,
    ),
    Row(
        "training",
        "session roster",
        "GET",
        lambda w: f"/training/sessions/{w.held.pk}/",
        SQUAD_A,
    ),
    Row(
        "training",
        "session roster (B1)",
        "GET",
        lambda w: f"/training/sessions/{w.held_b.pk}/",
        DISTRICT,
    ),
    Row(
        "training",
        "mark present",
        "POST",
        lambda w: f"/training/enrolments/{w.enrolment_a.pk}/mark/",
        SQUAD_A,
        payload=lambda w: {"mark": "present"},
        effect=_state("training.Enrolment", lambda w: w.enrolment_a, attended=True),
    ),
    Row(
        "training",
        "my training",
        "GET",
        lambda w: "/training/mine/",
        {"volunteer"},
        sees=lambda w: w.course.title,
        note="each their own",
    ),
    Row("training", "new course form", "GET", lambda w: "/training/new/", TEAM_ADMINS | OFFICE_A),
    Row(
        "training",
        "new session form",
        "GET",
        lambda w: f"/training/{w.course.pk}/sessions/new/",
        SQUAD_A,
    ),
    Row(
        "training",
        "cancel ivy's enrolment",
        "POST",
        lambda w: f"/training/enrolments/{w.enrolment_later.pk}/cancel/",
        {"volunteer"},
        effect=_state("training.Enrolment", lambda w: w.enrolment_later, state="cancelled"),
    ),
    # spreadsheets -------------------------------------------------------------------
    Row("spreadsheets", "import", "GET", lambda w: "/imports/", OFFICE_A),
    Row("spreadsheets", "exports", "GET", lambda w: "/imports/exports/", TEAM_ADMINS | OFFICE_A),
    Row("spreadsheets", "an import", "GET", lambda w: f"/imports/{w.job_a.pk}/", OFFICE_A),
    Row(
        "spreadsheets", "its columns", "GET", lambda w: f"/imports/{w.job_a.pk}/columns/", OFFICE_A
    ),
    Row(
        "spreadsheets",
        "choose its values",
        "POST",
        lambda w: f"/imports/{w.job_a.pk}/values/",
        OFFICE_A,
    ),
    Row(
        "spreadsheets",
        "its progress",
        "GET",
        lambda w: f"/imports/{w.job_a.pk}/progress/",
        OFFICE_A,
    ),
    Row(
        "spreadsheets",
        "resume a failed import",
        "POST",
        lambda w: f"/imports/{w.job_failed_a.pk}/resume/",
        OFFICE_A,
    ),
    Row(
        "spreadsheets",
        "its error report",
        "GET",
        lambda w: f"/imports/{w.job_failed_a.pk}/errors.xlsx",
        OFFICE_A,
    ),
    # reports ------------------------------------------------------------------------
    Row(
        "reports",
        "dashboard",
        "GET",
        lambda w: "/reports/",
        TEAM_ADMINS | OFFICE_A | {"station_manager"},
    ),
    Row(
        "reports",
        "statistics of subdistrict A (xlsx)",
        "GET",
        lambda w: f"/reports/statistics.xlsx?scope=region:{w.sub_a.pk}",
        OFFICE_A,
    ),
    Row(
        "reports",
        "freeze subdistrict A",
        "POST",
        lambda w: "/reports/freeze/",
        OFFICE_A,
        payload=lambda w: {
            "scope": f"region:{w.sub_a.pk}",
            "start": f"{w.last_year[0].year - 1}-01-01",
            "end": f"{w.last_year[0].year}-01-01",
        },
        effect=lambda w, user: _frozen(w, w.last_year[0].year - 1),
    ),
    Row(
        "reports",
        "ask for subdistrict A's yearly report",
        "POST",
        lambda w: "/reports/yearly/",
        OFFICE_A,
        payload=lambda w: {"scope": f"region:{w.sub_a.pk}", "year": w.last_year[0].year - 1},
        effect=lambda w, user: _reports_of(user, w.last_year[0].year - 1),
    ),
    Row(
        "reports",
        "bob's yearly report",
        "GET",
        lambda w: f"/reports/yearly/{w.report_a.pk}/",
        {"subdistrict_admin"},
    ),
    Row(
        "reports",
        "download bob's yearly report",
        "GET",
        lambda w: f"/reports/yearly/{w.report_a.pk}/download/",
        {"subdistrict_admin"},
    ),
    Row("reports", "the report's wording", "GET", lambda w: "/reports/wording/", DISTRICT),
    # ops ----------------------------------------------------------------------------
    Row("ops", "my data export", "GET", lambda w: "/ops/privacy/me/export.json", VOLUNTEERS),
    Row(
        "ops",
        "export ivy's data",
        "POST",
        lambda w: f"/ops/privacy/volunteers/{w.ivy.volunteer_no}/export/",
        OFFICE_A,
        payload=lambda w: {"reason": "本人申请"},
        effect=_audited,
    ),
    Row(
        "ops",
        "export dave's data (B1)",
        "POST",
        lambda w: f"/ops/privacy/volunteers/{w.dave.volunteer_no}/export/",
        DISTRICT,
        payload=lambda w: {"reason": "本人申请"},
        effect=_audited,
    ),
    Row(
        "ops",
        "anonymise form (B1)",
        "GET",
        lambda w: f"/ops/privacy/volunteers/{w.dave.volunteer_no}/anonymise/",
        DISTRICT,
    ),
    # feedback ----------------------------------------------------------------------------
    Row(
        "complaints",
        "photo of A1",
        "GET",
        lambda w: f"/feedback/complaints/{w.complaint_a.pk}/evidence/",
        SQUAD_A,
        note="the office in charge and the team concerned; not the filer's page, not the public",
    ),
    Row(
        "complaints",
        "file with a photo",
        "POST",
        lambda w: "/feedback/complaints/new/",
        ALL,
        payload=lambda w: {
            "subject_type": "team",
            "subject": w.squad_1a.pk,
            "what": "现场照片为证",
            "happened_on": timezone.localdate().isoformat(),
            "evidence": upload(image_bytes("PNG"), "scene.png"),
        },
        effect=lambda w, user: (
            apps.get_model("feedback", "ComplaintEvidence")
            .objects.filter(complaint__what="现场照片为证")
            .exists()
        ),
    ),
    # end feedback ------------------------------------------------------------------------
    # exchange ------------------------------------------------------------------------
    Row(
        "exchange",
        "page",
        "GET",
        lambda w: "/exchange/",
        OFFICE_A,
        sees=lambda w: "exchange-export",
    ),
    Row(
        "exchange",
        "export (page)",
        "POST",
        lambda w: "/exchange/export/",
        OFFICE_A,
        payload=lambda w: {"start": "2026-01-01", "end": "2026-12-31", "format": "jsonl"},
    ),
    Row(
        "exchange",
        "transfer in a file (page)",
        "POST",
        lambda w: "/exchange/transfers/",
        OFFICE_A,
        payload=lambda w: {
            "source": "全国志愿服务信息系统",
            "file": __import__(
                "django.core.files.uploadedfile"
            ).core.files.uploadedfile.SimpleUploadedFile(
                "transfer.csv",
                (
                    "记录编号,证件号码,服务日期,服务时长,记录团体名称\n"
                    f"P-1,{w.carol.decrypted('id_number')},2026-01-05,2,外区志愿者协会\n"
                ).encode(),
            ),
        },
        effect=lambda w, user: w.carol.transferred_records.exists(),
    ),
    Row(
        "volunteers",
        "set carol's national number (page)",
        "POST",
        lambda w: f"/volunteers/manage/{w.carol.volunteer_no}/national-number/",
        OFFICE_A,
        payload=lambda w: {"national_no": "N000000001"},
        effect=lambda w, user: type(w.carol).objects.filter(national_no="N000000001").exists(),
    ),
    # exchange: end
    # exports ------------------------------------------------------------------------
    Row(
        "spreadsheets",
        "export roster",
        "POST",
        lambda w: "/imports/exports/roster/",
        TEAM_ADMINS | OFFICE_A,
        effect=lambda w, user: _exported(user, "roster"),
    ),
    Row(
        "spreadsheets",
        "export hours",
        "POST",
        lambda w: "/imports/exports/hours/",
        TEAM_ADMINS | OFFICE_A,
        effect=lambda w, user: _exported(user, "hours"),
    ),
    # bob's finished export: his alone, not even the district office's above him.
    Row(
        "spreadsheets",
        "bob's export",
        "GET",
        lambda w: f"/imports/exports/{_export_of_bob(w)}/",
        frozenset({"subdistrict_admin"}),
    ),
    Row(
        "spreadsheets",
        "bob's export progress",
        "GET",
        lambda w: f"/imports/exports/{_export_of_bob(w)}/progress/",
        frozenset({"subdistrict_admin"}),
    ),
    Row(
        "spreadsheets",
        "bob's export file",
        "GET",
        lambda w: f"/imports/exports/{_export_of_bob(w)}/download/",
        frozenset({"subdistrict_admin"}),
    ),
    # exports: end
]


# exports: helpers of the rows above.
def _exported(user, kind: str) -> bool:
    from zhiyuan.spreadsheets.models import ExportJob

    return user is not None and ExportJob.objects.filter(created_by=user, kind=kind).exists()


def _export_of_bob(w) -> int:
    from tests.authz.test_api_matrix import export_of_bob

    return export_of_bob(w)


HOLES: dict[tuple[str, str], str] = {}


def call_page(world, row: Row, role: str):
    client = Client()
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    data = row.payload(world) if row.payload else {}
    if row.method == "GET":
        return client.get(row.url(world))
    return client.post(row.url(world), data)


@pytest.mark.parametrize(("row", "role"), cells(ROWS, HOLES))
def test_page_cell(world, row: Row, role: str):
    response = call_page(world, row, role)
    verdict = judge(row, response, world, world.users[role])
    expected = "allowed" if role in row.allowed else "denied"
    assert verdict == expected, (
        f"{row.method} {row.url(world)} as {role}: {verdict}, expected {expected} "
        f"(HTTP {response.status_code} {response.get('Location', '')})"
    )


def test_matrix_size():
    size = f"page rows: {len(ROWS)}, roles: {len(ROLES)}, cells: {len(ROWS) * len(ROLES)}"
    print(size)
    assert size in __doc__
    assert len({row.id for row in ROWS}) == len(ROWS), "two rows share an id"
