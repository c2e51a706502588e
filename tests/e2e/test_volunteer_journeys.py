"""Volunteer journeys in a real browser: registering on a phone, and the office's review.

Pages are in Simplified Chinese (the default), so elements are found by id, name or
URL, and the status labels a user should see are taken from the zh-hans catalogue.
"""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.testing.factories import PASSWORD, id_number
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.services import register_volunteer

pytestmark = pytest.mark.e2e


def shown(label) -> str:
    """What a Chinese-speaking user reads for `label`."""
    with translation.override("zh-hans"):
        return str(label)


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] == "0" else "0")


def fill_registration(page, cast, *, real_name: str, number: str) -> None:
    page.goto("/volunteers/register/")
    page.fill("#id_real_name", real_name)
    page.select_option("#id_id_type", "resident_id")
    page.fill("#id_id_number", number)
    page.fill("#id_phone", "13900000123")
    page.select_option("#id_community", str(cast.a2.pk))
    page.check("input[name=skills][value=elderly_care]")
    page.check("input[name=availability][value=sat_pm]")
    page.select_option("#id_political_status", "cyl_member")
    page.fill("#id_password", PASSWORD)
    page.check("#id_consent")
    page.locator("main form button[type=submit]").click()


def test_wrong_check_digit_is_explained_next_to_the_id_field_on_a_phone(new_page, cast):
    page = new_page(phone=True)

    fill_registration(page, cast, real_name="王小明", number=wrong_check_digit(id_number(50)))

    expect(page.locator("#id_id_number_errors")).to_contain_text("校验位")
    expect(page.locator("#id_id_number")).to_be_visible()
    assert not Volunteer.objects.filter(real_name="王小明").exists()


def test_resident_registers_on_a_phone_and_sees_their_pending_profile(new_page, cast):
    page = new_page(phone=True)

    fill_registration(page, cast, real_name="王小明", number=id_number(51))

    expect(page).to_have_url(re.compile(r"/volunteers/me/$"))
    volunteer = Volunteer.objects.get(real_name="王小明")
    assert volunteer.status == Volunteer.Status.PENDING
    assert volunteer.community == cast.a2
    assert [s.code for s in volunteer.skills.all()] == ["elderly_care"]
    expect(page.locator("#volunteer-no")).to_have_text(volunteer.volunteer_no)
    badge = page.locator("main header .badge")
    expect(badge).to_have_class(re.compile(r"\bpending\b"))
    expect(badge).to_have_text(shown(Volunteer.Status.PENDING.label))


def test_district_admin_approves_a_pending_volunteer_from_the_roster(new_page, sign_in, cast):
    pending = register_volunteer(
        actor=cast.erin,
        real_name="王艾琳",
        id_type="resident_id",
        id_number=id_number(52),
        phone="13900000052",
        community_id=cast.a1.pk,
        consent=True,
    )
    page = new_page()
    sign_in(page, "alice", PASSWORD)

    page.locator("#nav-manage summary").click()  # the admin's menu
    page.locator("#nav-manage a[href='/volunteers/manage/']").click()
    page.locator("main a[href='?status=pending']").click()
    rows = page.locator("#roster tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("王艾琳")
    rows.get_by_role("link", name=pending.volunteer_no).click()
    status = page.locator("#status")
    expect(status).to_have_text(shown(Volunteer.Status.PENDING.label))
    page.click("#approve")

    expect(status).to_have_class(re.compile(r"\bactive\b"))
    expect(status).to_have_text(shown(Volunteer.Status.ACTIVE.label))
    pending.refresh_from_db()
    assert pending.status == Volunteer.Status.ACTIVE
    assert pending.reviewed_by == cast.alice


def test_roster_search_keeps_only_the_matching_volunteers(new_page, sign_in, cast):
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    page.goto("/volunteers/manage/")
    rows = page.locator("#roster tbody tr")
    expect(rows).to_have_count(2)

    page.fill("#id_q", "卡洛")  # htmx refreshes the table after a short pause

    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(cast.carol.volunteer_no)
    expect(page.locator("#roster")).not_to_contain_text("李大卫")


def test_admin_reveals_a_full_phone_number_and_the_reveal_is_audited(new_page, sign_in, cast):
    page = new_page()
    sign_in(page, "alice", PASSWORD)
    page.goto(f"/volunteers/manage/{cast.dave.volunteer_no}/")
    expect(page.locator("main")).not_to_contain_text("13800000002")

    reveal = page.locator("#reveal")
    reveal.locator("#id_field").select_option("phone")
    reveal.locator("#id_reason").fill("联系志愿者确认服务时间")
    reveal.locator("button[type=submit]").click()

    expect(page.locator("#revealed-value")).to_contain_text("13800000002")
    assert AuditEvent.objects.filter(
        actor=cast.alice,
        action=AuditEvent.Action.REVEAL,
        subject_label=cast.dave.volunteer_no,
        field="phone",
        reason="联系志愿者确认服务时间",
    ).exists()
