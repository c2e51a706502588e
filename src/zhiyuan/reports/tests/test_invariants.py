"""Invariants of the figures on random data over random periods (hypothesis): the additive
figures of a region's subdistricts add up to the region's, rollups and records agree, and
every figure has a definition in the glossary."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiyuan.places.models import Region
from zhiyuan.projects.models import Activity, Shift
from zhiyuan.reports import glossary
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import compute
from zhiyuan.service.models import ServiceRecord
from zhiyuan.testing.factories import YEAR

FIRST_DAY = dt.date(YEAR - 1, 10, 1)
DAYS = 500

record = st.fixed_dictionaries(
    {
        "volunteer": st.integers(0, 5),
        "team": st.integers(0, 3),
        "station": st.integers(-1, 2),  # -1: no station (served where the volunteer lives)
        "project": st.integers(0, 1),
        "day": st.integers(0, DAYS - 1),
        "hours": st.sampled_from(["0.5", "1", "2.5", "4"]),
        "persons": st.integers(0, 12),
        "state": st.sampled_from(["approved", "approved", "pending", "rejected"]),
        "source": st.sampled_from(["measured", "entered"]),
    }
)
period = st.tuples(st.integers(0, DAYS - 1), st.integers(1, 400)).map(
    lambda p: (FIRST_DAY + dt.timedelta(days=p[0]), FIRST_DAY + dt.timedelta(days=p[0] + p[1]))
)


def _make(d, rows):
    volunteers = [d.carol, d.frank, d.jun, d.ivan, d.dave, d.gina]
    teams = [d.det_1, d.squad_1a, d.squad_2a, d.corps]
    stations = [d.st_community, d.st_park, d.st_base]
    projects = [d.civility, d.other]
    for n, row in enumerate(rows):
        day = FIRST_DAY + dt.timedelta(days=row["day"])
        shift = None
        if row["station"] >= 0:
            starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
            activity = Activity.objects.create(
                project=projects[row["project"]],
                title=f"活动{n}",
                station=stations[row["station"]],
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=4),
            )
            shift = Shift.objects.create(
                activity=activity,
                role="值守",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=4),
                capacity=5,
            )
        ServiceRecord.objects.create(
            volunteer=volunteers[row["volunteer"]],
            team=teams[row["team"]],
            project=projects[row["project"]],
            shift=shift,
            served_on=day,
            hours=Decimal(row["hours"]),
            persons_served=row["persons"],
            content="服务",
            source=row["source"],
            state=row["state"],
            recorded_by=d.alice,
        )


def _sum(values):
    first = values[0]
    if isinstance(first, dict):
        return {k: _sum([v.get(k, 0) for v in values]) for k in first}
    return round(sum(values), 2)


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(record, min_size=1, max_size=12), when=period)
def test_subdistricts_add_up_to_the_district_for_any_period(district, rows, when):
    start, end = when
    with transaction.atomic():
        _make(district, rows)
        subdistricts = list(Region.objects.filter(parent=district.district))
        assert len(subdistricts) >= 2
        for use_rollups in (True, False):
            whole = compute(Scope.of(district.district), start, end, use_rollups=use_rollups)
            parts = [
                compute(Scope.of(s), start, end, use_rollups=use_rollups) for s in subdistricts
            ]
            for key in glossary.ADDITIVE:
                if key not in whole.data:
                    continue
                assert whole[key] == _sum([p[key] for p in parts]), (key, start, end)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(record, min_size=1, max_size=10), when=period)
def test_rollups_and_records_agree_for_any_scope_and_period(district, rows, when):
    start, end = when
    with transaction.atomic():
        _make(district, rows)
        for obj in (district.sub_a, district.det_1, district.st_park):
            rolled = compute(Scope.of(obj), start, end)
            raw = compute(Scope.of(obj), start, end, use_rollups=False)
            assert rolled.data == raw.data, (obj, start, end)
        transaction.set_rollback(True)


def test_every_figure_has_one_definition(district):
    figures = compute(Scope.of(district.district), dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1))
    undefined = sorted(set(figures.data) - set(glossary.GLOSSARY))
    assert undefined == []
    for definition in glossary.GLOSSARY.values():
        assert str(definition.label) and str(definition.counts) and str(definition.scope)
