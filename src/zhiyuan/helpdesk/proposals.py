"""The Django side of matching: engine inputs built from the database, runs, and the proposals.

Volunteers come with their skills, age, home (their community's stations), weekly
availability, busy windows (confirmed shifts and assigned requests), this month's hours
and their reliability (shifts kept vs no-shows, weighed by any registered source such as the
organisers' service ratings, see `register_reliability_source`). Demands are verified help requests and
open shifts in a region. A run stores its pairs as proposals; nothing is assigned until an
organiser confirms one.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan import matching as engine
from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.helpdesk import workflow
from zhiyuan.helpdesk.access import may_decide, may_run, takeable
from zhiyuan.helpdesk.models import (
    KIND_EXCLUDED_HEALTH,
    KIND_SKILLS,
    Assignment,
    HelpRequest,
    MatchRun,
    Proposal,
)
from zhiyuan.places.models import Region
from zhiyuan.projects import signups as project_signups
from zhiyuan.projects.eligibility import age_on
from zhiyuan.projects.models import Project, Shift, SignUp
from zhiyuan.service.models import ServiceRecord
from zhiyuan.stations.models import Station
from zhiyuan.volunteers import availability as avail
from zhiyuan.volunteers.models import Volunteer

logger = logging.getLogger(__name__)
SLOT_HOURS = {"am": (8, 12), "pm": (12, 18), "eve": (18, 22)}
DAY_INDEX = {day: index for index, (day, _label) in enumerate(avail.DAYS)}
S = HelpRequest.Status
OPEN_FOR_MATCHING = (S.VERIFIED, S.MATCHED)


# Reasons, translated by code -------------------------------------------------------------

REASON_TEXT = {
    "skill": _("lacks a required skill (%(missing)s)"),
    "age": _("outside the age limits"),
    "insurance": _("no accident insurance valid on the day"),
    "health": _("a declared health limit rules it out"),
    "availability": _("not available at that time"),
    "distance": _("too far away (%(km)s km)"),
    "overlap": _("already committed at that time"),
    "fit_skill": _("has %(had)s of %(preferred)s preferred skills"),
    "fit_distance": _("%(km)s km away"),
    "fit_load": _("%(hours)s hours served this period"),
    "fit_station": _("home station averages %(hours)s hours per volunteer"),
    "fit_wait": _("waiting for %(hours)s hours"),
    "fit_scarcity": _("%(candidates)s eligible volunteers"),
    "fit_reliability": _("kept %(percent)s%% of past commitments"),
    "swapped": _("chosen by the organiser"),
}


def reason_text(code: str, params: dict | None = None) -> str:
    """A reason in the user's language by its stable code; unknown codes show as the code."""
    template = REASON_TEXT.get(code)
    if code == "fit_skill" and not (params or {}).get("preferred"):
        template = _("has every skill asked for")
    if template is None:
        return code
    try:
        return str(template) % _display_params(params or {})
    except (KeyError, TypeError, ValueError):
        return str(template).split("(")[0].strip()


def _display_params(params: dict) -> dict:
    shown = {}
    for key, value in params.items():
        if isinstance(value, float):
            value = f"{value:.1f}"
        elif isinstance(value, list | tuple | set | frozenset):
            value = "、".join(str(v) for v in value)
        shown[key] = value
    if "reliability" in params:
        shown["percent"] = round(float(params["reliability"]) * 100)
    return defaultdict(str, shown)


def reasons_json(reasons: Iterable) -> list[dict]:
    return [{"code": r.code, "params": _jsonable(r.params)} for r in reasons]


def _jsonable(params: dict) -> dict:
    out = {}
    for key, value in (params or {}).items():
        if isinstance(value, set | frozenset | tuple):
            value = sorted(str(v) for v in value)
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif not isinstance(value, str | int | float | bool | list | dict | type(None)):
            value = str(value)
        out[key] = value
    return out


# Where volunteers live and where demands are ---------------------------------------------


class Places:
    """Coordinates of each community: the mean of its open stations, else its parent's."""

    def __init__(self) -> None:
        self.by_region: dict[int, tuple[float, float, int]] = {}
        rows = (
            Station.objects.filter(status=Station.Status.OPEN)
            .order_by("region_id", "id")
            .values_list("region_id", "latitude", "longitude", "id")
        )
        groups: dict[int, list] = defaultdict(list)
        for region_id, lat, lon, station_id in rows:
            groups[region_id].append((float(lat), float(lon), station_id))
        for region_id, points in groups.items():
            self.by_region[region_id] = (
                sum(p[0] for p in points) / len(points),
                sum(p[1] for p in points) / len(points),
                points[0][2],
            )
        self.parents = dict(Region.objects.values_list("id", "parent_id"))

    def of(self, region_id: int | None) -> tuple[float, float, int] | None:
        while region_id is not None:
            if region_id in self.by_region:
                return self.by_region[region_id]
            region_id = self.parents.get(region_id)
        return None


def _available(mask: int, start: dt.datetime, end: dt.datetime) -> tuple:
    """The weekly slots as concrete windows from `start` to `end` (empty mask: any time)."""
    if not mask:
        return ()
    tz = timezone.get_current_timezone()
    windows = []
    day = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    slots = avail.to_slots(mask)
    while day <= last:
        for slot in slots:
            name, period = slot.split("_")
            if DAY_INDEX[name] == day.weekday():
                first, until = SLOT_HOURS[period]
                windows.append(
                    (
                        dt.datetime.combine(day, dt.time(first), tzinfo=tz),
                        dt.datetime.combine(day, dt.time(until % 24), tzinfo=tz)
                        if until < 24
                        else dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
                    )
                )
        day += dt.timedelta(days=1)
    return tuple(windows) or ((start, start),)


# Sources that weigh each volunteer's reliability (0..1, 1 leaves it as it is), registered
# by higher apps at start-up: feedback.apps registers the organisers' service ratings.
_reliability_sources: list = []


def register_reliability_source(source) -> None:
    """`source(volunteer_ids) -> {volunteer_id: factor in 0..1}`; missing ids count as 1."""
    if source not in _reliability_sources:
        _reliability_sources.append(source)


def _reliability_factors(ids: list[int]) -> dict[int, float]:
    factors: dict[int, float] = {}
    for source in _reliability_sources:
        for volunteer_id, factor in source(ids).items():
            factors[volunteer_id] = factors.get(volunteer_id, 1.0) * min(max(factor, 0.0), 1.0)
    return factors


def engine_volunteers(
    volunteers, *, start: dt.datetime, end: dt.datetime, places: Places | None = None
) -> list[engine.Volunteer]:
    """Engine inputs for these volunteers (a queryset or list), over the period start..end."""
    places = places or Places()
    rows = list(
        Volunteer.objects.filter(pk__in=[v.pk for v in volunteers])
        if not hasattr(volunteers, "values_list")
        else volunteers
    )
    ids = [v.pk for v in rows]
    skills: dict[int, set[str]] = defaultdict(set)
    for volunteer_id, code in Volunteer.skills.through.objects.filter(
        volunteer_id__in=ids
    ).values_list("volunteer_id", "skill__code"):
        skills[volunteer_id].add(code)
    busy: dict[int, list] = defaultdict(list)
    for volunteer_id, s, e in SignUp.objects.filter(
        volunteer_id__in=ids,
        state__in=SignUp.HOLDING,
        ends_at__gt=start,
        starts_at__lt=end,
    ).values_list("volunteer_id", "starts_at", "ends_at"):
        busy[volunteer_id].append((s, e))
    for assignment in Assignment.objects.filter(
        volunteer_id__in=ids,
        state=Assignment.State.ACTIVE,
        request__status__in=(S.MATCHED, S.IN_SERVICE, S.VERIFIED),
    ).select_related("request"):
        busy[assignment.volunteer_id].extend(
            w for w in assignment.request.occurrences() if w[1] > start and w[0] < end
        )
    month = timezone.localdate().replace(day=1)
    load = dict(
        ServiceRecord.objects.filter(volunteer_id__in=ids, is_current=True, served_on__gte=month)
        .exclude(state=ServiceRecord.State.REJECTED)
        .values_list("volunteer_id")
        .annotate(total=Sum("hours"))
        .order_by()
        .values_list("volunteer_id", "total")
    )
    now = timezone.now()
    kept: dict[int, tuple[int, int]] = {
        vid: (k, n)
        for vid, k, n in SignUp.objects.filter(volunteer_id__in=ids, starts_at__lt=now)
        .values_list("volunteer_id")
        .annotate(
            kept=Count("pk", filter=Q(state=SignUp.State.CONFIRMED)),
            missed=Count("pk", filter=Q(state=SignUp.State.NO_SHOW)),
        )
        .order_by()
        .values_list("volunteer_id", "kept", "missed")
    }
    today = timezone.localdate()
    weighed = _reliability_factors(ids)
    result = []
    for v in rows:
        home = places.of(v.community_id)
        if home is None:
            continue
        k, n = kept.get(v.pk, (0, 0))
        result.append(
            engine.Volunteer(
                id=v.pk,
                skills=frozenset(skills[v.pk]),
                age=age_on(v.birth_date, today),
                lat=home[0],
                lon=home[1],
                insured_until=v.insured_until,
                available=_available(v.availability, start, end),
                busy=tuple(busy[v.pk]),
                load_hours=float(load.get(v.pk) or 0),
                reliability=((k / (k + n)) if (k + n) else 1.0) * weighed.get(v.pk, 1.0),
                station_id=home[2],
            )
        )
    return result


def _next_window(request: HelpRequest, now: dt.datetime):
    for window in request.occurrences():
        if window[1] > now:
            return window
    return None


def request_demand(request: HelpRequest, *, places: Places, now=None, free=None):
    now = now or timezone.now()
    window = _next_window(request, now)
    if window is None:
        return None
    if request.latitude is not None:
        lat, lon, station_id = float(request.latitude), float(request.longitude), None
    else:
        home = places.of(request.community_id)
        if home is None:
            return None
        lat, lon, station_id = home
    if free is None:
        free = (
            request.volunteers_needed
            - request.assignments.filter(state=Assignment.State.ACTIVE).count()
        )
    if free <= 0:
        return None
    since = request.verified_at or request.submitted_at
    return engine.Demand(
        id=f"help:{request.pk}",
        skills=frozenset(KIND_SKILLS.get(request.kind, ())),
        lat=lat,
        lon=lon,
        start=window[0],
        end=window[1],
        needed=free,
        excluded_health=frozenset(KIND_EXCLUDED_HEALTH.get(request.kind, ())),
        waited_hours=max(0.0, (now - since).total_seconds() / 3600),
        station_id=station_id,
    )


def shift_demand(shift: Shift, *, free: int, skills: frozenset[str]):
    station = shift.activity.station
    if station is None or free <= 0:
        return None
    return engine.Demand(
        id=f"shift:{shift.pk}",
        skills=skills,
        lat=float(station.latitude),
        lon=float(station.longitude),
        start=shift.starts_at,
        end=shift.ends_at,
        needed=free,
        min_age=shift.min_age or None,
        insurance_required=shift.insurance_required,
        station_id=station.pk,
    )


def open_requests(region: Region | None, *, until: dt.datetime):
    qs = HelpRequest.objects.filter(status__in=OPEN_FOR_MATCHING, starts_at__lt=until)
    if region is not None:
        qs = qs.filter(scopes.within("community__path", region.path))
    return qs.annotate(
        taken=Count("assignments", filter=Q(assignments__state=Assignment.State.ACTIVE))
    )


def open_shifts(region: Region | None, *, now: dt.datetime, until: dt.datetime):
    qs = Shift.objects.filter(
        status=Shift.Status.OPEN,
        activity__status="scheduled",
        activity__project__state=Project.State.PUBLISHED,
        activity__station__isnull=False,
        starts_at__gt=now,
        starts_at__lt=until,
    )
    if region is not None:
        qs = qs.filter(scopes.within("activity__station__region__path", region.path))
    return qs.select_related("activity__station").annotate(
        confirmed=Count("signups", filter=Q(signups__state=SignUp.State.CONFIRMED))
    )


def _shift_skills(shift_ids) -> dict[int, frozenset[str]]:
    skills: dict[int, set[str]] = defaultdict(set)
    for shift_id, code in Shift.required_skills.through.objects.filter(
        shift_id__in=shift_ids
    ).values_list("shift_id", "skill__code"):
        skills[shift_id].add(code)
    return {k: frozenset(v) for k, v in skills.items()}


def demands_for(
    region: Region | None,
    *,
    days_ahead: int,
    requests: bool = True,
    shifts: bool = True,
    places: Places | None = None,
):
    places = places or Places()
    now = timezone.now()
    until = now + dt.timedelta(days=days_ahead)
    demands = []
    if requests:
        for request in open_requests(region, until=until):
            demand = request_demand(
                request, places=places, now=now, free=request.volunteers_needed - request.taken
            )
            if demand is not None:
                demands.append(demand)
    if shifts:
        rows = list(open_shifts(region, now=now, until=until))
        skills = _shift_skills([s.pk for s in rows])
        for shift in rows:
            demand = shift_demand(
                shift,
                free=shift.capacity - shift.confirmed,
                skills=skills.get(shift.pk, frozenset()),
            )
            if demand is not None:
                demands.append(demand)
    return demands


# Runs ----------------------------------------------------------------------------------------


def start_run(
    *,
    actor: User,
    region: Region,
    days_ahead: int = 14,
    include_requests: bool = True,
    include_shifts: bool = True,
) -> MatchRun:
    """Queue a run over the region; the engine runs as a background task."""
    if not may_run(actor, region):
        raise PermissionDenied(_("Only organisers of this region may run matching in it."))
    errors = {}
    if not 1 <= int(days_ahead) <= 60:
        errors["days_ahead"] = [gettext("Look between 1 and 60 days ahead.")]
    if not (include_requests or include_shifts):
        errors["include_requests"] = [gettext("Match help requests, shifts, or both.")]
    if errors:
        raise ValidationFailed(errors)
    from zhiyuan.helpdesk.tasks import run_matching

    run = MatchRun.objects.create(
        region=region,
        created_by=actor,
        days_ahead=days_ahead,
        include_requests=include_requests,
        include_shifts=include_shifts,
    )
    transaction.on_commit(lambda: run_matching.enqueue(run.pk))
    return run


def execute_run(run_id: int) -> MatchRun:
    """Build the inputs, solve, store proposals. Idempotent: a finished run is left alone."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if run.status != MatchRun.Status.QUEUED:
            return run
        run.status = MatchRun.Status.RUNNING
        run.save(update_fields=["status"])
    began = time.perf_counter()
    try:
        places = Places()
        demands = demands_for(
            run.region,
            days_ahead=run.days_ahead,
            requests=run.include_requests,
            shifts=run.include_shifts,
            places=places,
        )
        now = timezone.now()
        end = max((d.end for d in demands), default=now)
        volunteers = engine_volunteers(
            Volunteer.objects.filter(
                scopes.within("community__path", run.region.path), status=Volunteer.Status.ACTIVE
            ).only("pk", "birth_date", "community_id", "insured_until", "availability"),
            start=now,
            end=end,
            places=places,
        )
        result = engine.solve(volunteers, demands) if demands and volunteers else None
        with transaction.atomic():
            proposals = []
            for pair in result.pairs if result else []:
                kind, _sep, pk = pair.demand_id.partition(":")
                proposals.append(
                    Proposal(
                        run=run,
                        volunteer_id=pair.volunteer_id,
                        help_request_id=int(pk) if kind == "help" else None,
                        shift_id=int(pk) if kind == "shift" else None,
                        score=float(pair.score),
                        reasons=reasons_json(pair.reasons),
                    )
                )
            Proposal.objects.bulk_create(proposals, batch_size=1000)
            run.volunteer_count = len(volunteers)
            run.demand_count = len(demands)
            run.proposal_count = len(proposals)
            run.unfilled_count = (
                sum(result.unfilled.values()) if result else sum(d.needed for d in demands)
            )
            run.total_score = float(result.total_score) if result else 0.0
            run.status = MatchRun.Status.DONE
            run.seconds = round(time.perf_counter() - began, 3)
            run.finished_at = timezone.now()
            run.save()
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded on the run, and logged
        logger.exception("matching run %s failed", run.pk)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:500],
            seconds=round(time.perf_counter() - began, 3),
            finished_at=timezone.now(),
        )
        run.refresh_from_db()
    return run


# Eligibility of one pair, for swaps and for volunteers accepting a request ------------------


def request_refusals(volunteer: Volunteer, request: HelpRequest) -> list[str]:
    """Why this volunteer cannot take this request, in words; [] if they can."""
    places = Places()
    demand = request_demand(request, places=places, free=1)
    if demand is None:
        return [gettext("This request has no visit left to serve or no known place.")]
    built = engine_volunteers([volunteer], start=demand.start, end=demand.end, places=places)
    if not built:
        return [gettext("The volunteer's home community has no station to locate them by.")]
    return [reason_text(r.code, r.params) for r in engine.refusals(built[0], demand)]


def shift_refusals(volunteer: Volunteer, shift: Shift) -> list[str]:
    places = Places()
    free = shift.capacity - shift.signups.filter(state=SignUp.State.CONFIRMED).count()
    demand = shift_demand(
        shift, free=max(free, 1), skills=_shift_skills([shift.pk]).get(shift.pk, frozenset())
    )
    if demand is None:
        return [gettext("This shift has no station to locate it by.")]
    built = engine_volunteers([volunteer], start=demand.start, end=demand.end, places=places)
    if not built:
        return [gettext("The volunteer's home community has no station to locate them by.")]
    return [reason_text(r.code, r.params) for r in engine.refusals(built[0], demand)]


# Proposals -----------------------------------------------------------------------------------


def _check_decide(actor: User, proposal: Proposal) -> None:
    if not may_decide(actor, proposal):
        raise PermissionDenied(_("Only the organisers of this demand may decide."))
    if not proposal.is_open:
        raise Conflict(_("This proposal is already decided."), code="already_decided")


def confirm_proposal(*, actor: User, proposal: Proposal) -> Proposal:
    """Assign the volunteer to the request (it becomes matched), or sign them up for the
    shift through the projects app with all of its rules. The organiser accepts on the
    volunteer's behalf, account or not; the volunteer is told (by SMS without an account)."""
    _check_decide(actor, proposal)
    volunteer = proposal.volunteer
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not locked.is_open:
            raise Conflict(_("This proposal is already decided."), code="already_decided")
        if proposal.help_request_id:
            workflow.assign_volunteer(
                actor=actor,
                request=proposal.help_request,
                volunteer=volunteer,
                check=request_refusals,
            )
        else:
            project_signups.sign_up_for(actor=actor, shift=proposal.shift, volunteer=volunteer)
        locked.state = Proposal.State.CONFIRMED
        locked.decided_by, locked.decided_at = actor, timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at"])
    return locked


def drop_proposal(*, actor: User, proposal: Proposal) -> Proposal:
    _check_decide(actor, proposal)
    proposal.state = Proposal.State.DROPPED
    proposal.decided_by, proposal.decided_at = actor, timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal


def swap_proposal(*, actor: User, proposal: Proposal, volunteer: Volunteer) -> Proposal:
    """Put another volunteer on the proposal; refused, with the reasons, if not eligible."""
    _check_decide(actor, proposal)
    if not volunteer.is_active:
        raise workflow.NotEligible([gettext("This volunteer is not active.")])
    reasons = (
        request_refusals(volunteer, proposal.help_request)
        if proposal.help_request_id
        else shift_refusals(volunteer, proposal.shift)
    )
    if reasons:
        raise workflow.NotEligible(reasons)
    proposal.volunteer = volunteer
    proposal.reasons = [{"code": "swapped", "params": {}}]
    proposal.save(update_fields=["volunteer", "reasons"])
    return proposal


# Recommended for one volunteer --------------------------------------------------------------


def recommended_for(volunteer: Volunteer, *, days_ahead: int = 30, limit: int = 20) -> list[dict]:
    """Open shifts and verified requests this volunteer may take, best score first."""
    places = Places()
    demands = demands_for(None, days_ahead=days_ahead, places=places)
    if not demands:
        return []
    now = timezone.now()
    built = engine_volunteers(
        [volunteer], start=now, end=max(d.end for d in demands), places=places
    )
    if not built:
        return []
    me = built[0]
    takes = set(
        HelpRequest.objects.filter(takeable(volunteer), status__in=OPEN_FOR_MATCHING).values_list(
            "pk", flat=True
        )
    )
    eligible = [
        d
        for d in demands
        if not engine.refusals(me, d) and (not d.id.startswith("help:") or int(d.id[5:]) in takes)
    ]
    scored = []
    for demand in eligible:
        result = engine.solve([me], [demand])
        if result.pairs:
            scored.append((result.pairs[0].score, demand, result.pairs[0].reasons))
    scored.sort(key=lambda item: -item[0])
    scored = scored[:limit]
    requests = HelpRequest.objects.in_bulk(
        [int(d.id[5:]) for _s, d, _r in scored if d.id.startswith("help:")]
    )
    shifts = Shift.objects.select_related("activity__station", "activity__project").in_bulk(
        [int(d.id[6:]) for _s, d, _r in scored if d.id.startswith("shift:")]
    )
    items = []
    for score, demand, reasons in scored:
        kind, _sep, pk = demand.id.partition(":")
        obj = requests.get(int(pk)) if kind == "help" else shifts.get(int(pk))
        if obj is None:
            continue
        items.append(
            {
                "kind": kind,
                "object": obj,
                "score": round(score, 1),
                "start": demand.start,
                "end": demand.end,
                "reasons": [reason_text(r.code, r.params) for r in reasons],
            }
        )
    return items


def accept_request(*, actor: User, request: HelpRequest) -> Assignment:
    """A volunteer takes a verified request themselves, if the matching rules allow."""
    volunteer = getattr(actor, "volunteer", None)
    if volunteer is None or not volunteer.is_active:
        raise PermissionDenied(_("Only active volunteers may take requests."))
    return workflow.assign_volunteer(
        actor=actor, request=request, volunteer=volunteer, check=request_refusals
    )
