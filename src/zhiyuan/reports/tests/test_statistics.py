"""Each figure on the known district (the `district` fixture) against hand counts."""

import pytest

from zhiyuan.reports import providers
from zhiyuan.reports.scope import Scope
from zhiyuan.reports.statistics import compute
from zhiyuan.service.models import ServiceRecord
from zhiyuan.testing.factories import END, START


@pytest.fixture
def year(district):
    return compute(Scope.of(district.district), START, END)


def test_volunteers_total_new_active_and_distributions(year):
    assert year["volunteers_total"] == 6  # henry is pending
    assert year["volunteers_new"] == 6
    assert year["volunteers_active"] == 3  # carol, frank, gina have approved records
    assert year["volunteers_by_age_band"] == {"under_18": 0, "18_35": 1, "36_59": 4, "60_plus": 1}
    assert year["volunteers_by_political_status"] == {"cpc_member": 1, "cyl_member": 1, "masses": 4}
    assert year["volunteers_by_skill"] == {"first_aid": 1, "guide": 1}
    assert sum(year["volunteers_by_gender"].values()) == 6


def test_coverage_one_in_every_n_residents(year):
    assert year["population"] == 15000
    assert year["one_in_every"] == 2500
    subs = {
        s["name"]: (s["population"], s["volunteers"], s["one_in_every"])
        for s in year["coverage_by_subdistrict"]
    }
    assert subs == {"新兴街道": (10000, 4, 2500), "南营门街道": (5000, 2, 2500)}
    communities = {c["name"]: c["volunteers"] for c in year["coverage_by_community"]}
    assert communities == {"新兴社区": 2, "朝阳社区": 2, "南营门社区": 2}


def test_teams_by_level_and_kind(year):
    assert year["teams_total"] == 7
    assert year["teams_by_level"] == {"corps": 1, "detachment": 2, "group": 1, "squad": 3}
    assert year["teams_by_kind"] == {"community": 7}


def test_stations_points_bases_and_audit_state(year):
    assert year["stations_total"] == 3  # the closed point is left out
    assert year["stations_by_kind"] == {"base": 1, "community": 1, "public_place": 1}
    assert year["stations_by_audit_state"] == {"compliant": 1, "short": 1, "unaudited": 1}
    assert year["bases"] == 1 and year["bases_by_level"] == {"city": 1}
    assert year["public_places"] == 1
    assert year["communities_with_station"] == 1


def test_projects_brand_and_categories(year):
    assert year["projects_total"] == 2  # the draft is not counted
    assert year["brand_projects"] == 1
    assert year["brand_project_names"] == ["文明礼让日"]
    assert year["projects_by_category"]["civility_guidance"] == 1


def test_hours_measured_versus_entered_only_current_approved(year):
    assert year["hours_approved"] == 10.5
    assert year["hours_measured"] == 7.5
    assert year["hours_entered"] == 3.0
    assert year["hours_pending"] == 2.0
    assert year["records_pending"] == 1
    assert year["hours_by_month"]["2026-01"] == 7.5
    assert year["hours_by_month"]["2026-02"] == 3.0
    assert year["hours_by_month"]["2026-03"] == 0  # the rejected record
    assert len(year["hours_by_month"]) == 12


def test_person_times_and_persons_served(year):
    assert year["person_times"] == 4
    assert year["persons_served"] == 22
    assert year["person_times_by_month"]["2026-01"] == 3
    assert year["persons_served_by_month"]["2026-02"] == 5


def test_civility_day_counts_the_12th_of_the_civility_project_only(year):
    assert year["civility_person_times"] == 2
    assert year["civility_persons_served"] == 15  # gina's 12 January is another project
    assert year["civility_persons_served_by_month"]["2026-01"] == 10
    assert year["civility_persons_served_by_month"]["2026-02"] == 5
    assert year["civility_person_times_by_month"]["2026-12"] == 0


def test_star_distribution(year):
    assert year["star_distribution"] == {"0": 1, "1": 1, "2": 1, "3": 0, "4": 0, "5": 0}
    assert year["starred_volunteers"] == 2


def test_top_projects_and_teams(year):
    assert [(p["name"], p["hours"]) for p in year["top_projects"]] == [
        ("爱心助空巢", 5.5),
        ("文明礼让日", 5.0),
    ]
    assert year["top_teams"][0]["hours"] == 5.0
    assert {t["name"] for t in year["top_teams"]} == {
        "新兴社区分队",
        "南营门社区分队",
        "文明办支队",
    }


def test_subdistrict_scope_keeps_only_its_subtree(district):
    sub = compute(Scope.of(district.sub_a), START, END)
    assert sub["volunteers_total"] == 4
    assert sub["population"] == 10000
    # Where it was served: squad_1a's 5 h and frank's 1.5 h for the district team det_1
    # (no station, so his home community A1 is the place).
    assert sub["hours_approved"] == 6.5
    assert sub["teams_total"] == 3
    assert sub["stations_total"] == 2
    assert sub["star_distribution"]["2"] == 0  # gina lives in B1


def test_team_scope_is_the_team_and_its_subteams(district):
    det = compute(Scope.of(district.det_1), START, END)
    assert det["hours_approved"] == 6.5
    assert det["volunteers_active"] == 2
    assert det["teams_total"] == 4
    assert det["volunteers_total"] == 2  # frank (det_1) and carol (squad_1a)
    assert det["stations_total"] == 1
    assert det["projects_total"] == 2  # its civility project, and 爱心助空巢 it recorded hours for
    assert det["one_in_every"] is None


def test_station_scope(district):
    f = compute(Scope.of(district.st_community), START, END)
    assert f["stations_total"] == 1
    assert f["hours_approved"] == 0  # no shifts held there in this dataset


def test_a_shorter_period_counts_only_its_days(district):
    january = compute(Scope.of(district.district), START, START.replace(month=2))
    assert january["hours_approved"] == 7.5
    assert list(january["hours_by_month"]) == ["2026-01"]


def test_provider_figures_are_merged_with_their_app_prefix(district):
    calls = []

    def fake(start, end, region=None):
        calls.append((start, end, region))
        return {"articles_published": 7, "articles_by_column": {"news": 7}}

    providers.register_provider("news", fake)
    try:
        f = compute(Scope.of(district.sub_a), START, END)
    finally:
        providers.unregister_provider("news")
    assert f["news_articles_published"] == 7
    assert f["news_articles_by_column"] == {"news": 7}
    assert calls == [(START, END, district.sub_a)]


def test_team_scope_does_not_ask_region_providers(district):
    def fail(start, end, region=None):
        raise AssertionError("not for a team")

    providers.register_provider("news", fail)
    try:
        f = compute(Scope.of(district.det_1), START, END)
    finally:
        providers.unregister_provider("news")
    assert "news_articles_published" not in f.data


def test_an_empty_period_is_refused(district):
    from zhiyuan.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        compute(Scope.of(district.district), END, START)
    assert "end" in exc.value.errors


def test_the_dashboard_keeps_figures_until_the_rollups_refresh(district, settings):
    from zhiyuan.reports.statistics import cached_compute

    settings.FIGURES_CACHE_SECONDS = 300
    scope = Scope.of(district.district)
    first = cached_compute(scope, START, END)
    ServiceRecord.objects.filter(served_on__month=1).update(hours=1)  # no signal: no refresh
    assert cached_compute(scope, START, END).data == first.data
    record = ServiceRecord.objects.filter(served_on=START.replace(day=12), is_current=True).first()
    record.save()  # a change the rollups see: refreshed, the key moves on
    assert cached_compute(scope, START, END)["hours_approved"] != first["hours_approved"]
