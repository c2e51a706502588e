"""Template context for the navigation: what the signed-in user's roles let them reach."""

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import Role


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "nav_is_office_admin": bool(signed_in and scopes.is_district_admin(user)),
        "nav_is_team_admin": bool(signed_in and scopes.has_role(user, Role.TEAM_ADMIN)),
    }
