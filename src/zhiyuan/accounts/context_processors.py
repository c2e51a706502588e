"""Template context for the navigation: what the signed-in user's roles let them reach."""

from zhiyuan.accounts import scopes


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    return {"nav_is_office_admin": bool(user is not None and scopes.is_district_admin(user))}
