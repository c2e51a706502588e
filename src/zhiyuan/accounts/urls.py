"""Sign-in and sign-out, and the API tokens pages."""

from django.contrib.auth import views as auth_views
from django.urls import path

from zhiyuan.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("users/<str:username>/tokens/", views.tokens, name="user_tokens"),
]
