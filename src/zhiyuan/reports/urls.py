from django.urls import path

from zhiyuan.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("statistics.xlsx", views.export, name="export"),
    path("freeze/", views.freeze, name="freeze"),
    path("yearly/", views.yearly_report, name="yearly"),
    path("yearly/<int:report_id>/", views.report_detail, name="report"),
    path("yearly/<int:report_id>/download/", views.download, name="download"),
    path("wording/", views.edit_wording, name="wording"),
]
