"""The service app; tells projects who is checked in (projects.signups.register_presence_check),
so a sign-up is not cancelled while its attendance runs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def checked_in(volunteer_id: int, shift_id: int) -> bool:
    from zhiyuan.service.models import Attendance

    return Attendance.objects.filter(
        volunteer_id=volunteer_id, shift_id=shift_id, checked_out_at__isnull=True
    ).exists()


class ServiceConfig(AppConfig):
    name = "zhiyuan.service"
    label = "service"
    verbose_name = _("Service hours")

    def ready(self) -> None:
        from zhiyuan.projects.signups import register_presence_check

        register_presence_check(checked_in)
