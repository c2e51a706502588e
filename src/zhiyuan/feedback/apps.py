from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "zhiyuan.feedback"
    verbose_name = _("Evaluations and complaints")

    def ready(self) -> None:
        from zhiyuan.feedback.selectors import reliability_factors
        from zhiyuan.helpdesk.proposals import register_reliability_source

        register_reliability_source(reliability_factors)
