"""The places app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "zhiyuan.places"
    label = "places"
    verbose_name = _("Places")
