from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "zhiyuan.exchange"
    verbose_name = _("Exchange with the national system")
