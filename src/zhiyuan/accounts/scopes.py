"""Roles and their scopes: which roles a user holds, over which regions and teams, and the
one helper that turns those subtrees into a query filter (`within`, `administered`).

Higher apps add roles of their own (volunteers: VOLUNTEER; teams: TEAM_ADMIN; stations:
STATION_MANAGER) by calling `register_role_provider` from their AppConfig.ready(), and teams
tells which team subtrees a user manages through `register_team_paths`; this module never
imports them. Results are cached on the user object for one request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Q

from zhiyuan.accounts.models import Role, RoleGrant

RoleProvider = Callable[[object], bool]
TeamPaths = Callable[[object], tuple[str, ...]]
_role_providers: dict[Role, RoleProvider] = {}
_team_paths: list[TeamPaths] = []
HomeProvider = Callable[[object], Iterable[str]]
_home_providers: list[HomeProvider] = []


def register_role_provider(role: Role, provider: RoleProvider) -> None:
    """`provider(user)` answers whether an authenticated user holds `role`."""
    _role_providers[role] = provider


def register_home_provider(provider: HomeProvider) -> None:
    """`provider(user)` gives paths of regions the user belongs to (a volunteer's community)."""
    _home_providers.append(provider)


def register_team_paths(provider: TeamPaths) -> None:
    """`provider(user)` gives the paths of the team subtrees the user manages (teams app)."""
    _team_paths.append(provider)


def within(lookup: str, paths: str | Iterable[str]) -> Q:
    """The filter keeping rows whose materialised path lies in one of these subtrees.

    `lookup` leads from the queried model to a region's or a team's `path` ("path",
    "region__path", "team__path"); a subtree is given by its root's path. No subtree keeps
    no row (never an empty `Q()`, which keeps every row); "/" (a superuser's) keeps all.
    This is the only place a path prefix becomes a query.
    """
    roots = (paths,) if isinstance(paths, str) else tuple(paths)
    if "/" in roots:
        return Q()
    if not roots:
        return Q(pk__in=[])
    return Q(*[Q(**{f"{lookup}__startswith": root}) for root in roots], _connector=Q.OR)


def team_paths(user) -> tuple[str, ...]:
    """Paths of the team subtrees the user manages (as the teams app answers)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    return tuple(path for provider in _team_paths for path in provider(user))


def administered(user, *, region: str = "", team: str = "") -> Q:
    """The rows `user` administers: those in a region subtree they run as an office (reached
    through the path lookup `region`) or under a team they manage (the path lookup `team`).
    An empty lookup means the model cannot be reached that way."""
    condition = Q(pk__in=[])
    if region:
        regions = admin_region_paths(user)
        if "/" in regions:
            return Q()
        if regions:
            condition |= within(region, regions)
    if team:
        teams = team_paths(user)
        if teams:
            condition |= within(team, teams)
    return condition


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


def runs_a_district(user) -> bool:
    """An office admin of a whole district (a superuser too): the district-wide lists
    (specialties, news columns) and the yearly report's wording are theirs, not a
    subdistrict office's."""
    paths = admin_region_paths(user)
    return "/" in paths or any(path.count("/") == 2 for path in paths)


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
    """Asks only the provider of `role` (the navigation asks on every page), cached per request."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_zhiyuan_roles", None)
    if cached is not None:
        return role in cached
    if role == Role.RESIDENT:
        return True
    if role == Role.DISTRICT_ADMIN:
        return is_district_admin(user)
    answers = getattr(user, "_zhiyuan_role_answers", None)
    if answers is None:
        answers = user._zhiyuan_role_answers = {}
    if role not in answers:
        provider = _role_providers.get(role)
        answers[role] = bool(provider and provider(user))
    return answers[role]
