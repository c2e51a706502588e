"""What a set of figures is about: a region subtree, a team subtree or one station."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Coalesce

from zhiyuan.accounts import scopes
from zhiyuan.places.models import Region
from zhiyuan.stations.models import Station
from zhiyuan.teams.models import Team

KINDS = ("region", "team", "station")


def record_place(prefix: str = "", field: str = "id") -> Coalesce:
    """Where a service record's service happened, for region scopes: the region of its
    activity's station, else the volunteer's home community. Every record lands in exactly
    one community or station region, so the figures of a district's subdistricts add up to
    the district's (a record made by a district-level team counts where it was served).
    `field` is "id" for the region's key or "path" for its path."""
    return Coalesce(
        f"{prefix}shift__activity__station__region__{field}",
        f"{prefix}volunteer__community__{field}",
    )


@dataclass(frozen=True)
class Scope:
    kind: str
    obj: Region | Team | Station
    _everything: list = field(default_factory=list, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.obj.pk}"

    @property
    def label(self) -> str:
        return self.obj.name

    @property
    def region(self) -> Region | None:
        return self.obj if self.kind == "region" else None

    @classmethod
    def of(cls, obj: Region | Team | Station) -> Scope:
        kind = {Region: "region", Team: "team", Station: "station"}[type(obj)]
        return cls(kind, obj)

    @property
    def is_everything(self) -> bool:
        """The platform's only district: every row is in scope, so no filter (and no join
        over a million service records) is needed."""
        if not self._everything:
            whole = (
                self.kind == "region"
                and self.obj.parent_id is None
                and not Region.objects.filter(parent__isnull=True).exclude(pk=self.obj.pk).exists()
            )
            self._everything.append(whole)
        return self._everything[0]

    def q(self, *, region: str = "", team: str = "", station: str = "") -> Q:
        """The filter keeping this scope's rows, given the lookups that lead from the queried
        model to a region path, a team path and a station id ("" = not reachable)."""
        lookup = {"region": region, "team": team, "station": station}[self.kind]
        if not lookup:
            return Q(pk__in=[])
        if self.kind == "station":
            return Q(**{lookup: self.obj.pk})
        if self.is_everything:
            return Q()
        return scopes.within(lookup, self.obj.path)
