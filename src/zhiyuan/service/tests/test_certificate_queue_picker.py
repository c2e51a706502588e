"""The certificate queue's team filter is a searchable picker: a few teams sent, the rest
found by typing (htmx asks the page for the narrowed list), never a team outside the
admin's scope."""

import re

import pytest
from django.urls import reverse

from zhiyuan.core.pickers import LIMIT
from zhiyuan.teams.models import Team

pytestmark = pytest.mark.django_db
QUEUE = reverse("service:certificate_queue")


@pytest.fixture
def many(corps):
    """Forty groups under squad_1b, all managed by frank (det_1's admin)."""
    for i in range(40):
        team = Team.objects.create(
            name=f"楼栋小组{i:02d}",
            level="group",
            parent=corps.squad_1b,
            region=corps.a2,
            kind="community",
            path="",
        )
        team.path = f"{corps.squad_1b.path}{team.pk}/"
        team.save(update_fields=["path"])
    return corps


def options(html: str) -> list[str]:
    select = re.search(r'<select name="team".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_queue_sends_a_few_teams_and_says_to_type_for_more(many, client_for):
    page = client_for(many.frank.user).get(QUEUE).content.decode()
    shown = options(page)
    assert len(shown) == LIMIT + 1  # the blank choice and the first matches
    assert 'name="team_q"' in page and 'hx-get="?pick=team"' in page
    assert "输入更多文字缩小范围" in page


def test_typing_narrows_the_list_on_the_server(many, client_for):
    fragment = client_for(many.frank.user).get(
        QUEUE, {"pick": "team", "team_q": "小组39"}, headers={"HX-Request": "true"}
    )
    html = fragment.content.decode()
    assert "<html" not in html and 'id="id_team_choices"' in html
    assert options(html) == ["---------", "楼栋小组39"]


def test_the_picker_never_offers_a_team_outside_the_admins_scope(many, client_for):
    html = client_for(many.frank.user).get(QUEUE, {"pick": "team", "team_q": "卫健委"})
    assert options(html.content.decode()) == ["---------"]
    assert "没有匹配" in html.content.decode()


def test_the_chosen_team_stays_chosen_beyond_the_first_matches(many, client_for):
    last = Team.objects.get(name="楼栋小组39")
    page = client_for(many.frank.user).get(QUEUE, {"team": last.pk}).content.decode()
    assert re.search(rf'<option value="{last.pk}" selected>楼栋小组39</option>', page)


def test_without_script_the_search_box_narrows_the_page(many, client_for):
    page = client_for(many.frank.user).get(QUEUE, {"team_q": "新兴"}).content.decode()
    assert options(page) == ["---------", "新兴社区分队"]
    assert 'value="新兴"' in page
