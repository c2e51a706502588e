"""Roles and their scopes: which roles a user holds and over which regions.

Higher apps add roles of their own (volunteers: VOLUNTEER; teams: TEAM_ADMIN; stations:
STATION_MANAGER) by calling `register_role_provider` from their AppConfig.ready(); this
module never imports them. Results are cached on the user object for one request.
"""

from __future__ import annotations

from collections.abc import Callable

from zhiyuan.accounts.models import Role, RoleGrant

RoleProvider = Callable[[object], bool]
_role_providers: dict[Role, RoleProvider] = {}


def register_role_provider(role: Role, provider: RoleProvider) -> None:
    """`provider(user)` answers whether an authenticated user holds `role`."""
    _role_providers[role] = provider


def admin_region_paths(user) -> tuple[str, ...]:
    """Paths of the region subtrees the user administers as a district/subdistrict office.

    A superuser administers every region ("/" is a prefix of every path).
    """
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_zhiyuan_admin_paths", None)
    if cached is None:
        if user.is_superuser:
            cached = ("/",)
        else:
            cached = tuple(
                RoleGrant.objects.filter(user=user, role=Role.DISTRICT_ADMIN).values_list(
                    "region__path", flat=True
                )
            )
        user._zhiyuan_admin_paths = cached
    return cached


def is_district_admin(user) -> bool:
    return bool(admin_region_paths(user))


def administers_region(user, region) -> bool:
    """True if `region` lies in (or is) a subtree the user administers."""
    return any(region.path.startswith(path) for path in admin_region_paths(user))


def roles_of(user) -> frozenset[Role]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_zhiyuan_roles", None)
    if cached is None:
        roles = {Role.RESIDENT}
        if is_district_admin(user):
            roles.add(Role.DISTRICT_ADMIN)
        roles.update(role for role, provider in _role_providers.items() if provider(user))
        cached = frozenset(roles)
        user._zhiyuan_roles = cached
    return cached


def has_role(user, role: Role) -> bool:
    return role in roles_of(user)
