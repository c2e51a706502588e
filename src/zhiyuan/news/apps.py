from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "zhiyuan.news"
    verbose_name = _("News")

    def ready(self) -> None:
        from zhiyuan.core.panels import register_panel
        from zhiyuan.news.panels import in_the_news

        for label in ("volunteers.volunteer", "teams.team", "projects.project", "stations.station"):
            register_panel(label, in_the_news, order=60)
