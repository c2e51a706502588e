"""The teams app; registers TEAM_ADMIN with accounts.scopes and widens the volunteer roster.

Documented in both places: volunteers.selectors.register_roster_rule lets a team admin
see the volunteers in the teams they manage.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "zhiyuan.teams"
    label = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        from zhiyuan.accounts.models import Role
        from zhiyuan.accounts.scopes import register_role_provider, register_team_paths
        from zhiyuan.teams.selectors import managed_team_paths, roster_rule
        from zhiyuan.volunteers.selectors import register_roster_rule

        register_role_provider(Role.TEAM_ADMIN, lambda user: bool(managed_team_paths(user)))
        register_team_paths(managed_team_paths)
        register_roster_rule(roster_rule)
