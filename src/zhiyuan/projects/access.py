"""Permission-checked getters for projects, activities, shifts and sign-ups."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.core.prepared import Prepared
from zhiyuan.projects.models import Activity, Project, Shift, SignUp
from zhiyuan.teams.access import may_manage as may_manage_team


def may_organise(user, project: Project) -> bool:
    """Admins of the organising team (or a team above it) and the office of its region."""
    return may_manage_team(user, project.organiser)


def _visible(user, project: Project) -> bool:
    return project.state != Project.State.DRAFT or may_organise(user, project)


def project_for(user, project_id, *, organise: bool = False) -> Project:
    """Published and closed projects are public; drafts only for their organisers."""
    try:
        project = Project.objects.select_related("category", "organiser", "organiser__region").get(
            pk=int(project_id)
        )
    except (Project.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such project.")) from None
    return _checked(user, project, organise=organise)


def _checked(user, project: Project, *, organise: bool) -> Project:
    """`project` if `user` may see it (and organise it, when asked); else 404 or 403."""
    if not _visible(user, project):
        raise NotFound(_("No such project."))
    if organise and not may_organise(user, project):
        raise PermissionDenied(_("Only admins of the organising team may do this."))
    return project


def activity_for(user, activity_id, *, organise: bool = False) -> Activity:
    try:
        activity = Activity.objects.select_related(
            "project", "project__organiser", "project__organiser__region", "station"
        ).get(pk=int(activity_id))
    except (Activity.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such activity.")) from None
    _checked(user, activity.project, organise=organise)
    return activity


_SHIFT = Prepared(
    lambda pk: Shift.objects.select_related(
        "activity",
        "activity__project",
        "activity__project__organiser",
        "activity__project__organiser__region",
        "activity__station",
    ).filter(pk=pk)[:1],
    remember=True,  # read on every sign-up; a change to any of its tables renews it
)


def shift_for(user, shift_id, *, organise: bool = False) -> Shift:
    try:
        shift = _SHIFT.first(int(shift_id))
    except (ValueError, TypeError):
        shift = None
    if shift is None:
        raise NotFound(_("No such shift."))
    _checked(user, shift.activity.project, organise=organise)
    return shift


def signup_for(user, signup_id) -> SignUp:
    """Its volunteer and the organisers may act on a sign-up; others get 404."""
    try:
        signup = SignUp.objects.select_related(
            "volunteer",
            "shift",
            "shift__activity",
            "shift__activity__project",
            "shift__activity__project__organiser",
            "shift__activity__project__organiser__region",
        ).get(pk=int(signup_id))
    except (SignUp.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such sign-up.")) from None
    own = signup.volunteer.user_id is not None and signup.volunteer.user_id == user.pk
    if not own and not may_organise(user, signup.shift.activity.project):
        raise NotFound(_("No such sign-up."))
    return signup
