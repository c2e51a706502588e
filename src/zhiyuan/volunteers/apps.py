"""The volunteers app; registers the VOLUNTEER role with accounts.scopes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_volunteer(user) -> bool:
    from zhiyuan.volunteers.models import Volunteer

    return Volunteer.objects.filter(user=user, status=Volunteer.Status.ACTIVE).exists()


class VolunteersConfig(AppConfig):
    name = "zhiyuan.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from zhiyuan.accounts.models import Role
        from zhiyuan.accounts.scopes import register_role_provider

        register_role_provider(Role.VOLUNTEER, _is_volunteer)
