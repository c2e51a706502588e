"""The help-desk journey in a real browser.

A resident asks for help without an account and keeps the tracking code; the community's
subdistrict office verifies the request; the district office runs matching and confirms the
proposal; the volunteer sees the request and starts the service; the office marks it done;
the resident rates it with the code; the team's hours are approved and the volunteer's
hours appear.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from zhiyuan.helpdesk.models import HelpRequest
from zhiyuan.service.models import HoursTotal, ServiceRecord
from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.e2e


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_request_from_a_resident_to_the_volunteers_hours(new_page, sign_in, desk):  # noqa: F811
    # Only carol can be located near the request: frank moves to a community with no station.
    desk.frank.community = desk.a2
    desk.frank.save(update_fields=["community"])
    now = timezone.now()

    # A resident asks for help on her phone, without an account. (The browser's first
    # connection to the live server has been measured at ~15 s on a loaded machine.)
    resident = new_page(phone=True)
    resident.goto("/help/", timeout=60_000)
    form = resident.locator("#help-form")
    form.locator("select[name=kind]").select_option("companionship")
    form.locator("input[name=title]").fill("陪王奶奶聊天")
    form.locator("select[name=category]").select_option("empty_nest_elderly")
    form.locator("select[name=community]").select_option(str(desk.a1.pk))
    form.locator("input[name=address]").fill("新兴街12号3门401")
    form.locator("input[name=latitude]").fill("39.121")
    form.locator("input[name=longitude]").fill("117.185")
    form.locator("input[name=starts_at]").fill(local(now))
    form.locator("input[name=ends_at]").fill(local(now + dt.timedelta(hours=2)))
    form.locator("input[name=contact_name]").fill("王阿姨")
    form.locator("input[name=phone]").fill("13912345678")
    form.locator("input[name=truth_confirmed]").check()
    resident.locator("#submit-help").tap()
    code = resident.locator("#tracking-code").inner_text().strip()
    assert len(code) == 10
    request = HelpRequest.objects.get(code=code)
    resident.locator("#track-link").tap()
    expect(resident.locator("#status")).to_have_attribute("data-status", "submitted")

    # bob, the subdistrict office, verifies it.
    bob = new_page()
    sign_in(bob, "bob", PASSWORD)
    bob.goto("/help/requests/")
    bob.locator(f"#requests tr[data-code='{code}'] a").click()
    bob.click("#verify")
    expect(bob.locator("#status")).to_have_attribute("data-status", "verified")

    # alice, the district office, runs matching over the community and confirms carol.
    alice = new_page()
    sign_in(alice, "alice", PASSWORD)
    alice.goto("/help/matching/")
    alice.locator("#run-form select[name=region]").select_option(str(desk.a1.pk))
    alice.click("#run-matching")
    expect(alice.locator("#run-status")).to_have_attribute("data-status", "done")
    row = alice.locator("#proposals article.proposal")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(desk.carol.volunteer_no)
    row.locator("button.confirm").click()
    expect(alice.locator("#proposals article.proposal")).to_have_attribute(
        "data-state", "confirmed"
    )
    request.refresh_from_db()
    assert request.status == "matched"

    # carol sees the request she serves and starts the service.
    carol = new_page(phone=True)
    sign_in(carol, "carol", PASSWORD)
    carol.goto("/help/recommended/")
    carol.locator(f"#my-requests li[data-code='{code}'] a").tap()
    carol.locator("#start").tap()
    expect(carol.locator("#status")).to_have_attribute("data-status", "in_service")

    # bob marks it done: carol gets a service record for the visit.
    bob.reload()
    bob.click("#complete")
    expect(bob.locator("#status")).to_have_attribute("data-status", "done")
    record = ServiceRecord.objects.get(volunteer=desk.carol)
    assert record.state == "pending" and record.hours > 0

    # The resident rates it with the code.
    resident.goto(f"/help/track/{code}/")
    resident.locator("#rate select[name=rating]").select_option("5")
    resident.locator("#rate-submit").tap()
    expect(resident.locator("#status")).to_have_attribute("data-status", "rated")
    expect(resident.locator("#rating")).to_contain_text("5")

    # alice approves the hours; carol's hours appear.
    alice.goto("/service/queue/")
    alice.locator(f"#queue-form input[name=record][value='{record.pk}']").check()
    alice.click("#approve-selected")
    expect(alice).to_have_url(re.compile(r"/service/queue/$"))
    assert HoursTotal.objects.get(volunteer=desk.carol).approved_hours == record.hours
    carol.goto("/service/hours/")
    expect(carol.locator("#total-hours")).to_have_text(str(record.hours))
