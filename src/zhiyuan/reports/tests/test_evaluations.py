"""Ratings and complaints as figures (evaluations.py), on the known district, for each kind of
scope, and as the dashboard, the workbook and the yearly report show them."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from zhiyuan.feedback.models import ActivityRating, Complaint, RatingTally, ServiceRating
from zhiyuan.feedback.services import tally_rating
from zhiyuan.projects.models import Activity
from zhiyuan.reports import yearly
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import compute
from zhiyuan.testing.factories import END, START, YEAR

pytestmark = pytest.mark.django_db
YEAR_QUERY = f"start={YEAR}-01-01&end={YEAR + 1}-01-01"


def _at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(YEAR, month, day, hour))


@pytest.fixture
def rated(district):
    """Three activities: two rated (at the A1 community station and the B1 base), one not.
    Three complaints: resolved in 4 days (A1), dismissed after 20 days, late (the B1 base),
    and one still open past its deadline (A1)."""
    d = district

    def activity(project, station, month):
        return Activity.objects.create(
            project=project,
            title="活动",
            station=station,
            starts_at=_at(month, 12),
            ends_at=_at(month, 12, 12),
        )

    a1 = activity(d.civility, d.st_community, 1)  # organised by det_1
    b1 = activity(d.other, d.st_base, 1)  # organised by squad_2a
    activity(d.other, None, 2)
    for volunteer, act, score, team_score in (
        (d.carol, a1, 5, 4),
        (d.frank, a1, 3, 4),
        (d.gina, b1, 2, 3),
    ):
        ActivityRating.objects.create(
            activity=act,
            volunteer=volunteer,
            team=act.project.organiser,
            score=score,
            team_score=team_score,
        )
        tally_rating(act, RatingTally.Kind.ACTIVITY, volunteer, score, team_score)
    for volunteer, act, score in ((d.carol, a1, 4), (d.gina, b1, 2)):
        ServiceRating.objects.create(
            activity=act, volunteer=volunteer, score=score, rated_by=d.alice
        )
        tally_rating(act, RatingTally.Kind.SERVICE, volunteer, score)

    def complaint(code, filed, due, *, status="received", closed=None, **subject):
        made = Complaint.objects.create(
            code=code,
            what="服务态度差",
            happened_on=filed.date(),
            due_on=due,
            status=status,
            closed_at=closed,
            **subject,
        )
        Complaint.objects.filter(pk=made.pk).update(filed_at=filed)

    complaint(
        "RESOLVED01",
        _at(1, 10),
        dt.date(YEAR, 1, 25),
        status="resolved",
        closed=_at(1, 14),
        subject_type="team",
        team=d.squad_1a,
        region=d.a1,
    )
    complaint(
        "DISMISSED1",
        _at(2, 1),
        dt.date(YEAR, 2, 16),
        status="dismissed",
        closed=_at(2, 21),
        subject_type="station",
        station=d.st_base,
        region=d.b1,
    )
    complaint(
        "OPENLATE01",
        _at(3, 1),
        dt.date(YEAR, 3, 16),
        subject_type="team",
        team=d.squad_1a,
        region=d.a1,
    )
    return d


def test_district_ratings_averages_and_shares(rated):
    f = compute(Scope.of(rated.district), START, END)
    assert f["ratings_activity"] == 3
    assert f["ratings_activity_score"] == 3.33 and f["ratings_team_score"] == 3.67
    assert f["activities_rated"] == 2 and f["activities_rated_percent"] == 66.7
    assert f["ratings_service"] == 2 and f["ratings_service_score"] == 3.0
    assert f["services_rated_percent"] == 50.0  # of 4 approved records in the year
    by_project = [(r["name"], r["score"], r["ratings"]) for r in f["ratings_by_project"]]
    assert by_project == [("文明礼让日", 4.0, 2), ("爱心助空巢", 2.0, 1)]
    assert [(r["id"], r["score"]) for r in f["ratings_by_team"]] == [
        (rated.det_1.pk, 4.0),
        (rated.squad_2a.pk, 3.0),
    ]
    assert [(r["id"], r["score"]) for r in f["ratings_by_station"]] == [
        (rated.st_community.pk, 4.0),
        (rated.st_base.pk, 2.0),
    ]


def test_district_complaints_filed_closed_and_handling_times(rated):
    f = compute(Scope.of(rated.district), START, END)
    assert f["complaints_filed"] == 3
    assert (f["complaints_resolved"], f["complaints_dismissed"]) == (1, 1)
    assert f["complaint_days_median"] == 12.0  # 4 and 20 days
    assert f["complaints_closed_late"] == 1 and f["complaints_overdue"] == 1


def test_each_scope_keeps_its_own_ratings_and_complaints(rated):
    sub_a = compute(Scope.of(rated.sub_a), START, END)
    assert sub_a["ratings_activity"] == 2 and sub_a["complaints_filed"] == 2
    squad = compute(Scope.of(rated.squad_1a), START, END)
    assert squad["ratings_activity"] == 0 and squad["ratings_activity_score"] is None
    assert (squad["complaints_filed"], squad["complaints_resolved"]) == (2, 1)
    base = compute(Scope.of(rated.st_base), START, END)
    assert base["ratings_activity_score"] == 2.0 and base["ratings_service"] == 1
    assert (base["complaints_filed"], base["complaints_dismissed"]) == (1, 1)
    assert base["complaints_closed_late"] == 1 and base["complaints_overdue"] == 0
    march = compute(Scope.of(rated.district), dt.date(YEAR, 3, 1), dt.date(YEAR, 4, 1))
    assert march["ratings_activity"] == 0 and march["complaints_filed"] == 1


def test_dashboard_workbook_and_report_show_the_same_figures(rated, client_for):
    alice = client_for(rated.alice)
    page = alice.get(f"/reports/?{YEAR_QUERY}").content.decode()
    assert 'id="evaluations"' in page and 'data-figure="complaint_days_median">12<' in page
    assert "文明礼让日" in page.split('id="ratings_by_project"')[1]

    book = load_workbook(io.BytesIO(alice.get(f"/reports/statistics.xlsx?{YEAR_QUERY}").content))
    headline = {row[1]: row[2] for row in book["主要数据"].iter_rows(values_only=True) if row[1]}
    assert headline["complaints_filed"] == 3 and headline["ratings_activity_score"] == 3.33
    rows = list(book["评价"].iter_rows(values_only=True))
    assert ("项目", "文明礼让日", 4.0, 2) in [r[:4] for r in rows]

    document = Document(io.BytesIO(yearly.build(Scope.of(rated.district), YEAR)))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "平均评分为3.3分" in text and "受理群众投诉3件" in text
    assert "投诉办理用时中位数为12天" in text and "投诉办结天数中位数" in text
