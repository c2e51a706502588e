"""Candidate rules: who the system proposes for a round, from what projects and service recorded,
the ratings given (a volunteer's service by the organisers; a team as organiser, a project's
and a station's activities by their volunteers) and, for volunteers, complaints upheld.

Each rule reads a few grouped queries over the round's year and region and returns
candidates best first, each with the evidence shown beside it on the round's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.feedback.models import Complaint, RatingTally, ServiceRating
from zhiyuan.honours.models import AwardeeType, NominationRound
from zhiyuan.projects.models import Activity, Project, SignUp
from zhiyuan.service.models import HoursTotal, ServiceRecord
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.models import Volunteer

# The thresholds a round may set, with their defaults, per awardee type.
DEFAULT_RULES: dict[str, dict[str, int]] = {
    AwardeeType.VOLUNTEER: {
        "min_hours": 20,
        "min_stars": 0,
        "max_no_shows": 0,
        "max_rejected": 0,
        "min_rating": 0,
        "max_complaints": 0,
        "limit": 20,
    },
    AwardeeType.TEAM: {"min_hours": 100, "min_projects": 1, "min_rating": 0, "limit": 10},
    AwardeeType.PROJECT: {
        "min_activities": 2,
        "min_person_times": 10,
        "min_rating": 0,
        "limit": 10,
    },
    AwardeeType.STATION: {
        "min_activities": 2,
        "min_person_times": 10,
        "min_rating": 0,
        "limit": 10,
    },
}
RULE_LABELS = {
    "min_hours": _("Minimum approved hours in the year"),
    "min_stars": _("Minimum star level"),
    "max_no_shows": _("Most no-shows in the year"),
    "max_rejected": _("Most rejected service records in the year"),
    "min_rating": _(
        "Lowest mean rating in the year (1–5; 0: not asked): a volunteer's service, a team as "
        "organiser, a project's or a station's activities"
    ),
    "max_complaints": _("Most complaints about the volunteer resolved against them in the year"),
    "min_projects": _("Minimum projects run in the year"),
    "min_activities": _("Minimum activities in the year"),
    "min_person_times": _("Minimum person-times served in the year"),
    "limit": _("Most candidates to propose"),
}


@dataclass(frozen=True)
class Candidate:
    awardee_id: int
    evidence: dict


def clean_rules(awardee_type: str, given: dict | None) -> dict[str, int]:
    """The defaults for the type, overridden by `given`; unknown keys and bad numbers refused."""
    rules = dict(DEFAULT_RULES[awardee_type])
    errors: dict[str, list[str]] = {}
    for key, value in (given or {}).items():
        if key not in rules:
            errors[key] = [str(_("This rule does not apply to this award kind."))]
            continue
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors[key] = [str(_("Enter a whole number."))]
            continue
        if number < 0 or number > 100_000 or (key == "limit" and not 1 <= number <= 500):
            errors[key] = [str(_("This number is out of range."))]
            continue
        rules[key] = number
    if errors:
        raise ValidationFailed(errors)
    return rules


def year_bounds(year: int) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    tz = timezone.get_current_timezone()
    return (
        start,
        end,
        dt.datetime.combine(start, dt.time(), tzinfo=tz),
        dt.datetime.combine(end, dt.time(), tzinfo=tz),
    )


def _approved_in(start: dt.date, end: dt.date):
    return ServiceRecord.objects.filter(
        is_current=True,
        state=ServiceRecord.State.APPROVED,
        served_on__gte=start,
        served_on__lt=end,
    )


def volunteer_candidates(round_: NominationRound, rules: dict) -> list[Candidate]:
    """Active volunteers of the region by approved hours in the year, with few no-shows and
    no rejected records, at or above the star level asked for."""
    start, end, since, until = year_bounds(round_.year)
    path = round_.region.path
    enough = (
        _approved_in(start, end)
        .filter(
            scopes.within("volunteer__community__path", path),
            volunteer__status=Volunteer.Status.ACTIVE,
        )
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .filter(total__gte=rules["min_hours"])
        .order_by()
    )
    hours = dict(enough.values_list("volunteer", "total"))
    if not hours:
        return []
    # The volunteers by a subquery, not a list of their ids: a district's tens of thousands
    # of ids are more than SQLite takes as parameters (32,766).
    candidates = enough.values("volunteer")
    no_shows = dict(
        SignUp.objects.filter(
            scopes.within("volunteer__community__path", path),
            state=SignUp.State.NO_SHOW,
            starts_at__gte=since,
            starts_at__lt=until,
        )
        .values_list("volunteer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rejected = dict(
        ServiceRecord.objects.filter(
            scopes.within("volunteer__community__path", path),
            is_current=True,
            state=ServiceRecord.State.REJECTED,
            served_on__gte=start,
            served_on__lt=end,
        )
        .values_list("volunteer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stars = dict(
        HoursTotal.objects.filter(volunteer_id__in=candidates).values_list(
            "volunteer_id", "star_level"
        )
    )
    ratings = dict(
        ServiceRating.objects.filter(
            volunteer_id__in=candidates, created_at__gte=since, created_at__lt=until
        )
        .values_list("volunteer")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    complaints = dict(
        Complaint.objects.filter(
            volunteer_id__in=candidates,
            status=Complaint.Status.RESOLVED,
            filed_at__gte=since,
            filed_at__lt=until,
        )
        .values_list("volunteer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = []
    for volunteer_id, total in hours.items():
        evidence = {
            "hours": str(Decimal(total).quantize(Decimal("0.01"))),
            "stars": stars.get(volunteer_id, 0),
            "no_shows": no_shows.get(volunteer_id, 0),
            "rejected": rejected.get(volunteer_id, 0),
        }
        if complaints.get(volunteer_id):
            evidence["complaints"] = complaints[volunteer_id]
        rating = ratings.get(volunteer_id)
        if rating is not None:
            evidence["rating"] = round(float(rating), 2)
        if (
            evidence["stars"] >= rules["min_stars"]
            and evidence["no_shows"] <= rules["max_no_shows"]
            and evidence["rejected"] <= rules["max_rejected"]
            and evidence.get("complaints", 0) <= rules["max_complaints"]
            and _rated_enough(rating, rules)
        ):
            found.append((Decimal(total), volunteer_id, evidence))
    found.sort(key=lambda row: (-row[0], row[1]))
    return [Candidate(vid, evidence) for _total, vid, evidence in found[: rules["limit"]]]


def team_candidates(round_: NominationRound, rules: dict) -> list[Candidate]:
    """Active teams of the region by their active members' approved hours in the year and
    the projects they ran (a project with an activity in the year)."""
    start, end, since, until = year_bounds(round_.year)
    path = round_.region.path
    record = "volunteer__service_records__"
    hours = dict(
        Membership.objects.filter(
            scopes.within("team__region__path", path),
            state=Membership.State.ACTIVE,
            team__status=Team.Status.ACTIVE,
            **{
                f"{record}is_current": True,
                f"{record}state": ServiceRecord.State.APPROVED,
                f"{record}served_on__gte": start,
                f"{record}served_on__lt": end,
            },
        )
        .values_list("team")
        .annotate(total=Sum(f"{record}hours"))
        .filter(total__gte=rules["min_hours"])
        .order_by()
    )
    if not hours:
        return []
    projects = dict(
        Project.objects.filter(
            organiser_id__in=list(hours),
            activities__starts_at__gte=since,
            activities__starts_at__lt=until,
        )
        .exclude(state=Project.State.DRAFT)
        .values_list("organiser")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    ratings = _mean_ratings(
        Activity.objects.filter(
            project__organiser_id__in=list(hours), starts_at__gte=since, starts_at__lt=until
        ),
        "project__organiser",
        score="team_score_sum",
    )
    found = []
    for team_id, total in hours.items():
        run = projects.get(team_id, 0)
        rating = ratings.get(team_id)
        if run >= rules["min_projects"] and _rated_enough(rating, rules):
            evidence = {
                "member_hours": str(Decimal(total).quantize(Decimal("0.01"))),
                "projects": run,
            }
            if rating is not None:
                evidence["rating"] = rating
            found.append((Decimal(total), team_id, evidence))
    found.sort(key=lambda row: (-row[0], row[1]))
    return [Candidate(tid, evidence) for _total, tid, evidence in found[: rules["limit"]]]


def _mean_ratings(activities, key: str, *, score: str = "score_sum") -> dict[int, float]:
    """The volunteers' mean rating (1–5) of these activities, per `key` of the activity (its
    project, its station, its project's organiser), from the rating tallies; `score` is
    "team_score_sum" for their rating of the organiser."""
    rows = (
        RatingTally.objects.filter(kind=RatingTally.Kind.ACTIVITY, activity__in=activities)
        .values_list(f"activity__{key}")
        .annotate(n=Sum("ratings"), total=Sum(score))
        .order_by()
    )
    return {awardee: round(total / n, 2) for awardee, n, total in rows if n}


def _rated_enough(rating: float | None, rules: dict) -> bool:
    """Not rated is no bar; a mean below the round's lowest is."""
    return rating is None or rating >= rules["min_rating"]


def _activity_candidates(rules, *, activities, activity_key, records, record_key):
    counts = dict(activities.values_list(activity_key).annotate(n=Count("pk")).order_by())
    times = dict(records.values_list(record_key).annotate(n=Count("pk")).order_by())
    ratings = _mean_ratings(activities, activity_key)
    found = []
    for awardee_id, n in counts.items():
        served = times.get(awardee_id, 0)
        rating = ratings.get(awardee_id)
        if (
            n >= rules["min_activities"]
            and served >= rules["min_person_times"]
            and _rated_enough(rating, rules)
        ):
            evidence = {"activities": n, "person_times": served}
            if rating is not None:
                evidence["rating"] = rating
            found.append((served, n, awardee_id, evidence))
    found.sort(key=lambda row: (-row[0], -row[1], row[2]))
    return [Candidate(aid, evidence) for _s, _n, aid, evidence in found[: rules["limit"]]]


def project_candidates(round_: NominationRound, rules: dict) -> list[Candidate]:
    """Published or closed projects of the region's teams by activities held in the year and
    person-times (approved service records) in them."""
    start, end, since, until = year_bounds(round_.year)
    path = round_.region.path
    return _activity_candidates(
        rules,
        activities=Activity.objects.filter(
            scopes.within("project__organiser__region__path", path),
            status=Activity.Status.SCHEDULED,
            starts_at__gte=since,
            starts_at__lt=until,
        ).exclude(project__state=Project.State.DRAFT),
        activity_key="project",
        records=_approved_in(start, end).filter(
            scopes.within("project__organiser__region__path", path)
        ),
        record_key="project",
    )


def station_candidates(round_: NominationRound, rules: dict) -> list[Candidate]:
    """Open stations of the region by activities held there in the year and person-times."""
    start, end, since, until = year_bounds(round_.year)
    path = round_.region.path
    return _activity_candidates(
        rules,
        activities=Activity.objects.filter(
            scopes.within("station__region__path", path),
            status=Activity.Status.SCHEDULED,
            starts_at__gte=since,
            starts_at__lt=until,
            station__status=Station.Status.OPEN,
        ),
        activity_key="station",
        records=_approved_in(start, end).filter(
            scopes.within("shift__activity__station__region__path", path),
            shift__activity__station__status=Station.Status.OPEN,
        ),
        record_key="shift__activity__station",
    )


CANDIDATE_RULES = {
    AwardeeType.VOLUNTEER: volunteer_candidates,
    AwardeeType.TEAM: team_candidates,
    AwardeeType.PROJECT: project_candidates,
    AwardeeType.STATION: station_candidates,
}


def candidates(round_: NominationRound) -> list[Candidate]:
    awardee_type = round_.kind.awardee_type
    rules = clean_rules(awardee_type, round_.rules)
    return CANDIDATE_RULES[AwardeeType(awardee_type)](round_, rules)
