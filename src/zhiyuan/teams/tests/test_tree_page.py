"""The corps tree page a level at a time: the corps and its detachments first, each deeper
level fetched when it is opened (or on a page of its own), never over a hundred rows, no
link inside a summary, and still served from the page cache."""

import re

import pytest
from django.test import Client

from zhiyuan.teams.models import Team

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def groups_under(parent, n):
    for i in range(n):
        team = Team.objects.create(
            name=f"楼栋小组{i:03d}",
            level="group",
            parent=parent,
            region=parent.region,
            kind="community",
            path="",
        )
        team.path = f"{parent.path}{team.pk}/"
        team.save(update_fields=["path"])


def rows(html: str) -> int:
    return html.count("<li>")


def test_the_tree_opens_on_the_corps_and_its_detachments(corps):
    page = Client().get("/teams/").content.decode()
    assert "学雷锋志愿服务总队" in page and "文明办支队" in page and "卫健委支队" in page
    assert "新兴社区分队" not in page and "助老小组" not in page
    # The detachment's squads come when its <details> opens; the link works without script.
    assert f'hx-get="/teams/?under={corps.det_1.pk}" hx-trigger="toggle once"' in page
    assert f'href="/teams/?under={corps.det_1.pk}"' in page
    assert "2 teams below" in Client(HTTP_ACCEPT_LANGUAGE="en").get("/teams/").content.decode()


def test_opening_a_detachment_fetches_only_its_squads(corps):
    part = Client().get(f"/teams/?under={corps.det_1.pk}", headers=HX).content.decode()
    assert "<html" not in part and part.startswith("<ul>")
    assert "新兴社区分队" in part and "朝阳社区分队" in part
    assert "南营门社区分队" not in part and "助老小组" not in part
    assert f"?under={corps.squad_1a.pk}" in part  # its group, one level further down


def test_without_script_a_level_is_a_page_with_the_way_back(corps):
    page = Client().get(f"/teams/?under={corps.squad_1a.pk}").content.decode()
    assert 'aria-label="breadcrumb"' in page
    assert f'href="/teams/?under={corps.det_1.pk}"' in page and "助老小组" in page


def test_a_level_sends_a_hundred_rows_and_a_link_to_the_rest(corps):
    groups_under(corps.squad_1b, 120)
    part = Client().get(f"/teams/?under={corps.squad_1b.pk}", headers=HX).content.decode()
    assert rows(part) == 100
    assert f"?under={corps.squad_1b.pk}&amp;page=2" in part
    rest = Client().get(f"/teams/?under={corps.squad_1b.pk}&page=2").content.decode()
    assert "楼栋小组119" in rest and "楼栋小组000" not in rest


def test_a_search_lists_matches_a_page_at_a_time(corps):
    groups_under(corps.squad_1b, 60)
    page = Client().get("/teams/?level=group").content.decode()
    assert page.count("<tr>") == 1 + 50  # the header row and a page of teams
    assert (
        "61 teams found"
        in Client(HTTP_ACCEPT_LANGUAGE="en").get("/teams/?level=group").content.decode()
    )


def test_no_summary_holds_a_link_or_a_button(corps):
    for url in ("/teams/", f"/teams/?under={corps.det_1.pk}"):
        page = Client().get(url).content.decode()
        for summary in re.findall(r"<summary>(.*?)</summary>", page, re.S):
            assert "<a" not in summary and "<button" not in summary


def test_a_level_opened_twice_comes_from_the_page_cache(corps, django_assert_num_queries):
    url = f"/teams/?under={corps.det_1.pk}"
    Client().get(url, headers=HX)
    with django_assert_num_queries(0):
        again = Client().get(url, headers=HX)
    assert "新兴社区分队" in again.content.decode()


@pytest.mark.parametrize("under", ["²", "99999999999999999999", "0"])
def test_a_level_that_cannot_be_a_team_opens_the_top_of_the_tree(corps, under):
    page = Client().get("/teams/", {"under": under})
    assert page.status_code == 200
    assert "文明办支队" in page.content.decode()
