"""Import and export page URLs (under /imports/)."""

from django.urls import path

from zhiyuan.spreadsheets import views

app_name = "spreadsheets"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("<int:job_id>/", views.job_detail, name="job"),
    path("<int:job_id>/columns/", views.review, name="review"),
    path("<int:job_id>/values/", views.choose_values, name="values"),
    path("<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("<int:job_id>/resume/", views.resume, name="resume"),
    path("<int:job_id>/errors.xlsx", views.error_report, name="error_report"),
    path("exports/", views.export_page, name="exports"),
    path("exports/roster/", views.export_roster, name="export_roster"),
    path("exports/hours/", views.export_hours, name="export_hours"),
    path("exports/<int:job_id>/", views.export_job, name="export_job"),
    path("exports/<int:job_id>/progress/", views.export_progress, name="export_progress"),
    path("exports/<int:job_id>/download/", views.export_download, name="export_download"),
]
