"""The notifications app: below every app that notifies, above accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhiyuan.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
