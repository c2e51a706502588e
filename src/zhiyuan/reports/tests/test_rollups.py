"""The rollup tables give exactly the figures the records give: after a bulk load and a full
rebuild, and after approvals, corrections and rejections refreshed one change at a time."""

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from zhiyuan.projects.models import Activity, Shift
from zhiyuan.reports import rollups
from zhiyuan.reports.models import ActiveMonthsRollup, DailyServiceRollup, RollupDirty, RollupState
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import compute
from zhiyuan.service.models import ServiceRecord
from zhiyuan.service.services import correct_record, decide_records
from zhiyuan.testing.factories import END, START, YEAR

PERIODS = [
    (START, END),  # the calendar year: month-aligned
    (dt.date(YEAR - 1, 11, 1), dt.date(YEAR + 1, 3, 1)),  # across three years, month-aligned
    (dt.date(YEAR, 2, 1), dt.date(YEAR, 3, 1)),  # one month
    (dt.date(YEAR, 1, 12), dt.date(YEAR, 3, 13)),  # whole days, not months
    (dt.date(YEAR, 2, 12), dt.date(YEAR, 2, 13)),  # one 文明礼让日
]


def _scopes(d):
    return [
        Scope.of(d.district),
        Scope.of(d.sub_a),
        Scope.of(d.sub_b),
        Scope.of(d.det_1),
        Scope.of(d.squad_2a),
        Scope.of(d.st_community),
        Scope.of(d.st_park),
    ]


def assert_same_figures(d):
    for scope in _scopes(d):
        for start, end in PERIODS:
            rolled = compute(scope, start, end, use_snapshot=False)
            raw = compute(scope, start, end, use_snapshot=False, use_rollups=False)
            assert rolled.data == raw.data, (scope.key, start, end)


def rollup_rows():
    daily = sorted(
        DailyServiceRollup.objects.values_list(
            "day",
            "team_id",
            "project_id",
            "station_id",
            "source",
            "state",
            "records",
            "hours",
            "persons_served",
        ),
        key=str,
    )
    active = sorted(
        ActiveMonthsRollup.objects.values_list(
            "volunteer_id", "team_id", "station_id", "year", "months"
        ),
        key=str,
    )
    return daily, active


@pytest.fixture
def dataset(district):
    """About 400 random records over two and a half years, bulk-inserted as the demo does,
    some through shifts at two stations; then one full rebuild."""
    d = district
    rng = random.Random(20260112)
    tz = timezone.get_current_timezone()
    shifts = []
    for station in (d.st_community, d.st_park):
        for month in (1, 2, 6):
            starts = dt.datetime(YEAR, month, 12, 9, tzinfo=tz)
            activity = Activity.objects.create(
                project=d.civility,
                title="文明引导",
                station=station,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=4),
            )
            shifts.append(
                Shift.objects.create(
                    activity=activity,
                    role="引导员",
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=4),
                    capacity=50,
                )
            )
    volunteers = [d.carol, d.frank, d.gina, d.dave, d.jun, d.ivan]
    teams = [d.squad_1a, d.squad_1b, d.squad_2a, d.det_1, d.det_2, d.group_1a]
    projects = [d.civility, d.other, None]
    first = dt.date(YEAR - 1, 10, 1)
    rows, taken = [], set()
    for _ in range(400):
        volunteer = rng.choice(volunteers)
        shift = rng.choice(shifts) if rng.random() < 0.2 else None
        if shift is not None:
            if (volunteer.pk, shift.pk) in taken:
                shift = None
            else:
                taken.add((volunteer.pk, shift.pk))
        day = (
            timezone.localtime(shift.starts_at).date()
            if shift
            else (
                dt.date(YEAR, rng.randint(1, 12), 12)
                if rng.random() < 0.25
                else first + dt.timedelta(days=rng.randrange(900))
            )
        )
        rows.append(
            ServiceRecord(
                volunteer=volunteer,
                shift=shift,
                project=shift.activity.project if shift else rng.choice(projects),
                team=shift.activity.project.organiser if shift else rng.choice(teams),
                served_on=day,
                hours=Decimal(rng.randint(1, 16)) / 4,
                persons_served=rng.randint(0, 20),
                content="服务",
                source=rng.choice(["measured", "entered"]),
                state=rng.choice(["approved", "approved", "pending", "rejected"]),
                is_current=rng.random() < 0.95,
                recorded_by=d.alice,
            )
        )
    ServiceRecord.objects.bulk_create(rows)
    rollups.rebuild()
    d.rng = rng
    return d


def test_the_figures_in_the_hand_counted_tests_come_from_the_rollups(district):
    assert rollups.is_built()
    ServiceRecord.objects.filter(served_on__month=1).update(hours=1)  # no signal: unseen
    rolled = compute(Scope.of(district.district), START, END)
    raw = compute(Scope.of(district.district), START, END, use_rollups=False)
    assert rolled["hours_approved"] == 10.5  # the hand count of the known district
    assert raw["hours_approved"] == 6.0  # carol's 3 h in February + three January records at 1 h
    rollups.rebuild()
    assert compute(Scope.of(district.district), START, END)["hours_approved"] == 6.0


def test_active_volunteers_of_a_period_of_whole_days_come_from_the_rollups(district):
    """A period not in whole months (ending on the 31st, as people type it) reads the whole
    months from the rollup and only the days at its ends from the records."""
    period = (dt.date(YEAR, 1, 13), dt.date(YEAR, 12, 31))  # carol in February only
    before = compute(Scope.of(district.district), *period)["volunteers_active"]
    # carol's February record rejected without a signal: unseen by the rollups
    hidden = ServiceRecord.objects.filter(volunteer=district.carol, served_on__month=2)
    assert hidden.filter(state="approved").update(state="rejected") == 1
    rolled = compute(Scope.of(district.district), *period, use_snapshot=False)
    raw = compute(Scope.of(district.district), *period, use_rollups=False)
    assert rolled["volunteers_active"] == before
    assert raw["volunteers_active"] == before - 1


def test_rollups_and_records_agree_on_a_random_dataset(dataset):
    assert DailyServiceRollup.objects.count() > 100
    assert ActiveMonthsRollup.objects.filter(station__isnull=False).exists()
    assert_same_figures(dataset)


def test_approval_correction_and_rejection_refresh_the_rollups_at_once(dataset):
    d, rng = dataset, dataset.rng
    before = compute(Scope.of(d.district), START, END)
    pending = list(
        ServiceRecord.objects.filter(
            is_current=True, state="pending", served_on__gte=START, served_on__lt=END
        ).order_by("pk")
    )
    rng.shuffle(pending)
    approve, reject = pending[:6], pending[6:10]
    decide_records(actor=d.alice, records=approve, approve=True)
    decide_records(actor=d.alice, records=reject, approve=False, reason="不在岗")
    approved = list(
        ServiceRecord.objects.filter(
            is_current=True, state="approved", served_on__gte=START, served_on__lt=END
        ).order_by("pk")
    )
    for record in rng.sample(approved, 6):
        limit = (
            (record.shift.ends_at - record.shift.starts_at).seconds // 3600 if record.shift else 8
        )
        correct_record(
            actor=d.alice,
            record=record,
            hours=Decimal(rng.randint(1, 4 * limit)) / 4,
            persons_served=rng.randint(0, 30),
            reason="补正时长",
        )
    assert not RollupDirty.objects.exists()  # every change refreshed by the (immediate) task
    after = compute(Scope.of(d.district), START, END)
    assert after["records_pending"] == before["records_pending"] - 10
    assert after["hours_approved"] != before["hours_approved"]
    assert_same_figures(d)
    incremental = rollup_rows()
    rollups.rebuild()
    assert rollup_rows() == incremental  # a change refreshed alone = the full rebuild


def test_the_first_approval_of_a_volunteer_in_a_month_makes_them_active(district):
    d = district
    feb = (dt.date(YEAR, 2, 1), dt.date(YEAR, 3, 1))
    scope = Scope.of(d.squad_2a)
    assert compute(scope, *feb)["volunteers_active"] == 0
    dave_pending = ServiceRecord.objects.get(volunteer=d.dave, state="pending")
    decide_records(actor=d.alice, records=[dave_pending], approve=True)
    assert compute(scope, *feb)["volunteers_active"] == 1
    assert compute(scope, *feb)["hours_approved"] == 2.0
    rejected = ServiceRecord.objects.get(volunteer=d.carol, state="rejected")
    rejected.delete()  # not done by the app, but a delete is seen as well
    dave_pending.refresh_from_db()
    correct_record(actor=d.alice, record=dave_pending, hours="0.5", reason="记错了")
    assert compute(scope, *feb)["hours_approved"] == 0.5
    assert_same_figures(d)


def test_moving_an_activity_to_another_station_moves_its_records(dataset):
    d = dataset
    activity = (
        Activity.objects.filter(
            station=d.st_community,
            shifts__service_records__is_current=True,
            shifts__service_records__state="approved",
        )
        .distinct()
        .first()
    )
    year = (START, END)
    park_before = compute(Scope.of(d.st_park), *year)["person_times"]
    activity.station = d.st_park
    activity.save()
    assert compute(Scope.of(d.st_park), *year)["person_times"] > park_before
    assert_same_figures(d)


def test_until_built_the_records_are_read(district):
    RollupState.objects.update(built_at=None)
    DailyServiceRollup.objects.all().delete()
    ActiveMonthsRollup.objects.all().delete()
    year = compute(Scope.of(district.district), START, END)
    assert year["hours_approved"] == 10.5 and year["volunteers_active"] == 3
    call_command("refresh_rollups")
    assert rollups.is_built()
    assert DailyServiceRollup.objects.filter(day__year=YEAR).exists()
    assert compute(Scope.of(district.district), START, END).data == year.data


def test_refresh_since_a_day_rebuilds_only_from_there(district):
    ServiceRecord.objects.filter(served_on__lt=START).update(hours=8)
    ServiceRecord.objects.filter(served_on__month=2).update(hours=1)
    call_command("refresh_rollups", since=str(START))
    last_dec = (dt.date(YEAR - 1, 12, 1), START)
    assert compute(Scope.of(district.district), *last_dec)["hours_approved"] == 2.0  # as built
    assert_same_figures_for_year(district)
    with pytest.raises(CommandError):
        call_command("refresh_rollups", since="2026-13-01")


def assert_same_figures_for_year(d):
    scope = Scope.of(d.district)
    rolled = compute(scope, START, END, use_snapshot=False)
    assert rolled.data == compute(scope, START, END, use_snapshot=False, use_rollups=False).data


def test_month_masks():
    assert rollups.month_masks(dt.date(2025, 11, 1), dt.date(2026, 3, 1)) == {
        2025: 0b110000000000,
        2026: 0b11,
    }
    assert rollups.month_masks(START, END) == {YEAR: rollups.ALL_MONTHS}
