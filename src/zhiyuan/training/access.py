"""Permission-checked getters for courses, sessions and enrolments."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.training.models import Course, Enrolment, Session

MANAGE_DENIED = _("Only office admins of the region or admins of the organiser team may do this.")


def may_manage(user, course: Course) -> bool:
    """Office admins of the course's region, or admins of its organiser team (or above it)."""
    if scopes.administers_region(user, course.region):
        return True
    return course.organiser_id is not None and may_manage_team(user, course.organiser)


def may_create_courses(user) -> bool:
    return scopes.is_district_admin(user) or bool(scopes.team_paths(user))


def check_may_create_courses(user) -> None:
    if not may_create_courses(user):
        raise PermissionDenied(_("Only office admins and team admins set up courses."))


def course_for(user, course_id, *, manage: bool = False) -> Course:
    """Courses are public; managing one needs `may_manage` (403)."""
    try:
        course = Course.objects.select_related("organiser", "region", "skill").get(
            pk=int(course_id)
        )
    except (Course.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("No such course.")) from None
    if manage and not may_manage(user, course):
        raise PermissionDenied(MANAGE_DENIED)
    return course


def session_for(user, session_id, *, manage: bool = False) -> Session:
    try:
        session = Session.objects.select_related(
            "course", "course__organiser", "course__region", "course__skill", "station"
        ).get(pk=int(session_id))
    except (Session.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("No such session.")) from None
    if manage and not may_manage(user, session.course):
        raise PermissionDenied(MANAGE_DENIED)
    return session


def enrolment_for(user, enrolment_id, *, manage: bool = False) -> Enrolment:
    """Its volunteer and the course's managers see an enrolment; others get 404."""
    try:
        enrolment = Enrolment.objects.select_related(
            "volunteer",
            "session",
            "session__course",
            "session__course__organiser",
            "session__course__region",
        ).get(pk=int(enrolment_id))
    except (Enrolment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(_("No such enrolment.")) from None
    manager = may_manage(user, enrolment.session.course)
    own = enrolment.volunteer.user_id is not None and enrolment.volunteer.user_id == user.pk
    if not (own or manager):
        raise NotFound(_("No such enrolment."))
    if manage and not manager:
        raise PermissionDenied(MANAGE_DENIED)
    return enrolment
