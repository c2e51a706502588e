"""Queries that read evaluations and complaints, scoped by the caller."""

from __future__ import annotations

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet

from zhiyuan.accounts import scopes
from zhiyuan.feedback.models import ActivityRating, Complaint, ComplaintEvidence, ServiceRating
from zhiyuan.teams.selectors import managed_team_paths


def complaints_for(user, *, status: str = "") -> QuerySet[Complaint]:
    """Complaints the user may see: the office over their region, the team concerned, the filer."""
    if not getattr(user, "is_authenticated", False):
        return Complaint.objects.none()
    offices = scopes.within("region__path", scopes.admin_region_paths(user))
    rows = Complaint.objects.select_related("region", "team").annotate(
        has_evidence=Exists(ComplaintEvidence.objects.filter(complaint=OuterRef("pk")))
    )
    if offices:  # an empty Q is "everything" (a superuser's): OR-ing it would drop it
        rows = rows.filter(
            offices | scopes.within("team__path", managed_team_paths(user)) | Q(filed_by=user)
        )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-filed_at", "-id")


def activity_summary(activity) -> dict:
    """How the activity and its volunteers were rated: averages and counts."""
    by_volunteers = ActivityRating.objects.filter(activity=activity).aggregate(
        n=Count("pk"), score=Avg("score"), team_score=Avg("team_score")
    )
    of_service = ServiceRating.objects.filter(activity=activity).aggregate(
        n=Count("pk"), score=Avg("score")
    )
    return {"by_volunteers": by_volunteers, "of_service": of_service}


def service_scores(volunteer_ids) -> dict[int, tuple[float, int]]:
    """Each volunteer's mean service rating (1–5) and how many ratings it rests on."""
    rows = (
        ServiceRating.objects.filter(volunteer_id__in=list(volunteer_ids))
        .values("volunteer_id")
        .annotate(mean=Avg("score"), n=Count("pk"))
    )
    return {row["volunteer_id"]: (float(row["mean"]), row["n"]) for row in rows}


# Ratings count in matching only once there are a few of them.
MIN_RATINGS = 2


def reliability_factors(volunteer_ids) -> dict[int, float]:
    """How the organisers' ratings weigh a volunteer's reliability in matching: a mean of 5
    leaves it whole, a mean of 1 takes 40 % off; fewer than MIN_RATINGS count for nothing."""
    return {
        volunteer_id: 0.6 + 0.4 * (mean - 1) / 4
        for volunteer_id, (mean, n) in service_scores(volunteer_ids).items()
        if n >= MIN_RATINGS
    }
