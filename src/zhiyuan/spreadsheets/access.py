"""The one permission-checked getter for an import job, used by every page and API endpoint."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.spreadsheets.models import ExportJob, ImportJob
from zhiyuan.teams.selectors import managed_team_paths


def job_for(user, job_id: int) -> ImportJob:
    """The job if `user` administers its region (its importer or an admin above); 404 otherwise."""
    job = (
        ImportJob.objects.select_related("created_by", "scope", "default_community")
        .filter(pk=job_id)
        .first()
    )
    if job is None or not scopes.administers_region(user, job.scope):
        raise NotFound(_("No such import."))
    return job


def may_export(user) -> bool:
    """Office admins (their region) and team admins (their members) may export rosters."""
    return bool(scopes.admin_region_paths(user) or managed_team_paths(user))


def check_export(user) -> None:
    if not may_export(user):
        raise PermissionDenied(_("Only office and team admins may export rosters."))


def export_for(user, job_id: int) -> ExportJob:
    """An export of the person who asked for it, and of nobody else (not even an admin above
    them: it may hold full ID numbers asked for with their reason); 404 otherwise."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None or not getattr(user, "is_authenticated", False) or job.created_by_id != user.pk:
        raise NotFound(_("No such export."))
    return job
