"""Evaluation and complaint pages."""

from django.urls import path

from zhiyuan.feedback import views

app_name = "feedback"
urlpatterns = [
    path("activities/<int:activity_id>/", views.activity_ratings, name="activity"),
    path("complaints/new/", views.file_complaint, name="file"),
    path("complaints/track/", views.track, name="track"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:complaint_id>/evidence/", views.complaint_evidence, name="evidence"),
]
