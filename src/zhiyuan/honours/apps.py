from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

PANEL_LABELS = ("volunteers.volunteer", "teams.team", "projects.project", "stations.station")


class HonoursConfig(AppConfig):
    name = "zhiyuan.honours"
    verbose_name = _("Honours")

    def ready(self) -> None:
        from zhiyuan.core.panels import register_panel
        from zhiyuan.honours.panels import honours_panel

        for label in PANEL_LABELS:
            register_panel(label, honours_panel, order=20)
