"""Queries that read training: the public course list, a course's sessions, my training,
a session's roster, and a volunteer's training record."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from zhiyuan.accounts import scopes
from zhiyuan.training.models import Certification, Course, Enrolment, Session


def _live_count():
    return Count("enrolments", filter=Q(enrolments__state=Enrolment.State.ENROLLED))


@dataclass(frozen=True)
class CourseFilter:
    q: str = ""
    kind: str = ""
    skill: str = ""


def courses(filters: CourseFilter | None = None) -> QuerySet[Course]:
    """Courses open for sessions, with the number of upcoming sessions; public."""
    filters = filters or CourseFilter()
    qs = Course.objects.filter(is_active=True).select_related("organiser", "skill")
    text = filters.q.strip()
    if text:
        qs = qs.filter(Q(title__contains=text) | Q(description__contains=text))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.skill:
        qs = qs.filter(skill__code=filters.skill)
    upcoming = Q(sessions__status=Session.Status.SCHEDULED, sessions__starts_at__gt=timezone.now())
    return qs.annotate(upcoming=Count("sessions", filter=upcoming)).order_by(
        "-upcoming", "title", "id"
    )


def managed_courses(user) -> QuerySet[Course]:
    """The courses `user` may manage: their regions' and their teams' (with subtrees)."""
    condition = scopes.administered(user, region="region__path", team="organiser__path")
    return Course.objects.filter(condition).select_related("organiser", "skill")


def sessions_of(course: Course, *, upcoming_only: bool = True) -> QuerySet[Session]:
    qs = course.sessions.select_related("station").annotate(taken=_live_count())
    if upcoming_only:
        qs = qs.filter(starts_at__gt=timezone.now())
    return qs.order_by("starts_at", "id")


def held_enrolments(volunteer, session_ids) -> dict[int, Enrolment]:
    """session id → the volunteer's live enrolment, for the sessions on a page."""
    if volunteer is None:
        return {}
    rows = Enrolment.objects.filter(
        volunteer=volunteer, session_id__in=list(session_ids), state=Enrolment.State.ENROLLED
    )
    return {row.session_id: row for row in rows}


def roster(session: Session) -> QuerySet[Enrolment]:
    return (
        session.enrolments.filter(state=Enrolment.State.ENROLLED)
        .select_related("volunteer")
        .order_by("enrolled_at", "id")
    )


def enrolments_of(volunteer) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(volunteer=volunteer)
        .select_related("session", "session__course", "session__station")
        .order_by("-session__starts_at", "-id")
    )


def certifications_of(volunteer) -> QuerySet[Certification]:
    return Certification.objects.filter(volunteer=volunteer).select_related(
        "skill", "course", "session"
    )


def training_hours(volunteer) -> Decimal:
    """Hours credited for attended sessions: kept apart from service hours."""
    total = Enrolment.objects.filter(
        volunteer=volunteer, state=Enrolment.State.ENROLLED, attended=True
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def record_of(volunteer) -> dict:
    """A volunteer's training record: enrolments, certifications and training hours."""
    today = timezone.localdate()
    certifications = list(certifications_of(volunteer))
    for certification in certifications:
        certification.valid = certification.is_valid_on(today)
    return {
        "enrolments": list(enrolments_of(volunteer)),
        "certifications": certifications,
        "training_hours": training_hours(volunteer),
    }
