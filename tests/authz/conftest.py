"""One world for the authorisation matrix, built once per module and rolled back at its end.

The cast and the corps tree of zhiyuan.testing.factories, with carol made a plain
member and an admin of her own for every rung:

    district 示范区 ── subdistrict A (新兴街道: A1, A2) ── subdistrict B (南营门街道: B1)

    总队 corps (district)
    ├── 支队 det_1 (district)        admin: frank     ← "detachment_admin"
    │   ├── 分队 squad_1a (A1)        admin: sam       ← "squad_admin"; carol a member
    │   └── 分队 squad_1b (A2)        admin: hank      ← "sibling_admin"
    └── 支队 det_2 (district)
        └── 分队 squad_2a (B1)        dave a member (dave now has an account)

Roles: anonymous; erin (resident, no volunteer profile); carol (volunteer, A1); dave
(another volunteer, B1: the owner of "someone else's" objects); stan (manager of station_a,
no team role); sam; frank; hank; bob (office admin of subdistrict A); alice (district office).

Every test runs in a savepoint inside the module's transaction, so a cell's write never
reaches the next cell.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from zhiyuan.testing.factories import (
    PASSWORD,
    PHONE_CODE,
    at,
    build_cast,
    build_corps,
    ensure_kinds,
    id_number,
    make_session,
    make_volunteer,
    submit,
)

# The settings the root conftest's autouse fixture gives each test, for the module's build.
WORLD_SETTINGS = {
    "FIELD_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "FIELD_CIPHER": "aes-gcm",
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def _build():  # noqa: PLR0915 - one world, written out in full
    from zhiyuan.accounts.models import User
    from zhiyuan.accounts.services import issue_api_token
    from zhiyuan.helpdesk import recipients as helpdesk_recipients
    from zhiyuan.helpdesk.models import MatchRun
    from zhiyuan.honours.models import AwardKind, Nomination, NominationRound
    from zhiyuan.news.models import Article, Column
    from zhiyuan.projects.models import Activity, Category, Project, Shift, SignUp
    from zhiyuan.service import certificates
    from zhiyuan.service.models import ServiceRecord
    from zhiyuan.service.services import refresh_total
    from zhiyuan.stations.models import Station
    from zhiyuan.teams.models import Membership
    from zhiyuan.training.models import Course, Enrolment
    from zhiyuan.volunteers.models import Skill, Volunteer
    from zhiyuan.volunteers.services import register_volunteer

    w = build_corps(build_cast())
    ensure_kinds()

    # carol: a plain member of squad_1a; sam runs it, hank runs the sibling squad_1b.
    Membership.objects.filter(team=w.squad_1a, volunteer=w.carol).update(role="member")
    w.sam = make_volunteer(w, "sam", 710, w.a1, name="孙分队")
    Membership.objects.create(team=w.squad_1a, volunteer=w.sam, role="admin", state="active")
    w.hank = make_volunteer(w, "hank", 711, w.a2, name="韩分队")
    Membership.objects.create(team=w.squad_1b, volunteer=w.hank, role="admin", state="active")
    # dave (B1) gets an account and a place in squad_2a.
    w.dave_user = User.objects.create_user("dave", password=PASSWORD)
    Volunteer.objects.filter(pk=w.dave.pk).update(user=w.dave_user)
    w.dave.refresh_from_db()
    Membership.objects.create(team=w.squad_2a, volunteer=w.dave, role="member", state="active")
    # gina (B1) waits for squad_1a's approval, and for the sibling squad_1b's.
    w.join_1a = Membership.objects.create(team=w.squad_1a, volunteer=w.gina, state="pending")
    w.join_1b = Membership.objects.create(team=w.squad_1b, volunteer=w.gina, state="pending")
    # Two registrations waiting for review: one in A1, one in B1.
    w.pending_a = register_volunteer(
        actor=w.alice,
        real_name="潘待审",
        id_type="resident_id",
        id_number=id_number(720),
        phone="13800000720",
        community_id=w.a1.pk,
        consent=True,
    )
    w.pending_b = register_volunteer(
        actor=w.alice,
        real_name="秦待审",
        id_type="resident_id",
        id_number=id_number(721),
        phone="13800000721",
        community_id=w.b1.pk,
        consent=True,
    )

    # Registered by an office admin, they start active: put them back in the review queue.
    Volunteer.objects.filter(pk__in=[w.pending_a.pk, w.pending_b.pk]).update(status="pending")

    # Stations: station_a (A1) run by squad_1a with stan as its manager; station_b (B1).
    w.stan = User.objects.create_user("stan", password=PASSWORD, full_name="站长斯坦")
    w.station_a = Station.objects.create(
        name="新兴社区志愿服务站",
        kind="community",
        region=w.a1,
        address="新兴街1号",
        latitude="39.120000",
        longitude="117.185000",
        managing_team=w.squad_1a,
    )
    w.station_a.managers.add(w.stan)
    w.station_b = Station.objects.create(
        name="南营门社区志愿服务站",
        kind="community",
        region=w.b1,
        address="南营门街1号",
        latitude="39.200000",
        longitude="117.185000",
        managing_team=w.squad_2a,
    )

    # Projects: published and draft of squad_1a, a draft of the sibling, one of squad_2a.
    today = timezone.localdate()
    category = Category.objects.get(code="civility_guidance")

    def project(name, team, state):
        return Project.objects.create(
            name=name,
            category=category,
            organiser=team,
            state=state,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=365),
        )

    w.project_a = project("文明礼让日", w.squad_1a, "published")
    w.draft_a = project("草稿项目甲", w.squad_1a, "draft")
    w.draft_sib = project("草稿项目乙", w.squad_1b, "draft")
    w.project_b = project("南营门助老", w.squad_2a, "published")

    def shift(proj, station, start, hours, capacity=3):
        activity = Activity.objects.create(
            project=proj,
            title=proj.name,
            station=station,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
        )
        return Shift.objects.create(
            activity=activity,
            role="义务指路",
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            capacity=capacity,
        )

    w.shift_a = shift(w.project_a, w.station_a, at(1, 8), 3)
    w.shift_b = shift(w.project_b, w.station_b, at(1, 14), 3)
    w.shift_now = shift(w.project_a, w.station_a, timezone.now() - dt.timedelta(hours=1), 3)
    w.shift_now_b = shift(w.project_b, w.station_b, timezone.now() - dt.timedelta(hours=1), 3)

    def signup(s, volunteer, state):
        return SignUp.objects.create(
            shift=s, volunteer=volunteer, state=state, starts_at=s.starts_at, ends_at=s.ends_at
        )

    w.waiting_a = signup(w.shift_a, w.gina, "waitlisted")
    w.waiting_b = signup(w.shift_b, w.gina, "waitlisted")
    w.present_a = signup(w.shift_now, w.carol, "confirmed")
    w.present_b = signup(w.shift_now_b, w.dave, "confirmed")

    # Evaluations: a shift two days ago on each side, carol (A) and dave (B) served in it.
    from zhiyuan.service.models import Attendance

    w.rated_a = shift(w.project_a, w.station_a, at(-2, 8), 3)
    w.rated_b = shift(w.project_b, w.station_b, at(-2, 8), 3)
    for rated, volunteer in ((w.rated_a, w.carol), (w.rated_b, w.dave)):
        Attendance.objects.create(
            volunteer=volunteer,
            shift=rated,
            station=rated.activity.station,
            method="organiser",
            checked_in_at=rated.starts_at,
            checked_out_at=rated.ends_at,
            recorded_by=w.alice,
        )

    # Service records: approved and pending hours of carol (squad_1a) and dave (squad_2a).
    def record(volunteer, team, proj, days, state, hours="3.00"):
        return ServiceRecord.objects.create(
            volunteer=volunteer,
            team=team,
            project=proj,
            served_on=today - dt.timedelta(days=days),
            hours=Decimal(hours),
            content="义务指路",
            source="entered",
            state=state,
            recorded_by=w.alice,
            persons_served=2,
        )

    w.approved_a = record(w.carol, w.squad_1a, w.project_a, 20, "approved")
    w.pending_rec_a = record(w.carol, w.squad_1a, w.project_a, 5, "pending", "2.00")
    w.approved_b = record(w.dave, w.squad_2a, w.project_b, 20, "approved")
    w.pending_rec_b = record(w.dave, w.squad_2a, w.project_b, 5, "pending", "2.00")
    for volunteer in (w.carol, w.dave):
        refresh_total(volunteer.pk)

    w.carol_user = User.objects.get(pk=w.carol_user.pk)  # its cached profile is pre-approval
    w.dave_user = User.objects.get(pk=w.dave_user.pk)

    # Certificates: carol's issued one (verifiable) and her open request; dave's request.
    period = (today - dt.timedelta(days=30), today - dt.timedelta(days=10))
    issued = certificates.request_certificate(
        actor=w.carol_user, team=w.squad_1a, period_from=period[0], period_to=period[1]
    )
    w.certificate = certificates.issue_certificate(
        actor=w.sam.user, certificate=issued, responsible_person="孙分队", contact="022-1234567"
    )
    w.cert_request_a = certificates.request_certificate(
        actor=w.carol_user, team=w.squad_1a, period_from=period[0], period_to=period[1]
    )
    w.cert_request_b = certificates.request_certificate(
        actor=w.dave_user, team=w.squad_2a, period_from=period[0], period_to=period[1]
    )
    w.period = period

    # Help desk: erin's request in A1, an anonymous one in B1; a recipient in each.
    w.help_a = submit(w, actor=w.erin)
    w.help_b = submit(w, community=w.b1, title="帮忙买菜")
    w.recipient_a = helpdesk_recipients.create_recipient(
        actor=w.alice,
        name="王奶奶",
        category="empty_nest_elderly",
        community_id=w.a1.pk,
        address="新兴街12号",
        phone="13912345678",
        consent=True,
    )
    w.recipient_b = helpdesk_recipients.create_recipient(
        actor=w.alice,
        name="李爷爷",
        category="empty_nest_elderly",
        community_id=w.b1.pk,
        address="南营门街3号",
        phone="13912345679",
        consent=True,
    )
    w.run_a = MatchRun.objects.create(region=w.sub_a, created_by=w.bob)
    w.run_b = MatchRun.objects.create(region=w.sub_b, created_by=w.alice)

    # Honours: a district round (alice) and a subdistrict-B round, with squad nominations.
    kind = AwardKind.objects.get(code="outstanding_volunteer")
    w.round = NominationRound.objects.create(
        kind=kind,
        year=today.year,
        level="district",
        region=w.district,
        awarding_body="区文明办",
        deadline=today + dt.timedelta(days=30),
        opened_by=w.alice,
    )
    w.round_b = NominationRound.objects.create(
        kind=kind,
        year=today.year,
        level="district",
        region=w.sub_b,
        awarding_body="南营门街道",
        deadline=today + dt.timedelta(days=30),
        opened_by=w.alice,
    )
    w.nomination_a = Nomination.objects.create(
        round=w.round,
        source="team",
        state="pending",
        volunteer=w.carol,
        awardee_type="volunteer",
        nominating_team=w.squad_1a,
        reason="服务时长多",
        created_by=w.sam.user,
    )
    w.nomination_b = Nomination.objects.create(
        round=w.round_b,
        source="team",
        state="pending",
        volunteer=w.dave,
        awardee_type="volunteer",
        nominating_team=w.squad_2a,
        reason="服务时长多",
        created_by=w.alice,
    )

    # News: a published district notice, squad_1a's draft, the sibling's draft, a B1 draft.
    column = Column.objects.get(code="lei_feng")

    def article(title, region, team, state):
        return Article.objects.create(
            column=column,
            title=title,
            body="<p>正文</p>",
            region=region,
            team=team,
            author=w.alice,
            state=state,
            published_at=timezone.now() if state == "published" else None,
        )

    w.news_published = article("学雷锋日", w.district, None, "published")
    w.news_draft_a = article("分队故事", w.a1, w.squad_1a, "draft")
    w.news_draft_sib = article("朝阳故事", w.a2, w.squad_1b, "draft")
    w.news_draft_b = article("南营门故事", w.b1, w.squad_2a, "draft")

    # Training: squad_1a's first-aid course; carol enrolled in a session under way.
    Skill.objects.filter(code="first_aid").update(requires_training=True)
    w.course = Course.objects.create(
        title="急救培训",
        kind=Course.Kind.SPECIALISED,
        hours=Decimal("8.0"),
        region=w.a1,
        organiser=w.squad_1a,
        skill=Skill.objects.get(code="first_aid"),
        validity_months=24,
    )
    w.course_b = Course.objects.create(
        title="助老培训",
        kind=Course.Kind.GENERAL,
        hours=Decimal("2.0"),
        region=w.b1,
        organiser=w.squad_2a,
    )
    w.upcoming = make_session(w.course, starts_at=at(2))
    w.held = make_session(w.course, starts_at=timezone.now() - dt.timedelta(hours=1))
    w.held_b = make_session(w.course_b, starts_at=timezone.now() - dt.timedelta(hours=1))
    w.enrolment_a = Enrolment.objects.create(session=w.held, volunteer=w.carol)
    w.enrolment_b = Enrolment.objects.create(session=w.held_b, volunteer=w.dave)

    # Complaints filed anonymously about squad_1a (A1) and squad_2a (B1).
    from django.contrib.auth.models import AnonymousUser

    from zhiyuan.feedback.services import file_complaint

    def complaint(team):
        return file_complaint(
            actor=AnonymousUser(),
            subject_type="team",
            subject=team.pk,
            what="服务态度生硬",
            happened_on=today,
            contact="13912345678",
        )

    w.complaint_a = complaint(w.squad_1a)
    w.complaint_b = complaint(w.squad_2a)
    # feedback: complaint_a came with a photo (complaint_b has none, for the "add" row).
    from zhiyuan.feedback.services import attach_evidence
    from zhiyuan.testing.factories import image_bytes, upload

    attach_evidence(
        actor=AnonymousUser(), complaint=w.complaint_a, upload=upload(image_bytes("PNG"))
    )

    w.users = {
        "anonymous": None,
        "resident": w.erin,
        "volunteer": w.carol_user,
        "other_volunteer": w.dave_user,
        "station_manager": w.stan,
        "squad_admin": w.sam.user,
        "detachment_admin": w.frank.user,
        "sibling_admin": w.hank.user,
        "subdistrict_admin": w.bob,
        "district_admin": w.alice,
    }
    w.tokens = {
        role: issue_api_token(actor=user, name="authz")[1]
        for role, user in w.users.items()
        if user is not None
    }
    # Tokens the token rows list and revoke (never the ones the cells sign in with).
    w.spare_a = issue_api_token(actor=w.carol_user, name="spare")[0]
    w.spare_b = issue_api_token(actor=w.dave_user, name="spare")[0]
    w.spare_a_page = issue_api_token(actor=w.carol_user, name="spare page")[0]
    w.spare_b_page = issue_api_token(actor=w.dave_user, name="spare page")[0]
    # carol asked for a new phone; the code texted to it is PHONE_CODE.
    from django.contrib.auth.hashers import make_password

    from zhiyuan.core import crypto
    from zhiyuan.volunteers.models import PhoneChange

    PhoneChange.objects.create(
        volunteer=w.carol,
        phone_encrypted=crypto.encrypt("13900000999"),
        phone_index=crypto.blind_index("phone", "13900000999"),
        phone_masked="139****0999",
        code_hash=make_password(PHONE_CODE),
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built in a transaction that is rolled back once the module is done."""
    with django_db_blocker.unblock(), override_settings(**WORLD_SETTINGS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
