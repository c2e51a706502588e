"""The volunteers app; registers the VOLUNTEER role with accounts.scopes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_volunteer(user) -> bool:
    from zhiyuan.volunteers.models import Volunteer

    return Volunteer.objects.filter(user=user, status=Volunteer.Status.ACTIVE).exists()


def _home_of(user) -> list[str]:
    """The volunteer's home community: where the offices over it manage their account."""
    from zhiyuan.volunteers.models import Volunteer

    return list(Volunteer.objects.filter(user=user).values_list("community__path", flat=True))


def _phone_of(user) -> str | None:
    """The mobile number SMS notifications go to: the volunteer's, decrypted for sending."""
    volunteer = getattr(user, "volunteer", None)
    return volunteer.decrypted("phone") if volunteer is not None else None


class VolunteersConfig(AppConfig):
    name = "zhiyuan.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self) -> None:
        from zhiyuan.accounts.models import Role
        from zhiyuan.accounts.scopes import register_home_provider, register_role_provider

        register_role_provider(Role.VOLUNTEER, _is_volunteer)
        register_home_provider(_home_of)

        from zhiyuan.notifications.services import set_phone_lookup

        set_phone_lookup(_phone_of)

        from zhiyuan.volunteers.models import VolunteerOfUser

        VolunteerOfUser.install()
