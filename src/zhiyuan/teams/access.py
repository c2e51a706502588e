"""Permission-checked getters for teams and memberships, used by pages and API alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.teams.models import Membership, Team


class NotAllowed(PermissionDenied):
    default_message = _("Only an admin of this team or of a team above it may do this.")


def may_manage(user, team: Team | None) -> bool:
    """District/subdistrict office admins of the team's region, or an admin of it or an ancestor."""
    if team is None:
        return False
    if scopes.administers_region(user, team.region):
        return True
    return any(team.path.startswith(path) for path in scopes.team_paths(user))


def check_manage(user, team: Team) -> None:
    if not may_manage(user, team):
        raise NotAllowed()


def team_for(user, team_id, *, manage: bool = False) -> Team:
    """A team by id. Reading is public for active teams; dissolved ones only for managers.

    With `manage=True` the caller must manage the team (403 otherwise).
    """
    try:
        team = Team.objects.select_related("parent", "region", "specialty", "leader").get(
            pk=int(team_id)
        )
    except (Team.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such team.")) from None
    if not team.is_active and not may_manage(user, team):
        raise NotFound(_("No such team."))
    if manage and not may_manage(user, team):
        raise NotAllowed()
    return team


def membership_for(user, membership_id, *, manage: bool = True) -> Membership:
    """A membership: its team's managers may act on it; its volunteer may see it."""
    try:
        row = Membership.objects.select_related("team", "team__region", "volunteer").get(
            pk=int(membership_id)
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such membership.")) from None
    is_own = row.volunteer.user_id is not None and row.volunteer.user_id == user.pk
    if may_manage(user, row.team):
        return row
    if is_own and not manage:
        return row
    if is_own:
        raise NotAllowed()
    raise NotFound(_("No such membership."))
