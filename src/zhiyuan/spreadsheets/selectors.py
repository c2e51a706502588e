"""Queries that read import jobs and the people an export may contain, scoped by the caller."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import PermissionDenied
from zhiyuan.places.models import Region
from zhiyuan.places.selectors import administered_regions
from zhiyuan.spreadsheets.models import ExportJob, ImportIssue, ImportJob
from zhiyuan.teams.models import Membership
from zhiyuan.teams.selectors import managed_team_paths
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.selectors import communities_under


def jobs_for(user) -> QuerySet[ImportJob]:
    """Import jobs into the regions the user administers, newest first."""
    condition = scopes.administered(user, region="scope__path")
    return ImportJob.objects.filter(condition).select_related("created_by", "scope")


def exports_of(user) -> QuerySet[ExportJob]:
    """The user's own exports, newest first (nobody sees another's)."""
    return ExportJob.objects.filter(created_by_id=user.pk)


def issues_of(job: ImportJob) -> QuerySet[ImportIssue]:
    return job.issues.order_by("row", "id")


def import_regions(user) -> QuerySet[Region]:
    """The regions a user may import into: their subtrees, down to subdistricts."""
    return administered_regions(user)


def exportable_volunteers(user) -> QuerySet[Volunteer]:
    """Volunteers in an export: an office admin's region subtree, a team admin's members."""
    paths = scopes.admin_region_paths(user)
    team_paths = managed_team_paths(user)
    if not paths and not team_paths:
        raise PermissionDenied(_("Only office and team admins may export rosters."))
    if "/" in paths:
        return Volunteer.objects.all()
    condition = Q(pk__in=[])
    if paths:
        condition |= Q(community_id__in=communities_under(paths))
    if team_paths:
        in_teams = scopes.within("team__path", team_paths)
        condition |= Q(
            pk__in=Membership.objects.filter(in_teams, state=Membership.State.ACTIVE).values(
                "volunteer_id"
            )
        )
    return Volunteer.objects.filter(condition)


def revealable_communities(user) -> set[int] | None:
    """Communities whose people the user may see unmasked (None: all of them).

    Revealing is an office admin's right over their region, as on the volunteer page; a
    team admin's export stays masked.
    """
    paths = scopes.admin_region_paths(user)
    if "/" in paths:
        return None
    return set(communities_under(paths)) if paths else set()
