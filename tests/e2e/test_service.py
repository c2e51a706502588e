"""Service-hour journeys in a real browser.

- a volunteer checks in and out on her phone by the station's poster (her position comes
  from the browser's geolocation), the organising squad's admin approves the hours, she
  asks for a certificate of service, the admin issues it, she downloads the PDF, and
  anyone can check it is genuine without seeing her ID number or phone.

Pages are in Simplified Chinese (the default), so elements are found by id, class, data
attribute or URL, and the labels a user should see are taken from the zh-hans catalogue.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from zhiyuan.service.models import Attendance, Certificate, HoursTotal, ServiceRecord
from zhiyuan.testing.factories import NEAR, PASSWORD

pytestmark = pytest.mark.e2e


def shown(message: str) -> str:
    """What a Chinese-speaking user reads for `message`."""
    with translation.override("zh-hans"):
        return gettext(message)


def at_the_station(page, live_server) -> None:
    """The phone stands about 20 m from the station and shares its position."""
    longitude, latitude = NEAR
    page.context.set_geolocation({"longitude": longitude, "latitude": latitude})
    page.context.grant_permissions(["geolocation"], origin=live_server.url)


def position_filled(page) -> None:
    """geolocate.js has put the browser's position into the scan form."""
    expect(page.locator("#scan-lng")).to_have_value(re.compile(r"^117\.18"))
    expect(page.locator("#scan-lat")).to_have_value(re.compile(r"^39\.12"))


def test_hours_from_a_scan_to_a_certificate_anyone_can_check(
    new_page,
    sign_in,
    live_server,
    live,  # noqa: F811
):
    gina_v = live.gina
    scan_url = f"/s/{live.station.checkin_token}/"

    # gina, at the station with her phone, scans the poster and checks in.
    gina = new_page(phone=True)
    at_the_station(gina, live_server)
    sign_in(gina, "gina", PASSWORD)
    gina.goto(scan_url)
    expect(gina.locator("#scan h1")).to_have_text(live.station.name)
    position_filled(gina)
    gina.locator("#check-in").tap()

    expect(gina).to_have_url(re.compile(rf"{re.escape(scan_url)}$"))
    expect(gina.locator(".flash.success")).to_have_text(
        shown("Checked in. Scan again when you leave.")
    )
    expect(gina.locator("#checked-in")).to_contain_text(live.now_shift.role)
    expect(gina.locator("#check-out")).to_be_visible()
    expect(gina.locator("#check-in")).to_be_hidden()
    attendance = Attendance.objects.get(volunteer=gina_v)
    assert attendance.shift == live.now_shift
    assert attendance.checked_out_at is None
    assert attendance.in_distance_m is not None
    assert attendance.in_distance_m <= live.station.checkin_radius_m

    # An hour later (moved in the database), she checks out.
    Attendance.objects.filter(pk=attendance.pk).update(
        checked_in_at=F("checked_in_at") - dt.timedelta(hours=1)
    )
    position_filled(gina)
    gina.locator("#check-out").tap()

    expect(gina).to_have_url(re.compile(rf"{re.escape(scan_url)}$"))
    expect(gina.locator("#checked-in")).to_have_count(0)
    record = ServiceRecord.objects.get(volunteer=gina_v)
    expect(gina.locator(".flash.success")).to_have_text(
        shown("Checked out. %(hours)s hours are recorded and wait for approval. Thank you!")
        % {"hours": record.hours}
    )
    attendance.refresh_from_db()
    assert attendance.checked_out_at is not None
    assert attendance.out_distance_m is not None
    assert not Attendance.objects.filter(volunteer=gina_v, checked_out_at__isnull=True).exists()
    assert record.state == ServiceRecord.State.PENDING
    assert record.source == ServiceRecord.Source.MEASURED
    assert record.is_current
    assert record.shift == live.now_shift
    assert record.team == live.squad_1a
    assert record.hours > 0

    # carol, admin of squad_1a (the project's organiser), approves the hours.
    carol = new_page()
    sign_in(carol, "carol", PASSWORD)
    carol.goto("/service/queue/")
    row = carol.locator(f"#queue-form input[name=record][value='{record.pk}']")
    expect(row).not_to_be_checked()  # nothing is ticked in advance
    carol.click("#select-all")
    expect(row).to_be_checked()
    carol.click("#select-none")
    expect(row).not_to_be_checked()
    row.check()
    carol.click("#approve-selected")

    expect(carol).to_have_url(re.compile(r"/service/queue/$"))
    expect(carol.locator(".flash.success")).to_be_visible()
    expect(row).to_have_count(0)
    record.refresh_from_db()
    assert record.state == ServiceRecord.State.APPROVED
    assert record.decided_by == live.carol_user
    total = HoursTotal.objects.get(volunteer=gina_v)
    assert total.approved_hours == record.hours > 0

    # gina sees her hours and asks squad_1a for a certificate of this year so far.
    gina.goto("/service/hours/")
    expect(gina.locator("#total-hours")).to_have_text(str(record.hours))
    assert Decimal(gina.locator("#total-hours").text_content().strip()) > 0
    gina.locator("#certificates").tap()
    expect(gina).to_have_url(re.compile(r"/service/certificates/$"))
    today = timezone.localdate()
    since = min(record.served_on, today.replace(month=1, day=1))
    form = gina.locator("#request-certificate form")
    form.locator("select[name=team]").select_option(str(live.squad_1a.pk))
    form.locator("input[name=period_from]").fill(since.isoformat())
    form.locator("input[name=period_to]").fill(today.isoformat())
    form.locator("button[type=submit]").tap()

    expect(gina).to_have_url(re.compile(r"/service/certificates/$"))
    expect(gina.locator(".flash.success")).to_have_text(shown("Your request is sent to the team."))
    certificate = Certificate.objects.get(volunteer=gina_v)
    assert certificate.state == Certificate.State.REQUESTED
    assert certificate.team == live.squad_1a
    assert (certificate.period_from, certificate.period_to) == (since, today)
    mine = gina.locator(f"#certificates tr[data-certificate='{certificate.pk}']")
    expect(mine).to_contain_text(live.squad_1a.name)
    expect(mine.locator("a[href$='.pdf']")).to_have_count(0)

    # carol issues it from the certificate queue.
    carol.goto("/service/queue/")
    carol.click("#certificate-queue")
    expect(carol).to_have_url(re.compile(r"/service/certificates/queue/$"))
    asked = carol.locator(f"article.request[data-certificate='{certificate.pk}']")
    expect(asked).to_contain_text(gina_v.real_name)
    issue = asked.locator(f"form[action='/service/certificates/{certificate.pk}/issue/']")
    issue.locator("input[name=responsible_person]").fill("张卡洛")
    issue.locator("input[name=contact]").fill("022-12345678")
    issue.locator("button[type=submit]").click()

    expect(carol).to_have_url(re.compile(r"/service/certificates/queue/$"))
    expect(carol.locator(".flash.success")).to_have_text(shown("The certificate is issued."))
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.ISSUED
    assert certificate.number
    assert certificate.total_hours == record.hours
    assert certificate.responsible_person == "张卡洛"

    # gina downloads the PDF from her list.
    gina.reload()
    pdf_link = mine.locator(f"a[href='/service/certificates/{certificate.pk}.pdf']")
    expect(pdf_link).to_be_visible()
    expect(mine).to_contain_text(certificate.number)
    pdf = gina.request.get(pdf_link.get_attribute("href"))
    assert pdf.ok, pdf.status
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # Anyone with the QR code's URL sees that it is genuine, and nothing private.
    anyone = new_page()
    anyone.goto(reverse("service:certificate_verify", args=[certificate.verify_token]))
    result = anyone.locator("#verify-result")
    expect(result).to_have_attribute("data-genuine", "true")
    expect(result.locator(".flash.success")).to_have_text(
        shown("Genuine: this certificate was issued on this platform.")
    )
    expect(anyone.locator("#certificate-number")).to_have_text(certificate.number)
    expect(anyone.locator("header form[action='/accounts/logout/']")).to_have_count(0)
    html = anyone.content()
    for secret in (
        gina_v.decrypted("id_number"),
        gina_v.id_number_masked,
        gina_v.decrypted("phone"),
        gina_v.phone_masked,
        gina_v.real_name,
    ):
        assert secret not in html
