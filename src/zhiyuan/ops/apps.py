from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "zhiyuan.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from zhiyuan.core.panels import register_panel
        from zhiyuan.ops.views import volunteer_panel

        register_panel("volunteers.volunteer", volunteer_panel, order=90)
