"""Template context for the navigation: what the signed-in user's roles let them reach.

Asked on every page: the answer is remembered per user in this process until a table it
was read from is written (core.pagecache.remembered), so a new role or a new volunteer
profile shows on the next page.
"""

import copy

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import Role
from zhiyuan.core.pagecache import remembered

SIGNED_OUT = {"nav_is_office_admin": False, "nav_is_team_admin": False, "nav_is_volunteer": False}


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return SIGNED_OUT
    return remembered(f"nav:{user.pk}:{user.is_superuser}", lambda: _navigation(user))


def _navigation(user) -> dict:
    # A copy without what this request has already looked up (roles, the volunteer), so
    # that every table the answer comes from is read here and noted.
    user = copy.copy(user)
    for name in [name for name in vars(user) if name.startswith("_zhiyuan_")]:
        delattr(user, name)
    user._state.fields_cache.clear()
    return {
        "nav_is_office_admin": scopes.is_district_admin(user),
        "nav_is_team_admin": scopes.has_role(user, Role.TEAM_ADMIN),
        "nav_is_volunteer": getattr(user, "volunteer", None) is not None,
    }
