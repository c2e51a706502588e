"""Project page URLs."""

from django.urls import path

from zhiyuan.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("mine/", views.my_shifts, name="my_shifts"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/manage/", views.project_manage, name="manage"),
    path("activities/<int:activity_id>/shifts/", views.activity_shifts, name="activity_shifts"),
    path("shifts/<int:shift_id>/signup/", views.shift_sign_up, name="sign_up"),
    path("shifts/<int:shift_id>/roster/", views.shift_roster, name="roster"),
    path("signups/<int:signup_id>/cancel/", views.signup_cancel, name="cancel"),
]
