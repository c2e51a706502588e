from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "zhiyuan.reports"
    verbose_name = _("Reports")

    def ready(self):
        from zhiyuan.reports import rollups

        rollups.connect()
