from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "zhiyuan.exchange"
    verbose_name = _("Exchange with the national system")

    def ready(self) -> None:
        # The exchange file is an export job of its own kind; its rules stay in this app.
        from zhiyuan.exchange.exports import EXPORT
        from zhiyuan.spreadsheets.export_jobs import register
        from zhiyuan.spreadsheets.models import ExportJob

        register(ExportJob.Kind.EXCHANGE, EXPORT)
