"""The hours queue: paged, searched and filtered on the server, nothing ticked in advance,
and a record entered today reachable however many older ones wait."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.service.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(live):
    today = timezone.localdate()
    team = live.project.organiser
    rows = [
        ServiceRecord(
            volunteer=live.gina,
            team=team,
            served_on=today - dt.timedelta(days=300 - i),
            hours="2.00",
            content=f"旧记录{i}",
            source=ServiceRecord.Source.ENTERED,
            recorded_by=live.carol_user,
        )
        for i in range(230)
    ]
    rows.append(
        ServiceRecord(
            volunteer=live.gina,
            team=team,
            served_on=today,
            hours="1.50",
            content="今天的路口引导",
            source=ServiceRecord.Source.ENTERED,
            recorded_by=live.carol_user,
        )
    )
    ServiceRecord.objects.bulk_create(rows)
    return live


def test_queue_pages_and_ticks_nothing(queue, client_for):
    page = client_for(queue.carol_user).get("/service/queue/")
    html = page.content.decode()
    assert page.context["count"] == 231
    assert len(page.context["records"]) == 50
    assert 'name="record"' in html and " checked" not in html.split('id="queue-form"')[1]
    assert "今天的路口引导" not in html  # oldest first, on a later page
    last = client_for(queue.carol_user).get("/service/queue/?page=5")
    assert "今天的路口引导" in last.content.decode()


def test_todays_record_is_reachable_by_search_date_and_order(queue, client_for):
    carol = client_for(queue.carol_user)
    today = timezone.localdate().isoformat()
    pages = {
        q: carol.get(f"/service/queue/?{q}") for q in ("q=今天", f"since={today}", "order=newest")
    }
    for query, page in pages.items():
        assert page.context["records"][0].content == "今天的路口引导", query
    assert pages[f"since={today}"].context["count"] == 1


def test_deciding_names_the_person_and_returns_to_the_same_filter(queue, client_for):
    carol = client_for(queue.carol_user)
    record = ServiceRecord.objects.get(content="今天的路口引导")
    response = carol.post(
        "/service/queue/", {"record": [record.pk], "action": "approve", "next": "?q=今天"}
    )
    assert (
        response.status_code == 302
        and response["Location"] == "/service/queue/?q=%E4%BB%8A%E5%A4%A9"
    )
    record.refresh_from_db()
    assert record.state == "approved"
    flash = [str(m) for m in carol.get(response["Location"]).context["messages"]]
    assert any(queue.gina.real_name in m and "1.50" in m for m in flash), flash
    nothing = carol.post("/service/queue/", {"action": "approve"})
    assert nothing.status_code == 302
    assert ServiceRecord.objects.filter(state="pending").count() == 230
