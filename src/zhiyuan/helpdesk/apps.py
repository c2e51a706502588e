from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "zhiyuan.helpdesk"
    verbose_name = _("Help requests")
