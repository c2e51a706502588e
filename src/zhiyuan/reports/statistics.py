"""The district's statistics for any period and scope: every figure of the yearly report.

`compute(scope, start, end)` answers from a frozen snapshot when one exists for exactly that
scope and period, and otherwise from a few aggregate queries per area (volunteers, coverage,
teams, stations, projects, service records, stars) plus the figures other apps provide.
Service records are read from the rollup tables (reports/rollups.py: milliseconds whatever
their number; the figures can lag a record change by one run of the refresh task) once they
have been built, and from the records themselves (two grouped scans and one distinct count)
before that or with `use_rollups=False`. Active volunteers come from the rollups only for
month-aligned periods; other periods count them from the records.

Which rows belong to a scope (each figure's rule is written out in glossary.py):
- a region subtree: volunteers and stars by home community, teams by home region, stations
  by region, service records by their place of service (scope.record_place: the station's
  region, else the volunteer's home community), activities by their station's region (else
  their organiser's), projects organised in it or that had activities or records in it;
- a team subtree: its members, its teams, the stations it manages, its projects and records;
- a station: the records of activities held there and the volunteers who served there.

Figures of a past period are what was true then: registrations, teams and stations that
existed by its end, projects and activities that ran in it, star levels from the hours
approved before its end.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import BooleanField, Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.core.errors import ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.places.selectors import communities as communities_of
from zhiyuan.projects.models import Activity, Project
from zhiyuan.reports import evaluations, rollups
from zhiyuan.reports.models import Snapshot
from zhiyuan.reports.providers import provided_figures
from zhiyuan.reports.scope import Scope, record_place
from zhiyuan.service.models import HoursTotal, ServiceRecord, TransferredRecord
from zhiyuan.service.services import star_level
from zhiyuan.stations.models import Station
from zhiyuan.stations.selectors import with_compliance
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.models import Volunteer

CIVILITY_CATEGORY = "civility_guidance"
CIVILITY_DAY = 12  # 文明礼让日: the 12th of every month
AGE_BANDS = ("under_18", "18_35", "36_59", "60_plus")
LIVE_RECORD_STATES = ("approved", "pending")


@dataclass
class Figures:
    scope_key: str
    scope_label: str
    start: dt.date
    end: dt.date
    data: dict = field(default_factory=dict)
    frozen: bool = False

    def __getitem__(self, key: str):
        return self.data[key]

    def get(self, key: str, default=None):
        return self.data.get(key, default)

    def as_json(self) -> dict:
        return {
            "scope": self.scope_key,
            "scope_label": self.scope_label,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "frozen": self.frozen,
            "figures": self.data,
        }


def check_period(start: dt.date, end: dt.date) -> None:
    if end <= start:
        raise ValidationFailed({"end": [_("The end of the period must come after its start.")]})
    if (end - start).days > 3 * 366:
        raise ValidationFailed({"end": [_("A period may be at most three years long.")]})


def compute(
    scope: Scope,
    start: dt.date,
    end: dt.date,
    *,
    use_snapshot: bool = True,
    use_rollups: bool = True,
) -> Figures:
    """The figures of `scope` for [start, end): from a snapshot if one is frozen, else live
    (service records through their rollups when built, unless `use_rollups` is False)."""
    check_period(start, end)
    if use_snapshot:
        snapshot = Snapshot.objects.filter(scope_key=scope.key, start=start, end=end).first()
        if snapshot is not None:
            return Figures(scope.key, scope.label, start, end, snapshot.figures, frozen=True)
    data: dict = {}
    bounds = (_aware(start), _aware(end))
    rolled = use_rollups and rollups.is_built()
    data.update(_volunteers(scope, start, end, bounds, rolled))
    by_community = data.pop("_by_community")
    data.update(_coverage(scope, by_community, data["volunteers_total"]))
    data.update(_teams(scope, start, end, bounds))
    data.update(_stations(scope, bounds))
    data.update(_projects(scope, start, end, bounds, rolled))
    data.update(_service(scope, start, end, rolled))
    data.update(_transferred(scope, start, end))
    data.update(_stars(scope, end))
    data.update(evaluations.figures(scope, start, end, bounds, data))
    data["new_volunteers_by_month"] = _new_by_month(scope, start, end, bounds)
    if scope.kind == "region":
        for name, figures in provided_figures(start, end, scope.obj).items():
            for key, value in figures.items():
                data[f"{name}_{key}"] = _plain(value)
    return Figures(scope.key, scope.label, start, end, data)


def cached_compute(scope: Scope, start: dt.date, end: dt.date) -> Figures:
    """compute() for pages, kept in the cache for FIGURES_CACHE_SECONDS (a dashboard at a
    million records answers from it in milliseconds). The key holds the rollups' last
    refresh, so a changed record shows as soon as its refresh has run; other changes (a new
    volunteer, a team) show within the cache's time."""
    seconds = settings.FIGURES_CACHE_SECONDS
    if seconds <= 0:
        return compute(scope, start, end)
    refreshed = rollups.last_refresh()
    key = f"figures:v1:{scope.key}:{start}:{end}:{refreshed.timestamp() if refreshed else 0}"
    found = cache.get(key)
    if found is not None:
        return Figures(**found)
    figures = compute(scope, start, end)
    cache.set(key, dataclasses.asdict(figures), seconds)
    return figures


def warm_figures() -> None:
    """Put each district's figures of the current year in the cache (after a refresh)."""
    if settings.FIGURES_CACHE_SECONDS <= 0:
        return
    year = timezone.localdate().year
    for district in Region.objects.filter(parent__isnull=True):
        cached_compute(Scope.of(district), dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _plain(value):
    """JSON-ready: Decimals become floats rounded to hundredths, dicts recursively."""
    if isinstance(value, Decimal):
        return float(round(value, 2))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _counts(qs, key: str) -> dict[str, int]:
    return {
        str(row[key]): row["n"]
        for row in qs.values(key).annotate(n=Count("pk")).order_by(key)
        if row[key] not in (None, "")
    }


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _months(start: dt.date, end: dt.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day < end:
        months.append(f"{day:%Y-%m}")
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


# --- volunteers -------------------------------------------------------------------------


def scoped_volunteers(scope: Scope):
    if scope.kind == "region":
        return Volunteer.objects.filter(scope.q(region="community__path"))
    if scope.kind == "team":
        members = Membership.objects.filter(
            scope.q(team="team__path"), state=Membership.State.ACTIVE
        ).values("volunteer_id")
        return Volunteer.objects.filter(pk__in=members)
    served = _records(scope).values("volunteer_id")
    return Volunteer.objects.filter(pk__in=served)


def _active_volunteers(scope: Scope, start, end, rolled: bool) -> int:
    if rolled and rollups.is_month_aligned(start, end):
        return rollups.active_volunteers(scope, start, end)
    approved = _records(scope).filter(state="approved").values("volunteer_id").order_by()
    first = start if start.day == 1 else _next_month(start)
    last = end.replace(day=1)
    if not rolled or first >= last:
        return approved.filter(served_on__gte=start, served_on__lt=end).distinct().count()
    # The whole months from the rollup, the days before and after them from the records:
    # a period ending on the 31st scanned a year's records (3 s for the demo district).
    edges = approved.filter(
        Q(served_on__gte=start, served_on__lt=first) | Q(served_on__gte=last, served_on__lt=end)
    )
    return rollups.active_volunteer_ids(scope, first, last).order_by().union(edges).count()


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _volunteers(scope: Scope, start, end, bounds, rolled: bool) -> dict:
    base = scoped_volunteers(scope).filter(status=Volunteer.Status.ACTIVE)
    registered = base.filter(created_at__lt=bounds[1])
    end_day = end - dt.timedelta(days=1)
    age_band = Case(
        When(birth_date__gt=_years_before(end_day, 18), then=Value("under_18")),
        When(birth_date__gt=_years_before(end_day, 36), then=Value("18_35")),
        When(birth_date__gt=_years_before(end_day, 60), then=Value("36_59")),
        default=Value("60_plus"),
        output_field=CharField(),
    )
    # One grouped scan gives the total, the new, the age bands, the political statuses, the
    # genders and each community's count (for coverage), where six counts scanned six times.
    is_new = Case(
        When(created_at__gte=bounds[0], then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    groups = (
        registered.annotate(band=age_band, is_new=is_new)
        .values("community_id", "band", "gender", "political_status", "is_new")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = new = 0
    by_age: dict[str, int] = {}
    by_political: dict[str, int] = {}
    by_gender: dict[str, int] = {}
    by_community: dict[int, int] = {}
    for row in groups:
        n = row["n"]
        total += n
        new += n if row["is_new"] else 0
        by_age[row["band"]] = by_age.get(row["band"], 0) + n
        for key, found in (("political_status", by_political), ("gender", by_gender)):
            if row[key] not in (None, ""):
                found[str(row[key])] = found.get(str(row[key]), 0) + n
        by_community[row["community_id"]] = by_community.get(row["community_id"], 0) + n
    skills = Volunteer.skills.through.objects.filter(volunteer__in=registered)
    by_skill = {
        row["skill__code"]: row["n"]
        for row in skills.values("skill__code").annotate(n=Count("pk")).order_by("skill__code")
    }
    active = _active_volunteers(scope, start, end, rolled)
    return {
        "volunteers_total": total,
        "volunteers_new": new,
        "volunteers_active": active,
        "volunteers_by_skill": by_skill,
        "volunteers_by_age_band": {band: by_age.get(band, 0) for band in AGE_BANDS},
        "volunteers_by_political_status": dict(sorted(by_political.items())),
        "volunteers_by_gender": dict(sorted(by_gender.items())),
        "_by_community": by_community,
    }


def _new_by_month(scope: Scope, start, end, bounds) -> dict[str, int]:
    rows = (
        scoped_volunteers(scope)
        .filter(status=Volunteer.Status.ACTIVE, created_at__gte=bounds[0], created_at__lt=bounds[1])
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    found = {f"{row['month']:%Y-%m}": row["n"] for row in rows}
    return {month: found.get(month, 0) for month in _months(start, end)}


# --- coverage ---------------------------------------------------------------------------


def _one_in_every(population: int, volunteers: int) -> int | None:
    return round(population / volunteers) if volunteers and population else None


def _coverage(scope: Scope, by_community: dict[int, int], volunteers_total: int) -> dict:
    if scope.kind != "region":
        return {
            "population": 0,
            "volunteers_per_resident": 0.0,
            "one_in_every": None,
            "coverage_by_subdistrict": [],
            "coverage_by_community": [],
        }
    region: Region = scope.obj
    communities = list(
        communities_of(region)
        .values("pk", "code", "name", "population", "parent__code", "parent__name")
        .order_by("path")
    )
    for c in communities:  # the registered volunteers of the scope, by home community
        c["n"] = by_community.get(c["pk"], 0)
    population = sum(c["population"] for c in communities) or region.population

    def entry(code, name, pop, n):
        return {
            "code": code,
            "name": name,
            "population": pop,
            "volunteers": n,
            "one_in_every": _one_in_every(pop, n),
            "per_resident": round(n / pop, 4) if pop else 0.0,
        }

    by_sub: dict[str, dict] = {}
    for c in communities:
        sub = by_sub.setdefault(
            c["parent__code"],
            {"code": c["parent__code"], "name": c["parent__name"], "population": 0, "n": 0},
        )
        sub["population"] += c["population"]
        sub["n"] += c["n"]
    return {
        "population": population,
        "volunteers_per_resident": round(volunteers_total / population, 4) if population else 0.0,
        "one_in_every": _one_in_every(population, volunteers_total),
        "coverage_by_subdistrict": [
            entry(s["code"], s["name"], s["population"], s["n"]) for s in by_sub.values()
        ],
        "coverage_by_community": [
            entry(c["code"], c["name"], c["population"], c["n"]) for c in communities
        ],
    }


# --- teams, stations, projects -----------------------------------------------------------


def _teams(scope: Scope, start, end, bounds) -> dict:
    if scope.kind == "station":
        managing = scope.obj.managing_team
        teams = (
            Team.objects.filter(Scope.of(managing).q(team="path"))
            if managing
            else Team.objects.none()
        )
    else:
        teams = Team.objects.filter(scope.q(region="region__path", team="path"))
    teams = teams.filter(status=Team.Status.ACTIVE).filter(
        Q(founded_on__lt=end) | Q(founded_on__isnull=True, created_at__lt=bounds[1])
    )
    return {
        "teams_total": teams.count(),
        "teams_new": teams.filter(founded_on__gte=start).count(),
        "teams_by_level": _counts(teams, "level"),
        "teams_by_kind": _counts(teams, "kind"),
        "teams_by_specialty": _counts(teams, "specialty__code"),
        "teams_professional": teams.filter(kind=Team.Kind.PROFESSIONAL).count(),
    }


def _stations(scope: Scope, bounds) -> dict:
    stations = Station.objects.filter(
        scope.q(region="region__path", team="managing_team__path", station="pk"),
        status=Station.Status.OPEN,
        created_at__lt=bounds[1],
    )
    by_kind = _counts(stations, "kind")
    public = stations.filter(kind=Station.Kind.PUBLIC_PLACE).exclude(place_name="")
    return {
        "stations_total": sum(by_kind.values()),
        "stations_by_kind": by_kind,
        "stations_by_audit_state": _counts(with_compliance(stations), "compliance"),
        "stations_community": by_kind.get(Station.Kind.COMMUNITY, 0),
        "stations_public_place": by_kind.get(Station.Kind.PUBLIC_PLACE, 0),
        "service_points": by_kind.get(Station.Kind.POINT, 0),
        "bases": by_kind.get(Station.Kind.BASE, 0),
        "bases_by_level": _counts(stations.filter(kind=Station.Kind.BASE), "base_level"),
        "public_places": public.values("place_name").distinct().count(),
        "communities_with_station": stations.filter(
            kind=Station.Kind.COMMUNITY, region__level=Region.Level.COMMUNITY
        )
        .values("region_id")
        .distinct()
        .count(),
    }


def _top_category():
    return Coalesce("category__parent__code", "category__code")


def _projects(scope: Scope, start, end, bounds, rolled: bool) -> dict:
    activities = Activity.objects.all()
    if scope.kind == "region" and not scope.is_everything:
        activities = activities.annotate(
            place_path=Coalesce("station__region__path", "project__organiser__region__path")
        )
    activities = activities.filter(
        scope.q(region="place_path", team="project__organiser__path", station="station"),
        status=Activity.Status.SCHEDULED,
        starts_at__gte=bounds[0],
        starts_at__lt=bounds[1],
    )
    if rolled:
        served = rollups.daily(scope, start, end).filter(state="approved")
    else:
        served = _records(scope).filter(served_on__gte=start, served_on__lt=end, state="approved")
    ran_here = Q(pk__in=activities.values("project_id")) | Q(
        pk__in=served.exclude(project_id=None).values("project_id")
    )
    if scope.kind != "station":
        organised_here = Q(
            scope.q(region="organiser__region__path", team="organiser__path"),
            starts_on__lt=end,
            ends_on__gte=start,
        )
        ran_here |= organised_here
    projects = Project.objects.filter(
        ran_here, state__in=[Project.State.PUBLISHED, Project.State.CLOSED]
    )
    brand = projects.filter(is_brand=True)
    return {
        "projects_total": projects.count(),
        "projects_by_category": _counts(projects.annotate(top=_top_category()), "top"),
        "brand_projects": brand.count(),
        "brand_project_names": list(brand.order_by("name").values_list("name", flat=True)[:20]),
        "activities_total": activities.count(),
        "activities_by_category": _counts(
            activities.annotate(
                top=Coalesce("project__category__parent__code", "project__category__code")
            ),
            "top",
        ),
    }


# --- service records ---------------------------------------------------------------------


def _records(scope: Scope):
    """The scope's current record versions (a region's by place of service)."""
    records = ServiceRecord.objects.filter(is_current=True)
    if scope.kind == "region" and not scope.is_everything:
        records = records.annotate(place_path=record_place(field="path"))
    return records.filter(
        scope.q(region="place_path", team="team__path", station="shift__activity__station")
    )


def _service(scope: Scope, start: dt.date, end: dt.date, rolled: bool) -> dict:
    civility_projects = list(
        Project.objects.filter(
            Q(category__code=CIVILITY_CATEGORY) | Q(category__parent__code=CIVILITY_CATEGORY)
        ).values_list("pk", flat=True)
    )
    in_civility_project = (
        Case(
            When(project_id__in=civility_projects, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        if civility_projects
        else Value(False, output_field=BooleanField())
    )
    if rolled:  # the same groups, summed from the daily rollup rows
        base = rollups.daily(scope, start, end)
        day, n, persons = "day", Sum("records"), Sum("persons_served")
    else:
        # Grouped by the raw date (hashing a column is far cheaper than DATE_TRUNC/EXTRACT on
        # a million rows: PostgreSQL 2.7 s → 0.85 s); months and the 12th are read off dates.
        base = _records(scope).filter(
            served_on__gte=start, served_on__lt=end, state__in=LIVE_RECORD_STATES
        )
        day, n, persons = "served_on", Count("pk"), Sum("persons_served")
    rows = (
        base.annotate(civility=in_civility_project)
        .values(day, "source", "state", "civility")
        .annotate(hours=Sum("hours"), n=n, persons=persons)
        .order_by()
    )
    top_rows = list(
        base.filter(state="approved")
        .values("project_id", "team_id")
        .annotate(hours=Sum("hours"), persons=persons, n=n)
        .order_by()
    )
    months = _months(start, end)
    zero = dict.fromkeys(months, 0)
    hours_by_month = dict.fromkeys(months, Decimal(0))
    times_by_month, persons_by_month = dict(zero), dict(zero)
    civ_times, civ_persons = dict(zero), dict(zero)
    hours_by_source = {"measured": Decimal(0), "entered": Decimal(0)}
    pending_hours, pending_records = Decimal(0), 0
    for row in rows:  # at most days × 2 sources × 2 states × 2 rows
        if row["state"] != "approved":
            pending_hours += row["hours"]
            pending_records += row["n"]
            continue
        month = f"{row[day]:%Y-%m}"
        hours_by_month[month] += row["hours"]
        times_by_month[month] += row["n"]
        persons_by_month[month] += row["persons"] or 0
        hours_by_source[row["source"]] = hours_by_source.get(row["source"], 0) + row["hours"]
        if row["civility"] and row[day].day == CIVILITY_DAY:
            civ_times[month] += row["n"]
            civ_persons[month] += row["persons"] or 0
    return {
        "hours_approved": _plain(sum(hours_by_source.values(), Decimal(0))),
        "hours_measured": _plain(hours_by_source.get("measured", Decimal(0))),
        "hours_entered": _plain(hours_by_source.get("entered", Decimal(0))),
        "hours_pending": _plain(pending_hours),
        "records_pending": pending_records,
        "person_times": sum(times_by_month.values()),
        "persons_served": sum(persons_by_month.values()),
        "hours_by_month": {m: _plain(h) for m, h in hours_by_month.items()},
        "person_times_by_month": times_by_month,
        "persons_served_by_month": persons_by_month,
        "civility_person_times": sum(civ_times.values()),
        "civility_persons_served": sum(civ_persons.values()),
        "civility_person_times_by_month": civ_times,
        "civility_persons_served_by_month": civ_persons,
        "top_projects": _top(top_rows, "project_id", Project),
        "top_teams": _top(top_rows, "team_id", Team),
    }


def _transferred(scope: Scope, start: dt.date, end: dt.date) -> dict:
    """Hours transferred in from other systems (service/transfers.py), apart from the
    records made here: by the volunteer's home community (a team: its members)."""
    found: dict = {"n": 0, "hours": None}
    if scope.kind != "station":
        rows = TransferredRecord.objects.filter(served_on__gte=start, served_on__lt=end)
        if not scope.is_everything:
            rows = rows.filter(volunteer__in=scoped_volunteers(scope))
        found = rows.aggregate(n=Count("pk"), hours=Sum("hours"))
    return {
        "hours_transferred": _plain(found["hours"] or Decimal(0)),
        "records_transferred": found["n"],
    }


def _top(rows: list[dict], key: str, model, limit: int = 10) -> list[dict]:
    """Fold the (project, team) groups by one key and keep the largest by hours."""
    totals: dict[int, dict] = {}
    for row in rows:
        if row[key] is None:
            continue
        t = totals.setdefault(row[key], {"hours": Decimal(0), "persons": 0, "n": 0})
        t["hours"] += row["hours"]
        t["persons"] += row["persons"] or 0
        t["n"] += row["n"]
    best = sorted(totals.items(), key=lambda kv: (-kv[1]["hours"], kv[0]))[:limit]
    names = dict(model.objects.filter(pk__in=[pk for pk, _t in best]).values_list("pk", "name"))
    return [
        {
            "id": pk,
            "name": names.get(pk, ""),
            "hours": _plain(t["hours"]),
            "persons_served": t["persons"],
            "person_times": t["n"],
        }
        for pk, t in best
    ]


def _stars(scope: Scope, end: dt.date) -> dict:
    """Star levels at the period's end: the kept totals for a period running into today or
    later, else each volunteer's hours approved before `end` against today's thresholds."""
    volunteers = None if scope.is_everything else scoped_volunteers(scope)
    if end > timezone.localdate():
        totals = HoursTotal.objects.all()
        if volunteers is not None:
            totals = totals.filter(volunteer__in=volunteers)
        found = {
            row["star_level"]: row["n"]
            for row in totals.values("star_level").annotate(n=Count("pk")).order_by()
        }
    else:
        records = ServiceRecord.objects.filter(is_current=True, state="approved", served_on__lt=end)
        if volunteers is not None:
            records = records.filter(volunteer__in=volunteers)
        hours: dict[int, Decimal] = {}
        transferred = TransferredRecord.objects.filter(served_on__lt=end)
        if volunteers is not None:
            transferred = transferred.filter(volunteer__in=volunteers)
        for rows in (records, transferred):  # transferred hours count, as in the kept totals
            for row in rows.values("volunteer_id").annotate(hours=Sum("hours")).order_by():
                hours[row["volunteer_id"]] = hours.get(row["volunteer_id"], 0) + row["hours"]
        found = {}
        for total in hours.values():
            level = star_level(total)
            found[level] = found.get(level, 0) + 1
    return {
        "star_distribution": {str(level): found.get(level, 0) for level in range(0, 6)},
        "starred_volunteers": sum(n for level, n in found.items() if level > 0),
    }
