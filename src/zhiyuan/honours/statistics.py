"""Honours figures for the reports: awards made in a period, by level and kind, and who received them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count

from zhiyuan.accounts import scopes
from zhiyuan.honours.models import Award

if TYPE_CHECKING:
    from zhiyuan.places.models import Region


def figures(start: dt.date, end: dt.date, region: Region | None = None) -> dict:
    """Published awards dated in [start, end), within `region`'s subtree if given."""
    awards = Award.objects.filter(
        state=Award.State.PUBLISHED, awarded_on__gte=start, awarded_on__lt=end
    )
    if region is not None:
        awards = awards.filter(scopes.within("region__path", region.path))
    totals = awards.aggregate(
        awards=Count("pk"),
        awarded_volunteers=Count("volunteer", distinct=True),
        awarded_teams=Count("team", distinct=True),
        awarded_projects=Count("project", distinct=True),
        awarded_stations=Count("station", distinct=True),
    )
    by_level = dict(awards.order_by().values_list("level").annotate(n=Count("pk")))
    by_kind = dict(awards.order_by().values_list("kind__code").annotate(n=Count("pk")))
    return {
        "awards": totals["awards"],
        "awards_by_level": by_level,
        "awards_by_kind": by_kind,
        "awarded_volunteers": totals["awarded_volunteers"],
        "awarded_teams": totals["awarded_teams"],
        "awarded_projects": totals["awarded_projects"],
        "awarded_stations": totals["awarded_stations"],
    }
