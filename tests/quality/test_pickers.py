"""Every select that grows with the district (communities, regions, teams, stations) is a
searchable picker: the page sends a few choices, typing asks the page for the matches
(`?pick=<field>`), and the choices stay the field's own. bench/pages.py finds any long
<select> left at the demo's scale; these rows keep the converted ones converted."""

import re

import pytest

pytestmark = pytest.mark.django_db

# (page, who, the select's name, what is typed, a match, a choice that does not match)
ROWS = [
    ("/help/", None, "community", "朝阳", "朝阳社区", "南营门社区"),
    ("/volunteers/register/", None, "community", "南营门", "南营门社区", "朝阳社区"),
    ("/volunteers/me/", "carol_user", "community", "朝阳", "朝阳社区", "南营门社区"),
    ("/help/recipients/new/", "alice", "community", "朝阳", "朝阳社区", "南营门社区"),
    ("/help/matching/", "alice", "region", "朝阳", "朝阳社区", "新兴社区"),
    ("/teams/new/", "alice", "region", "南营门", "南营门社区", "朝阳社区"),
    ("/stations/new/", "alice", "managing_team", "朝阳", "朝阳社区分队", "新兴社区分队"),
    ("/stations/new/", "alice", "region", "朝阳", "朝阳社区", "新兴社区"),
    ("/projects/new/", "alice", "organiser", "朝阳", "朝阳社区分队", "新兴社区分队"),
    (
        "/projects/{project}/manage/",
        "alice",
        "activity-station",
        "新兴",
        "新兴社区志愿服务站",
        None,
    ),
    ("/projects/{project}/manage/", "alice", "series-stations", "新兴", "新兴社区志愿服务站", None),
    ("/training/new/", "alice", "organiser", "朝阳", "朝阳社区分队", "新兴社区分队"),
    ("/news/manage/new/", "alice", "teams", "朝阳", "朝阳社区分队", "新兴社区分队"),
    ("/news/manage/new/", "alice", "stations", "新兴", "新兴社区志愿服务站", None),
    ("/reports/", "alice", "scope", "南营门", "南营门街道", "新兴街道"),
    ("/imports/exports/", "alice", "region", "朝阳", "朝阳社区", "新兴社区"),
    ("/exchange/", "alice", "region", "朝阳", "朝阳社区", "新兴社区"),
]


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize(("url", "who", "name", "typed", "match", "other"), ROWS)
def test_a_long_select_is_a_picker_narrowed_on_the_server(
    plan, client_for, url, who, name, typed, match, other
):
    client = client_for(getattr(plan, who) if who else None)
    url = url.format(project=plan.project.pk)
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="{name}_q"' in page.content.decode()
    picked = client.get(url, {"pick": name, f"{name}_q": typed}, headers={"HX-Request": "true"})
    shown = [label.strip() for label in options(picked.content.decode(), name)]
    assert "<html" not in picked.content.decode()
    assert any(match in label for label in shown), shown
    assert other is None or not any(other in label for label in shown), shown


def test_the_roster_filters_by_a_region_picked_from_a_short_list(plan, client_for):
    client = client_for(plan.alice)
    page = client.get("/volunteers/manage/", {"region": plan.b1.pk}).content.decode()
    assert options(page, "region")[:2] == ["全部", "南营门街道 · 南营门社区"]
    picked = client.get(
        "/volunteers/manage/",
        {"pick": "region", "region_q": "朝阳"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert options(picked, "region") == ["全部", "新兴街道 · 朝阳社区"]


@pytest.mark.parametrize("sent", ["99999999999999999999", "²"])
@pytest.mark.parametrize(("url", "who"), [("/help/", None), ("/volunteers/me/", "carol_user")])
def test_a_picked_value_that_cannot_be_a_row_is_the_fields_error(plan, client_for, url, who, sent):
    client = client_for(getattr(plan, who) if who else None)
    response = client.post(url, {"community": sent})
    assert response.status_code == 200
    assert "community" in response.context["form"].errors


@pytest.mark.parametrize("name", ["projects", "teams", "stations"])
def test_a_ticked_row_that_cannot_be_a_row_id_is_the_fields_error(plan, client_for, name):
    response = client_for(plan.alice).post(
        "/news/manage/new/", {"title": "标题", name: ["99999999999999999999"]}
    )
    assert response.status_code == 200
    assert name in response.context["form"].errors
