"""Certificate page URLs, included by service/urls.py under the "service" namespace."""

from django.urls import path

from zhiyuan.service import certificate_views as views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificate_list"),
    path("certificates/request/", views.certificate_request, name="certificate_request"),
    path("certificates/queue/", views.certificate_queue, name="certificate_queue"),
    path(
        "certificates/<int:certificate_id>/issue/",
        views.certificate_issue,
        name="certificate_issue",
    ),
    path(
        "certificates/<int:certificate_id>/refuse/",
        views.certificate_refuse,
        name="certificate_refuse",
    ),
    path(
        "certificates/<int:certificate_id>.pdf",
        views.certificate_file,
        {"fmt": "pdf"},
        name="certificate_pdf",
    ),
    path(
        "certificates/<int:certificate_id>.png",
        views.certificate_file,
        {"fmt": "png"},
        name="certificate_png",
    ),
    path("certificates/check/", views.certificate_check, name="certificate_check"),
    path("certificates/verify/<str:token>/", views.certificate_verify, name="certificate_verify"),
]
