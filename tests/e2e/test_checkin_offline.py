"""Check-in that survives a dead network, in a real browser (Playwright's offline mode).

gina opens the station's check-in page once, then the network dies: the page still
reloads (its service worker kept it), her check-in is saved on the phone with the phone's
time and says so, and when the network returns it is sent and recorded with that original
time; the same for her check-out, whose hours run between the two original times.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from zhiyuan.service.models import Attendance, ServiceRecord
from zhiyuan.testing.factories import NEAR, PASSWORD

pytestmark = pytest.mark.e2e

SAVED = (
    "No network: your scan is saved on this phone, with its time, and will be sent when the "
    "network returns."
)


def shown(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def test_check_in_and_out_made_offline_arrive_with_their_original_times(
    new_page,
    sign_in,
    live_server,
    live,  # noqa: F811
):
    scan_url = f"/s/{live.station.checkin_token}/"
    gina = new_page(phone=True)
    gina.context.set_geolocation({"longitude": NEAR[0], "latitude": NEAR[1]})
    gina.context.grant_permissions(["geolocation"], origin=live_server.url)
    sign_in(gina, "gina", PASSWORD)
    gina.goto(scan_url)
    # The service worker takes the page over; one more visit keeps a copy of it and its files.
    assert gina.evaluate("navigator.serviceWorker.ready.then(() => true)")
    gina.reload()
    expect(gina.locator("#scan-lng")).to_have_value(re.compile(r"^117\.18"))

    # The network dies; the page still opens, from the phone.
    gina.context.set_offline(True)
    gina.reload()
    expect(gina.locator("#scan h1")).to_have_text(live.station.name)
    expect(gina.locator("#scan-lng")).to_have_value(re.compile(r"^117\.18"))

    # She checks in a minute into her shift (the phone's clock says so).
    checked_in_at = (live.now_shift.starts_at + dt.timedelta(minutes=1)).replace(microsecond=0)
    gina.clock.set_fixed_time(checked_in_at)
    # The page tries to send it at once, and that fails: the scan is kept for later.
    with gina.expect_event("requestfailed"):
        gina.locator("#check-in").tap()
    expect(gina.locator("#scan-note")).to_have_text(shown(SAVED))
    expect(gina.locator("#check-out")).to_be_visible()
    assert not Attendance.objects.exists()

    # The network returns: the scan is sent, and kept with the time it was made.
    gina.context.set_offline(False)
    expect(gina.locator(".flash.success")).to_have_text(
        shown("Sent with the time you scanned:")
        + " "
        + shown("Checked in. Scan again when you leave.")
    )
    attendance = Attendance.objects.get(volunteer=live.gina)
    assert attendance.checked_in_at == checked_in_at
    assert attendance.in_received_at > checked_in_at
    expect(gina.locator("#checked-in")).to_contain_text(live.now_shift.role)

    # Offline again, she checks out seven minutes later; it arrives once, with that time.
    gina.context.set_offline(True)
    checked_out_at = checked_in_at + dt.timedelta(minutes=7)
    gina.clock.set_fixed_time(checked_out_at)
    with gina.expect_event("requestfailed"):
        gina.locator("#check-out").tap()
    expect(gina.locator("#scan-note")).to_have_text(shown(SAVED))
    assert Attendance.objects.get(volunteer=live.gina).checked_out_at is None
    gina.context.set_offline(False)
    # The page says what the check-out recorded, in the words the page uses without script.
    expect(gina.locator(".flash.success")).to_have_text(
        shown("Sent with the time you scanned:")
        + " "
        + shown("Checked out. %(hours)s hours are recorded and wait for approval. Thank you!")
        % {"hours": "0.12"}
    )
    expect(gina.locator("#check-in")).to_be_visible()
    attendance.refresh_from_db()
    assert attendance.checked_out_at == checked_out_at
    record = ServiceRecord.objects.get(volunteer=live.gina)
    assert record.hours == Decimal("0.12") and record.source == "measured"

    # A scan sent at once after the check-out: nothing changes, and the page says so.
    gina.locator("#check-in").tap()
    expect(gina.locator(".flash.info")).to_have_text(
        shown("You already checked out at %(out)s: nothing has changed.")
        % {"out": timezone.localtime(checked_out_at).strftime("%H:%M")}
    )
    assert ServiceRecord.objects.filter(volunteer=live.gina).count() == 1
