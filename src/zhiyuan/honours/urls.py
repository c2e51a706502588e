"""Honours page URLs."""

from django.urls import path

from zhiyuan.honours import views

app_name = "honours"

urlpatterns = [
    path("", views.honour_roll, name="roll"),
    path("awards/new/", views.award_create, name="award_create"),
    path("awards/<int:award_id>/withdraw/", views.award_withdraw, name="award_withdraw"),
    path("kinds/", views.kinds, name="kinds"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/propose/", views.round_propose, name="round_propose"),
    path("rounds/<int:round_id>/nominate/", views.round_nominate, name="round_nominate"),
    path("rounds/<int:round_id>/finalise/", views.round_finalise, name="round_finalise"),
    path("nominations/<int:nomination_id>/decide/", views.nomination_decide, name="decide"),
]
