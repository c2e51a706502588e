"""The honour roll, the panels on other apps' pages, the round pages, latest awards and statistics."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from zhiyuan.honours import selectors, services, statistics
from zhiyuan.honours.models import Award, Nomination


def give(c, kind, awardee, level, year, on, **extra):
    return services.create_award(
        actor=c.alice,
        kind=c.kinds[kind],
        awardee=awardee,
        level=level,
        year=year,
        awarding_body="市文明委",
        awarded_on=on,
        **extra,
    )


@pytest.fixture
def awarded(honours):
    c = honours
    y = c.year
    c.a_carol = give(c, "outstanding_volunteer", c.carol, "city", y, dt.date(y, 12, 1))
    c.a_team = give(c, "outstanding_team", c.squad_1a, "district", y, dt.date(y, 12, 2))
    c.a_project = give(
        c, "outstanding_project", c.project, "national", y, dt.date(y, 4, 1), rank="三等奖"
    )
    c.a_station = give(c, "service_base", c.station, "city", y - 1, dt.date(y - 1, 5, 1))
    c.a_gina = give(c, "outstanding_volunteer", c.gina, "district", y - 1, dt.date(y - 1, 6, 1))
    return c


def roll_ids(client, **params):
    response = client.get(reverse("honours:roll"), params)
    assert response.status_code == 200
    return [a.pk for a in response.context["page"].object_list]


def test_roll_filters_by_year_kind_level_and_name(awarded, client):
    c = awarded
    assert len(roll_ids(client)) == 5
    assert set(roll_ids(client, year=c.year - 1)) == {c.a_station.pk, c.a_gina.pk}
    assert roll_ids(client, kind="outstanding_volunteer", year=c.year) == [c.a_carol.pk]
    assert roll_ids(client, level="national") == [c.a_project.pk]
    assert roll_ids(client, q="南营") == []
    assert roll_ids(client, q="新兴") == [c.a_team.pk, c.a_station.pk]


def test_withdrawn_awards_are_not_on_the_roll_or_the_home_page(awarded, client):
    c = awarded
    services.withdraw_award(actor=c.alice, award=c.a_carol, reason="错误")
    assert c.a_carol.pk not in roll_ids(client)
    assert c.a_carol.pk not in [a.pk for a in selectors.latest_awards()]


def test_latest_awards_are_newest_first_with_awardees_loaded(awarded, django_assert_num_queries):
    c = awarded
    with django_assert_num_queries(1):
        latest = selectors.latest_awards(limit=3)
        names = [a.awardee_name for a in latest]
    assert [a.pk for a in latest] == [c.a_team.pk, c.a_carol.pk, c.a_project.pk]
    assert names == ["新兴社区分队", "张卡洛", "文明礼让日"]


def test_team_project_station_and_volunteer_pages_show_their_honours(awarded, client_for):
    c = awarded
    anonymous = client_for(None)
    for url, award in [
        (reverse("teams:detail", args=[c.squad_1a.pk]), c.a_team),
        (reverse("projects:detail", args=[c.project.pk]), c.a_project),
        (reverse("stations:detail", args=[c.station.pk]), c.a_station),
    ]:
        html = anonymous.get(url).content.decode()
        assert 'id="honours"' in html and f'data-award="{award.pk}"' in html
    mine = client_for(c.carol_user).get(reverse("volunteers:me")).content.decode()
    assert f'data-award="{c.a_carol.pk}"' in mine
    unhonoured = anonymous.get(reverse("teams:detail", args=[c.det_2.pk])).content.decode()
    assert 'id="honours"' not in unhonoured


def test_statistics_count_awards_in_the_period_and_region(awarded):
    c = awarded
    year = statistics.figures(dt.date(c.year, 1, 1), dt.date(c.year + 1, 1, 1))
    assert year == {
        "awards": 3,
        "awards_by_level": {"city": 1, "district": 1, "national": 1},
        "awards_by_kind": {
            "outstanding_volunteer": 1,
            "outstanding_team": 1,
            "outstanding_project": 1,
        },
        "awarded_volunteers": 1,
        "awarded_teams": 1,
        "awarded_projects": 1,
        "awarded_stations": 0,
    }
    sub_b = statistics.figures(dt.date(c.year - 1, 1, 1), dt.date(c.year + 1, 1, 1), c.sub_b)
    assert (sub_b["awards"], sub_b["awarded_volunteers"]) == (1, 1)
    # The end is exclusive.
    assert statistics.figures(dt.date(c.year, 1, 1), dt.date(c.year, 4, 1))["awards"] == 0


def test_office_admin_enters_an_award_on_the_page_and_errors_are_shown(honours, client_for):
    c = honours
    client = client_for(c.alice)
    data = {
        "kind": c.kinds["outstanding_volunteer"].pk,
        "awardee": "V000NOPE",
        "level": "city",
        "year": c.year,
        "awarding_body": "市文明委",
        "awarded_on": dt.date(c.year, 12, 1).isoformat(),
    }
    response = client.post(reverse("honours:award_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["awardee"]
    assert not Award.objects.exists()
    response = client.post(
        reverse("honours:award_create"), {**data, "awardee": c.carol.volunteer_no}
    )
    assert response.status_code == 302 and Award.objects.get().volunteer == c.carol
    assert client_for(c.carol_user).get(reverse("honours:award_create")).status_code == 403


def test_a_round_run_through_the_pages(honours, client_for):
    c = honours
    alice = client_for(c.alice)
    response = alice.post(
        reverse("honours:round_create"),
        {
            "kind": c.kinds["outstanding_volunteer"].pk,
            "year": c.year,
            "level": "district",
            "awarding_body": "区文明委",
            "deadline": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "rule_min_hours": "20",
        },
    )
    assert response.status_code == 302
    round_url = response["Location"]
    round_id = int(round_url.rstrip("/").split("/")[-1])
    alice.post(reverse("honours:round_propose", args=[round_id]))
    carol = client_for(c.carol_user)
    page = carol.get(round_url)
    assert page.status_code == 200 and page.context["may_nominate"]
    # carol's squad nominates carol herself? already shortlisted: a clear form error.
    dup = carol.post(
        reverse("honours:round_nominate", args=[round_id]),
        {"awardee": c.carol.volunteer_no, "reason": "x", "team": c.squad_1a.pk},
    )
    assert dup.status_code == 200 and dup.context["form"].errors["awardee"]
    frank = client_for(c.frank.user)
    frank.post(
        reverse("honours:round_nominate", args=[round_id]),
        {"awardee": c.frank.volunteer_no, "reason": "支队骨干", "team": c.det_1.pk},
    )
    pending = Nomination.objects.get(state="pending")
    alice.post(reverse("honours:decide", args=[pending.pk]), {"action": "approve"})
    response = alice.post(reverse("honours:round_finalise", args=[round_id]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("honours:roll"))
    assert set(Award.objects.values_list("volunteer_id", flat=True)) == {c.carol.pk, c.frank.pk}
    assert client_for(c.erin).get(round_url).status_code == 404
