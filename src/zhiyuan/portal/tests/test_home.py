"""The public home page: figures, news, projects recruiting, honours, help, certificates, stations."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from zhiyuan.honours.models import Award, AwardKind
from zhiyuan.news.models import Article, Column
from zhiyuan.projects.models import Activity, Category, Project, Shift
from zhiyuan.stations.models import Station


def at(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def project(c, name, *, state="published", shift_in_days=None, shift_status="open"):
    today = timezone.localdate()
    p = Project.objects.create(
        name=name,
        category=Category.objects.first(),
        organiser=c.squad_1a,
        state=state,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=100),
    )
    if shift_in_days is not None:
        activity = Activity.objects.create(
            project=p,
            title=name,
            address="新兴街1号",
            starts_at=at(shift_in_days),
            ends_at=at(shift_in_days, 11),
        )
        Shift.objects.create(
            activity=activity,
            role="义务指路",
            starts_at=at(shift_in_days),
            ends_at=at(shift_in_days, 11),
            capacity=3,
            status=shift_status,
        )
    return p


def station(c, name, lng, lat):
    return Station.objects.create(
        name=name,
        kind="community",
        region=c.a1,
        address=f"{name}地址",
        latitude=f"{lat:.6f}",
        longitude=f"{lng:.6f}",
    )


@pytest.fixture
def home(corps):  # noqa: F811 - the imported fixture
    c = corps
    column = Column.objects.get(code="lei_feng")
    for n in range(6):
        Article.objects.create(
            column=column,
            title=f"新闻{n}",
            body="<p>x</p>",
            region=c.district,
            author=c.alice,
            state="published",
            published_at=timezone.now() - dt.timedelta(hours=n),
        )
    Article.objects.create(
        column=column, title="草稿新闻", body="<p>x</p>", region=c.district, author=c.alice
    )
    for n in range(7):
        project(c, f"招募项目{n}", shift_in_days=n + 1)
    project(c, "已过期项目", shift_in_days=-2)
    project(c, "草稿项目", state="draft", shift_in_days=3)
    project(c, "岗位取消项目", shift_in_days=3, shift_status="cancelled")
    kind, _created = AwardKind.objects.get_or_create(
        name="优秀志愿者", defaults={"code": "outstanding_volunteer", "awardee_type": "volunteer"}
    )
    team_kind, _created = AwardKind.objects.get_or_create(
        name="优秀志愿服务团队", defaults={"code": "outstanding_team", "awardee_type": "team"}
    )
    for n, volunteer in enumerate([c.carol, c.frank, c.gina, c.dave]):
        Award.objects.create(
            kind=kind,
            level="district",
            year=2024,
            awarding_body="区文明办",
            awarded_on=dt.date(2024, 12, 1 + n),
            awardee_type="volunteer",
            volunteer=volunteer,
            region=c.district,
            created_by=c.alice,
        )
    for n, team in enumerate([c.squad_1a, c.squad_1b, c.squad_2a]):
        Award.objects.create(
            kind=team_kind,
            level="city",
            year=2024,
            awarding_body="市文明办",
            awarded_on=dt.date(2024, 11, 1 + n),
            awardee_type="team",
            team=team,
            region=c.district,
            created_by=c.alice,
        )
    station(c, "近站", 117.1850, 39.1200)
    station(c, "中站", 117.2000, 39.1300)
    station(c, "远站", 117.5000, 39.4000)
    return c


def test_home_shows_figures_news_projects_and_honours(home, client):
    response = client.get("/")
    assert response.status_code == 200
    ctx = response.context
    assert [a.title for a in ctx["articles"]] == ["新闻0", "新闻1", "新闻2", "新闻3"]
    assert [p.name for p in ctx["projects"]] == [f"招募项目{n}" for n in range(6)]
    assert len(ctx["awards"]) == 6
    assert ctx["counts"] == {"teams": 7, "stations": 3, "projects": 9}
    html = response.content.decode()
    for element in (
        'id="fig-volunteers"',
        'id="latest-news"',
        'id="recruiting"',
        'id="honour-roll"',
        'id="certificate-check"',
        'id="nearby"',
    ):
        assert element in html
    assert "草稿新闻" not in html and "草稿项目" not in html and "已过期项目" not in html
    assert "岗位取消项目" not in html
    assert 'action="/service/certificates/check/"' in html
    assert "portal/nearby.js" in html and "/stations/map/" in html
    assert home.carol.real_name in html


def test_home_links_the_help_request_form_when_it_exists(home, client):
    from django.urls import NoReverseMatch, reverse

    html = client.get("/").content.decode()
    try:
        help_url = reverse("helpdesk:submit")
    except NoReverseMatch:
        assert 'id="ask-for-help"' not in html
    else:
        assert f'href="{help_url}"' in html


def test_home_works_on_an_empty_database(db, client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["articles"] == [] and response.context["projects"] == []


def test_home_query_count_does_not_grow_with_the_data(home, client, django_assert_max_num_queries):
    client.get("/")  # warms the cached figures
    with django_assert_max_num_queries(3):
        client.get("/")
    cache.clear()
    with django_assert_max_num_queries(7):
        client.get("/")


def test_nearby_stations_are_sorted_by_distance(home, client):
    response = client.get(
        "/nearby-stations.json", {"lat": "39.1201", "lng": "117.1851", "limit": "2"}
    )
    assert response.status_code == 200
    stations = response.json()["stations"]
    assert [s["name"] for s in stations] == ["近站", "中站"]
    assert stations[0]["distance_m"] < 50 < stations[1]["distance_m"]
    assert stations[0]["url"] == f"/stations/{Station.objects.get(name='近站').pk}/"


def test_nearby_widens_the_search_when_nothing_is_close(home, client):
    stations = client.get("/nearby-stations.json", {"lat": "39.40", "lng": "117.50"}).json()
    assert [s["name"] for s in stations["stations"]][:1] == ["远站"]
    assert len(stations["stations"]) == 3


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "x", "lng": "1"},
        {"lat": "91", "lng": "1"},
        {"lat": "nan", "lng": "1"},
        {"lat": "1", "lng": "inf"},
    ],
)
def test_nearby_refuses_a_bad_position(db, client, params):
    response = client.get("/nearby-stations.json", params)
    assert response.status_code == 400 and "lat" in response.json()["errors"]


def test_coverage_page_still_works(home, client):
    response = client.get("/coverage/")
    assert response.status_code == 200 and "新兴社区" in response.content.decode()
