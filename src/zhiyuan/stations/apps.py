"""The stations app; registers STATION_MANAGER with accounts.scopes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_station_manager(user) -> bool:
    return user.managed_stations.exists()


class StationsConfig(AppConfig):
    name = "zhiyuan.stations"
    label = "stations"
    verbose_name = _("Stations")

    def ready(self) -> None:
        from zhiyuan.accounts.models import Role
        from zhiyuan.accounts.scopes import register_role_provider

        register_role_provider(Role.STATION_MANAGER, _is_station_manager)
