"""Volunteer page URLs."""

from django.urls import path

from zhiyuan.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("me/", views.me, name="me"),
    path("me/phone/confirm/", views.confirm_phone, name="confirm_phone"),
    path("manage/", views.manage_roster, name="manage_roster"),
    path("manage/<str:volunteer_no>/", views.manage_detail, name="manage_detail"),
    path("manage/<str:volunteer_no>/reveal/", views.manage_reveal, name="manage_reveal"),
    path(
        "manage/<str:volunteer_no>/national-number/",
        views.manage_national_number,
        name="manage_national_number",
    ),
    path("manage/<str:volunteer_no>/<slug:action>/", views.manage_action, name="manage_action"),
]
