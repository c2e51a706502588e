"""Root URLs: pages, the JSON API under /api/v1/, the Django admin and language switching."""

from django.contrib import admin
from django.urls import include, path

from zhiyuan.config.api import api
from zhiyuan.ops.views import healthz, metrics
from zhiyuan.service.views import checkin_worker, scan_page

urlpatterns = [
    # First: the API's prefix is one comparison for a page, while a page's patterns were
    # twenty for each API call (a sign-up or a scan resolves on every request).
    path("api/v1/", api.urls),
    path("", include("zhiyuan.portal.urls")),
    path("accounts/", include("zhiyuan.accounts.urls")),
    path("volunteers/", include("zhiyuan.volunteers.urls")),
    path("teams/", include("zhiyuan.teams.urls")),
    path("stations/", include("zhiyuan.stations.urls")),
    path("projects/", include("zhiyuan.projects.urls")),
    path("messages/", include("zhiyuan.notifications.urls")),
    path("s/sw.js", checkin_worker, name="checkin_worker"),
    path("s/<str:token>/", scan_page, name="checkin"),
    path("service/", include("zhiyuan.service.urls")),
    path("training/", include("zhiyuan.training.urls")),
    path("help/", include("zhiyuan.helpdesk.urls")),
    path("feedback/", include("zhiyuan.feedback.urls")),
    path("honours/", include("zhiyuan.honours.urls")),
    path("news/", include("zhiyuan.news.urls")),
    path("imports/", include("zhiyuan.spreadsheets.urls")),
    path("exchange/", include("zhiyuan.exchange.urls")),
    path("reports/", include("zhiyuan.reports.urls")),
    path("ops/", include("zhiyuan.ops.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
]

# Rendered without context processors: an outage answers 503, anything else the 500 page.
handler500 = "zhiyuan.ops.middleware.server_error"
