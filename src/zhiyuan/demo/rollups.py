"""Demo step: build the statistics rollups once the bulk-inserted service records are in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhiyuan.reports.rollups import rebuild

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext


def add_rollups(ctx: DemoContext) -> None:
    """The demo's records come from bulk inserts, which no receiver sees: rebuild them all.
    Runs after every step that writes service records (hours, help requests)."""
    counts = rebuild()
    ctx.say(f"rollups: {counts['daily_rows']} daily rows, {counts['active_rows']} active rows")
