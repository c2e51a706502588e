"""What the demo steps share: the random source, the clock, the rows made so far, the output."""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from django.utils import timezone

if TYPE_CHECKING:
    from zhiyuan.accounts.models import User
    from zhiyuan.demo.teams import Corps
    from zhiyuan.places.models import Region
    from zhiyuan.teams.models import Team


@dataclass
class DemoContext:
    """Passed to every step in order; a step reads what earlier steps left and adds its own.

    Everything random comes from `rng`, so one seed gives the same district every time;
    dates are relative to `now`, so a demo made today looks current.
    """

    rng: random.Random
    stdout: TextIO
    volunteer_count: int
    batch_size: int = 5000
    now: dt.datetime = field(default_factory=timezone.now)
    started: float = field(default_factory=time.monotonic)
    district: Region | None = None
    subdistricts: list[Region] = field(default_factory=list)
    communities: list[Region] = field(default_factory=list)
    office_admin: User | None = None
    volunteer_ids: list[int] = field(default_factory=list)
    # community id → (lng, lat) inside its subdistrict's outline, for its station.
    community_points: dict[int, tuple[float, float]] = field(default_factory=dict)
    corps: Corps | None = None
    teams: list[Team] = field(default_factory=list)
    # (who, username, password) of the demo accounts, printed at the end.
    credentials: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def say(self, message: str) -> None:
        # A management command's OutputWrapper adds the newline only if it is missing.
        self.stdout.write(f"{message}\n")
        self.stdout.flush()
