"""Training page URLs."""

from django.urls import path

from zhiyuan.training import views

app_name = "training"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_create, name="create"),
    path("mine/", views.my_training, name="mine"),
    path("<int:course_id>/", views.course_detail, name="detail"),
    path("<int:course_id>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session_roster, name="session"),
    path("sessions/<int:session_id>/enrol/", views.enrol, name="enrol"),
    path("enrolments/<int:enrolment_id>/cancel/", views.cancel, name="cancel"),
    path("enrolments/<int:enrolment_id>/mark/", views.mark, name="mark"),
]
