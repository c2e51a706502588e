"""The members page pages and searches on the server; a decision names the person and tells them."""

import pytest

from zhiyuan.notifications.models import Message
from zhiyuan.teams import views
from zhiyuan.testing.factories import member

pytestmark = pytest.mark.django_db


def test_members_page_pages_and_searches(corps, client_for, monkeypatch):
    monkeypatch.setattr(views, "MEMBERS_PAGE", 1)
    member(corps.squad_1a, corps.gina)
    carol = client_for(corps.carol_user)
    first = carol.get(f"/teams/{corps.squad_1a.pk}/members/")
    assert first.context["page"].paginator.count == 2 and len(first.context["active"]) == 1
    assert "?page=2" in first.content.decode()
    found = carol.get(f"/teams/{corps.squad_1a.pk}/members/?q=葛")
    assert [m.volunteer for m in found.context["active"]] == [corps.gina]
    by_number = carol.get(f"/teams/{corps.squad_1a.pk}/members/?q={corps.gina.volunteer_no}")
    assert [m.volunteer for m in by_number.context["active"]] == [corps.gina]


def test_approving_names_the_person_and_tells_them(corps, client_for):
    row = member(corps.squad_1a, corps.gina, state="pending")
    carol = client_for(corps.carol_user)
    response = carol.post(f"/teams/memberships/{row.pk}/approve/", {"next": "?q=葛"})
    assert response.status_code == 302 and response["Location"].endswith("?q=%E8%91%9B")
    flash = [str(m) for m in carol.get(response["Location"]).context["messages"]]
    assert any("葛志愿" in m and corps.squad_1a.name in m for m in flash), flash
    assert Message.objects.filter(recipient=corps.gina.user, kind="membership_active").exists()


def test_refusing_tells_the_volunteer_why(corps, client_for):
    row = member(corps.squad_1a, corps.gina, state="pending")
    client_for(corps.carol_user).post(f"/teams/memberships/{row.pk}/reject/", {"note": "名额已满"})
    message = Message.objects.get(
        recipient=corps.gina.user, kind="membership_rejected", channel="site"
    )
    assert "名额已满" in message.body
