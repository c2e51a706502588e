"""Rollup tables of the service records, so that statistics over years never scan them.

Two tables, both derived from the current versions of the records and rebuilt, never edited:
- `DailyServiceRollup`: per day × recording team × project × station × place of service
  (scope.record_place) × source × state (live
  states only), the number of records, their hours and persons served. Additive, so the
  service figures of any period of whole days are sums of its rows (≈50,000 rows for a year
  of a million records).
- `ActiveMonthsRollup`: per volunteer × recording team × station × place × year, a 12-bit mask of
  the months with approved records. The distinct active volunteers of a month-aligned
  period are one count over it (≈60,000 rows a year); other periods count the records.

How they stay fresh:
- `rebuild(since=None)` (the `zhiyuan refresh_rollups [--since DATE]` command, and the
  demo's last step after its bulk inserts) deletes and re-inserts them with one
  INSERT … SELECT … GROUP BY per table, the same SQL on SQLite and PostgreSQL.
- Every save or delete of a service record (receivers connected in ReportsConfig.ready(),
  the service app knows nothing of them) writes a `RollupDirty` row (day, volunteer) in the
  same transaction and enqueues the `refresh_rollups` task, which rebuilds just those days
  and (volunteer, year) pairs. Moving an activity to another station marks its records too.
  In production the task runs on the worker after the change commits, so the figures can
  lag a change by one task run; in tests (the immediate backend) they are fresh at once.
  Bulk inserts and QuerySet.update() send no signals: whoever does them calls rebuild().
- `RollupState.built_at` says a full rebuild has run. Until then (a database upgraded with
  records in it, or flushed) statistics read the records themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, ExtractMonth, ExtractYear
from django.utils import timezone

from zhiyuan.reports.models import (
    ActiveMonthsRollup,
    DailyServiceRollup,
    RollupDirty,
    RollupState,
)
from zhiyuan.reports.scope import record_place
from zhiyuan.service.models import ServiceRecord

LIVE_RECORD_STATES = ("approved", "pending")
ALL_MONTHS = (1 << 12) - 1
CHUNK = 500  # days or volunteers per IN (…) list: well under SQLite's parameter limit
STATE_PK = 1


# --- reading ---------------------------------------------------------------------------


def is_built() -> bool:
    return RollupState.objects.filter(pk=STATE_PK, built_at__isnull=False).exists()


def last_refresh():
    """When the rollups were last rebuilt or refreshed (None before the first time)."""
    return RollupState.objects.filter(pk=STATE_PK).values_list("refreshed_at", flat=True).first()


def is_month_aligned(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and end.day == 1


def month_masks(start: dt.date, end: dt.date) -> dict[int, int]:
    """{year: bit mask of the months of [start, end) in that year} for a month-aligned period."""
    masks: dict[int, int] = defaultdict(int)
    day = start
    while day < end:
        masks[day.year] |= 1 << (day.month - 1)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return dict(masks)


def _scoped(model, scope) -> QuerySet:
    """The rows of the scope: by place of service for a region (scope.record_place), by
    recording team for a team, by station for a station."""
    return model.objects.filter(
        scope.q(region="region__path", team="team__path", station="station")
    )


def daily(scope, start: dt.date, end: dt.date) -> QuerySet:
    """The scope's daily rollup rows of [start, end)."""
    return _scoped(DailyServiceRollup, scope).filter(day__gte=start, day__lt=end)


def active_volunteers(scope, start: dt.date, end: dt.date) -> int:
    """Distinct volunteers with approved records in the scope in a month-aligned period."""
    return active_volunteer_ids(scope, start, end).count()


def active_volunteer_ids(scope, start: dt.date, end: dt.date) -> QuerySet:
    """The ids (`volunteer_id`, distinct) of the volunteers with approved records in the
    scope in a month-aligned period."""
    masks = month_masks(start, end)
    rows = _scoped(ActiveMonthsRollup, scope)
    full = [year for year, mask in masks.items() if mask == ALL_MONTHS]
    partial = {year: mask for year, mask in masks.items() if mask != ALL_MONTHS}
    hit = Q(year__in=full) if full else Q(pk__in=[])
    for year, mask in partial.items():
        rows = rows.annotate(**{f"in_{year}": F("months").bitand(mask)})
        hit |= Q(year=year, **{f"in_{year}__gt": 0})
    return rows.filter(hit).values("volunteer_id").distinct()


# --- building ----------------------------------------------------------------------------


def _daily_select(records: QuerySet) -> QuerySet:
    return (
        records.filter(is_current=True, state__in=LIVE_RECORD_STATES)
        .annotate(place=record_place())
        .values(
            "served_on",
            "team_id",
            "project_id",
            "shift__activity__station_id",
            "place",
            "source",
            "state",
        )
        .annotate(n=Count("pk"), hours_sum=Sum("hours"), persons=Sum("persons_served"))
        .order_by()
    )


DAILY_COLUMNS = (
    "day",
    "team_id",
    "project_id",
    "station_id",
    "region_id",
    "source",
    "state",
    "records",
    "hours",
    "persons_served",
)


def _active_select(records: QuerySet) -> QuerySet:
    month_bit = Value(1, output_field=IntegerField()).bitleftshift(
        Cast(ExtractMonth("served_on"), IntegerField()) - 1
    )
    return (
        records.filter(is_current=True, state="approved")
        .annotate(served_year=ExtractYear("served_on"), month_bit=month_bit, place=record_place())
        .values("volunteer_id", "team_id", "shift__activity__station_id", "place", "served_year")
        # The sum of the distinct powers of two is their bitwise OR, in any SQL dialect.
        .annotate(mask=Sum("month_bit", distinct=True))
        .order_by()
    )


ACTIVE_COLUMNS = ("volunteer_id", "team_id", "station_id", "region_id", "year", "months")


def _insert_select(model, columns: tuple[str, ...], select: QuerySet) -> int:
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}", params)
        return cursor.rowcount


def _chunks(items: Iterable, size: int = CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _rebuild_days(days: Iterable[dt.date]) -> None:
    for chunk in _chunks(sorted(set(days))):
        DailyServiceRollup.objects.filter(day__in=chunk).delete()
        _insert_select(
            DailyServiceRollup,
            DAILY_COLUMNS,
            _daily_select(ServiceRecord.objects.filter(served_on__in=chunk)),
        )


def _rebuild_volunteer_years(pairs: Iterable[tuple[int, int]]) -> None:
    by_year: dict[int, set[int]] = defaultdict(set)
    for volunteer_id, year in pairs:
        by_year[year].add(volunteer_id)
    for year, volunteers in sorted(by_year.items()):
        for chunk in _chunks(sorted(volunteers)):
            ActiveMonthsRollup.objects.filter(year=year, volunteer_id__in=chunk).delete()
            records = ServiceRecord.objects.filter(
                volunteer_id__in=chunk,
                served_on__gte=dt.date(year, 1, 1),
                served_on__lt=dt.date(year + 1, 1, 1),
            )
            _insert_select(ActiveMonthsRollup, ACTIVE_COLUMNS, _active_select(records))


def _locked_state() -> RollupState:
    """The state row, locked: refreshes run one at a time (concurrent DELETE + INSERT of the
    same days would otherwise leave their rows twice)."""
    state = RollupState.objects.select_for_update().filter(pk=STATE_PK).first()
    if state is None:
        state, _created = RollupState.objects.get_or_create(pk=STATE_PK)
        state = RollupState.objects.select_for_update().get(pk=STATE_PK)
    return state


def rebuild(since: dt.date | None = None) -> dict:
    """Rebuild the rollups from the records: all of them, or the days from `since` on (and
    the active months from the start of its year). Returns the row counts written."""
    with transaction.atomic():
        state = _locked_state()
        with _whole_table_settings():
            counts = _rebuild(since)
        now = timezone.now()
        state.refreshed_at = now
        if since is None:
            state.built_at = now
        state.save(update_fields=["built_at", "refreshed_at"])
    return counts


# The planner expects as many groups as records and walks the volunteer index to group them:
# a sequential scan and hashing in memory is faster for a whole table (PostgreSQL, 1M records:
# the active months 6.2 s → 4.2 s under the same load). Set for the rebuild only.
_PG_SETTINGS = {"work_mem": "64MB", "enable_indexscan": "off", "enable_bitmapscan": "off"}


@contextmanager
def _whole_table_settings():
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in _PG_SETTINGS.items():
            cursor.execute(
                "SELECT current_setting(%s), set_config(%s, %s, true)", [name] * 2 + [value]
            )
            before[name] = cursor.fetchone()[0]
    yield  # on an error the transaction's rollback undoes the settings
    with connection.cursor() as cursor:
        for name, value in before.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _rebuild(since: dt.date | None) -> dict:
    changes = RollupDirty.objects.all()
    if since is not None:
        changes = changes.filter(day__gte=since)
    covered = list(changes.values_list("pk", flat=True))
    daily_rows = DailyServiceRollup.objects.all()
    active_rows = ActiveMonthsRollup.objects.all()
    records = ServiceRecord.objects.all()
    if since is not None:
        daily_rows = daily_rows.filter(day__gte=since)
        active_rows = active_rows.filter(year__gte=since.year)
    daily_rows.delete()
    active_rows.delete()
    daily_count = _insert_select(
        DailyServiceRollup,
        DAILY_COLUMNS,
        _daily_select(records if since is None else records.filter(served_on__gte=since)),
    )
    active_count = _insert_select(
        ActiveMonthsRollup,
        ACTIVE_COLUMNS,
        _active_select(
            records if since is None else records.filter(served_on__gte=dt.date(since.year, 1, 1))
        ),
    )
    for chunk in _chunks(covered):
        RollupDirty.objects.filter(pk__in=chunk).delete()
    with connection.cursor() as cursor:
        # Fresh planner statistics: a freshly filled table otherwise looks empty to it
        # (measured on PostgreSQL: a year's sum 200 ms by index before, 84 ms after).
        for model in (DailyServiceRollup, ActiveMonthsRollup):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return {"daily_rows": daily_count, "active_rows": active_count}


def refresh_changed() -> int:
    """Rebuild the days and (volunteer, year) pairs whose records changed; how many changes."""
    with transaction.atomic():
        state = _locked_state()
        changes = list(RollupDirty.objects.values_list("pk", "day", "volunteer_id"))
        if not changes:
            return 0
        _rebuild_days(day for _pk, day, _v in changes)
        _rebuild_volunteer_years((volunteer, day.year) for _pk, day, volunteer in changes)
        for chunk in _chunks(pk for pk, _d, _v in changes):
            RollupDirty.objects.filter(pk__in=chunk).delete()
        state.refreshed_at = timezone.now()
        state.save(update_fields=["refreshed_at"])
    return len(changes)


# --- change tracking ---------------------------------------------------------------------


def mark_changed(changes: Iterable[tuple[dt.date, int]]) -> None:
    """Note the (day, volunteer) pairs whose records changed and enqueue a refresh."""
    from zhiyuan.reports.tasks import refresh_rollups

    rows = [RollupDirty(day=day, volunteer_id=volunteer) for day, volunteer in set(changes)]
    if rows:
        RollupDirty.objects.bulk_create(rows)
        refresh_rollups.enqueue()


_MOVING_FIELDS = {"served_on", "volunteer", "volunteer_id"}


def record_saving(sender, instance, update_fields=None, **kwargs) -> None:
    """A record's day or volunteer changing in place (never done by the service app, but
    possible from the admin or a shell): its old day and volunteer need rebuilding too."""
    if instance.pk is None or (update_fields is not None and not _MOVING_FIELDS & update_fields):
        return
    old = (
        ServiceRecord.objects.filter(pk=instance.pk)
        .values_list("served_on", "volunteer_id")
        .first()
    )
    if old is not None and old != (instance.served_on, instance.volunteer_id):
        instance._rollup_was = old


def record_changed(sender, instance, **kwargs) -> None:
    changes = [(instance.served_on, instance.volunteer_id)]
    if getattr(instance, "_rollup_was", None):
        changes.append(instance._rollup_was)
        instance._rollup_was = None
    mark_changed(changes)


def activity_saving(sender, instance, update_fields=None, **kwargs) -> None:
    """An activity moved to another station: its records' station in the rollups changes."""
    if instance.pk is None or (update_fields is not None and "station" not in update_fields):
        return
    old = type(instance).objects.filter(pk=instance.pk).values_list("station_id").first()
    instance._rollup_station_moved = old is not None and old[0] != instance.station_id


def activity_saved(sender, instance, created=False, **kwargs) -> None:
    if not getattr(instance, "_rollup_station_moved", False):
        return
    instance._rollup_station_moved = False
    mark_changed(
        ServiceRecord.objects.filter(shift__activity=instance)
        .values_list("served_on", "volunteer_id")
        .distinct()
    )


def connect() -> None:
    """Called from ReportsConfig.ready()."""
    from django.db.models.signals import post_delete, post_save, pre_save

    from zhiyuan.projects.models import Activity

    pre_save.connect(record_saving, sender=ServiceRecord, dispatch_uid="rollups_record_saving")
    post_save.connect(record_changed, sender=ServiceRecord, dispatch_uid="rollups_record_saved")
    post_delete.connect(record_changed, sender=ServiceRecord, dispatch_uid="rollups_record_deleted")
    pre_save.connect(activity_saving, sender=Activity, dispatch_uid="rollups_activity_saving")
    post_save.connect(activity_saved, sender=Activity, dispatch_uid="rollups_activity_saved")
