"""Team and station journeys in a real browser.

- a squad admin approves a join request, and cannot manage a sibling squad;
- a district admin audits a station and sees it turn compliant on the map;
- an anonymous visitor browses the team tree on a phone.

Pages are in Simplified Chinese (the default) and their catalogue is still growing, so
elements are found by id, name, class or URL rather than by text.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhiyuan.places.models import Region
from zhiyuan.stations import services as station_services
from zhiyuan.stations.models import Audit, Criterion, Station
from zhiyuan.teams.models import Membership
from zhiyuan.testing.factories import PASSWORD, member, station_data

pytestmark = pytest.mark.e2e


def map_stations(page) -> dict[int, dict]:
    """The stations the map page hands to its script, by id."""
    data = json.loads(page.locator("#station-map-data").text_content())
    return {s["id"]: s for s in data["stations"]}


def open_station(cast) -> Station:
    """The fixtures' station in community A1, opened by alice through the service."""
    data = station_data(cast)
    data["region"] = Region.objects.get(pk=data.pop("region_id"))
    return station_services.create_station(actor=cast.alice, **data)


def test_squad_admin_approves_a_join_request(new_page, sign_in, corps):  # noqa: F811
    request = member(corps.squad_1a, corps.gina, state="pending")
    page = new_page()
    sign_in(page, "carol", PASSWORD)

    page.goto(f"/teams/{corps.squad_1a.pk}/")
    page.click("#manage-members")
    expect(page).to_have_url(re.compile(rf"/teams/{corps.squad_1a.pk}/members/$"))
    requests = page.locator("#pending article.request")
    expect(requests).to_have_count(1)
    gina = page.locator(f"#pending article.request[data-volunteer='{corps.gina.volunteer_no}']")
    expect(gina).to_contain_text(corps.gina.real_name)
    gina.locator("button.approve").click()

    expect(requests).to_have_count(0)
    members = page.locator("#members tbody tr")
    expect(members.filter(has_text=corps.gina.volunteer_no)).to_have_count(1)
    expect(members.filter(has_text=corps.gina.volunteer_no)).to_contain_text(corps.gina.real_name)
    request.refresh_from_db()
    assert request.state == Membership.State.ACTIVE
    assert request.joined_at is not None


def test_squad_admin_cannot_manage_a_sibling_squad(new_page, sign_in, corps):  # noqa: F811
    page = new_page()
    sign_in(page, "carol", PASSWORD)

    response = page.goto(f"/teams/{corps.squad_1b.pk}/members/")
    assert response.status == 403

    response = page.goto(f"/teams/{corps.squad_1b.pk}/")
    assert response.status == 200
    expect(page.locator("main h1")).to_have_text(corps.squad_1b.name)
    expect(page.locator("#manage-members")).to_have_count(0)
    # Her own squad still offers it: the link's absence above is about the sibling.
    page.goto(f"/teams/{corps.squad_1a.pk}/")
    expect(page.locator("#manage-members")).to_be_visible()


def test_district_admin_audits_a_station_and_the_map_turns_compliant(
    new_page,
    sign_in,
    mapped,  # noqa: F811
):
    station = open_station(mapped)
    criteria = Criterion.values
    station_services.record_audit(
        actor=mapped.alice,
        station=station,
        audited_on=timezone.localdate() - dt.timedelta(days=30),
        items={c: (c != "signage", "标识牌破损" if c == "signage" else "") for c in criteria},
    )
    page = new_page()
    sign_in(page, "alice", PASSWORD)

    page.goto("/stations/map/")
    assert map_stations(page)[station.pk]["compliance"] == "short"
    # ECharts drew the map: a canvas inside the holder, with a real size.
    canvas = page.locator("#station-map canvas")
    expect(canvas.first).to_be_visible()
    box = canvas.first.bounding_box()
    assert box["width"] > 100 and box["height"] > 100

    page.goto(f"/stations/{station.pk}/")
    expect(page.locator("#compliance .badge")).to_have_class(re.compile(r"\bsuspended\b"))
    page.click("#record-audit")
    expect(page).to_have_url(re.compile(rf"/stations/{station.pk}/audit/$"))
    expect(page.locator("input[name=audited_on]")).to_have_value(timezone.localdate().isoformat())
    boxes = page.locator("#audit-form input[name^=met_]")
    expect(boxes).to_have_count(len(criteria))
    for i in range(len(criteria)):
        boxes.nth(i).check()
    page.click("#save-audit")

    expect(page).to_have_url(re.compile(rf"/stations/{station.pk}/$"))
    expect(page.locator("#compliance .badge")).to_have_class(re.compile(r"\bactive\b"))
    latest = Audit.objects.filter(station=station).order_by("-audited_on", "-id").first()
    assert latest.compliant is True
    assert latest.auditor == mapped.alice
    assert latest.audited_on == timezone.localdate()
    assert Audit.objects.filter(station=station).count() == 2
    assert sorted(i.criterion for i in latest.items.filter(met=True)) == sorted(criteria)

    page.goto("/stations/map/")
    assert map_stations(page)[station.pk]["compliance"] == "compliant"
    assert Station.objects.filter(pk=station.pk, status=Station.Status.OPEN).exists()


def test_visitor_browses_the_team_tree_on_a_phone(new_page, corps):  # noqa: F811
    page = new_page(phone=True)

    page.goto("/teams/")
    tree = page.locator("#team-tree")
    # The detachment's <details>: the one right after its link (no link inside a summary).
    detachment = tree.locator(f"li > a[href='/teams/{corps.det_1.pk}/']").locator(
        "xpath=following-sibling::details[1]"
    )
    squad_link = detachment.locator(f"a[href='/teams/{corps.squad_1b.pk}/']")
    expect(detachment).not_to_have_attribute("open", "")
    # The squads are not on the page yet: they come when the detachment is opened.
    expect(squad_link).to_have_count(0)

    # Tap its summary ("teams below") to unfold the detachment.
    detachment.locator("summary").first.tap()
    expect(detachment).to_have_attribute("open", "")
    expect(squad_link).to_be_visible()
    # One level further down, the same again: squad_1a's group comes when it is opened.
    squad = detachment.locator(f"li > a[href='/teams/{corps.squad_1a.pk}/']").locator(
        "xpath=following-sibling::details[1]"
    )
    group_link = squad.locator(f"a[href='/teams/{corps.group_1a.pk}/']")
    expect(group_link).to_have_count(0)
    squad.locator("summary").first.tap()
    expect(group_link).to_be_visible()
    squad_link.tap()

    expect(page).to_have_url(re.compile(rf"/teams/{corps.squad_1b.pk}/$"))
    expect(page.locator("main h1")).to_have_text(corps.squad_1b.name)
    sign_in_link = page.locator(
        f"main article footer a[href='/accounts/login/?next=/teams/{corps.squad_1b.pk}/']"
    )
    expect(sign_in_link).to_be_visible()
    expect(page.locator("#join")).to_have_count(0)
    expect(page.locator("#manage-members")).to_have_count(0)


def test_the_audit_form_prefills_today(new_page, sign_in, mapped):  # noqa: F811
    station = open_station(mapped)
    page = new_page()
    sign_in(page, "alice", PASSWORD)

    page.goto(f"/stations/{station.pk}/audit/")

    expect(page.locator("input[name=audited_on]")).to_have_value(
        timezone.localdate().isoformat(), timeout=1_000
    )
