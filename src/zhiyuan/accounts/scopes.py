"""Roles and their scopes: which roles a user holds and over which regions.

Higher apps add roles of their own (volunteers: VOLUNTEER; teams: TEAM_ADMIN; stations:
STATION_MANAGER) by calling `register_role_provider` from their AppConfig.ready(); this
module never imports them. Results are cached on the user object for one request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from zhiyuan.accounts.models import Role, RoleGrant

RoleProvider = Callable[[object], bool]
_role_providers: dict[Role, RoleProvider] = {}
HomeProvider = Callable[[object], Iterable[str]]
_home_providers: list[HomeProvider] = []


def register_role_provider(role: Role, provider: RoleProvider) -> None:
    """`provider(user)` answers whether an authenticated user holds `role`."""
    _role_providers[role] = provider


def register_home_provider(provider: HomeProvider) -> None:
    """`provider(user)` gives paths of regions the user belongs to (a volunteer's community)."""
    _home_providers.append(provider)


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


def administers_user(actor, user) -> bool:
    """True if `actor` is an office admin over a region `user` belongs to: a region they
    hold an office role in, or one a registered provider names (a volunteer's community).
    A superuser's account is only the superuser's business."""
    paths = admin_region_paths(actor)
    if not paths or (user.is_superuser and "/" not in paths):
        return False
    homes = set(RoleGrant.objects.filter(user=user).values_list("region__path", flat=True))
    for provider in _home_providers:
        homes.update(provider(user))
    return any(home.startswith(path) for home in homes for path in paths)


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
