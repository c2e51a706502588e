"""Service-hour page URLs (the poster's /s/<token>/ is routed to scan_page in config/urls.py)."""

from django.urls import include, path

from zhiyuan.service import views

app_name = "service"
urlpatterns = [
    path("hours/", views.my_hours, name="my_hours"),
    path("queue/", views.approval_queue, name="queue"),
    path("corrections/<int:request_id>/answer/", views.answer_correction, name="answer_correction"),
    path("records/<int:record_id>/", views.record_detail, name="record"),
    path("shifts/<int:shift_id>/", views.shift_attendance, name="shift"),
    path("stations/<int:station_id>/live/", views.station_live, name="live"),
    path("", include("zhiyuan.service.certificate_urls")),
]
