"""Team page URLs."""

from django.urls import path

from zhiyuan.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.team_tree, name="tree"),
    path("new/", views.team_create, name="create"),
    path("<int:team_id>/", views.team_detail, name="detail"),
    path("<int:team_id>/edit/", views.team_edit, name="edit"),
    path("<int:team_id>/join/", views.team_join, name="join"),
    path("<int:team_id>/leave/", views.team_leave, name="leave"),
    path("<int:team_id>/members/", views.team_members, name="members"),
    path(
        "memberships/<int:membership_id>/<slug:action>/",
        views.membership_action,
        name="membership_action",
    ),
]
