"""The training app; adds a volunteer's training record to their profile pages."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "zhiyuan.training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from zhiyuan.core.panels import register_panel
        from zhiyuan.training.panels import volunteer_training

        register_panel("volunteers.volunteer", volunteer_training, order=30)
