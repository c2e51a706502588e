"""The exchange export: every record type with exactly the fields of the one field list,
scoped to the office's region, masked unless full values are asked for with a reason (audited)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.exchange import fields
from zhiyuan.service.models import Certificate, ServiceRecord
from zhiyuan.testing.factories import days_ago, id_number, read_xlsx
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/exports"


def period(**extra) -> dict:
    return {"start": days_ago(60).isoformat(), "end": days_ago(0).isoformat(), **extra}


def lines(response) -> list[dict]:
    return [json.loads(line) for line in response.content.decode().splitlines()]


@pytest.fixture
def served(corps):
    Volunteer.objects.filter(pk=corps.carol.pk).update(national_no="N000000001")
    record = ServiceRecord.objects.create(
        volunteer=corps.carol,
        team=corps.squad_1a,
        served_on=days_ago(10),
        hours="2.50",
        content="义务指路",
        source=ServiceRecord.Source.ENTERED,
        state=ServiceRecord.State.APPROVED,
        recorded_by=corps.alice,
    )
    Certificate.objects.create(
        volunteer=corps.carol,
        team=corps.squad_1a,
        period_from=days_ago(30),
        period_to=days_ago(1),
        state=Certificate.State.ISSUED,
        number="ZS2026000001",
        total_hours="2.50",
        issued_on=days_ago(1),
    )
    return record


def test_every_record_type_has_exactly_its_fields(corps, served, client_for):
    response = client_for(corps.alice).post(URL, period(), content_type="application/json")
    assert response.status_code == 200, response.content
    header, *records = lines(response)
    assert (header["记录类型"], header["格式"], header["版本"]) == (
        "文件头",
        "zhiyuan-exchange",
        "1.0",
    )
    kinds = {kind.name: kind for kind in fields.RECORD_TYPES}
    seen = set()
    for record in records:
        kind = kinds[record.pop("记录类型")]
        assert list(record) == kind.names
        seen.add(kind.name)
    assert seen == {"志愿者", "志愿团体", "志愿服务记录", "志愿服务证书"}
    service = next(r for r in records if "服务时长" in r and "记录编号" in r)
    assert (service["志愿者统一编号"], service["服务时长"]) == ("N000000001", "2.50")
    assert service["证件号码"] == corps.carol.id_number_masked
    text = response.content.decode()
    assert id_number(1) not in text and "13800000001" not in text
    assert not AuditEvent.objects.exists()


def test_a_subdistrict_office_exports_its_own_region_only(corps, served, client_for):
    bob = client_for(corps.bob)
    own = bob.post(URL, period(), content_type="application/json")
    numbers = {r.get("本系统志愿者编号") for r in lines(own) if r["记录类型"] == "志愿者"}
    assert corps.carol.volunteer_no in numbers and corps.dave.volunteer_no not in numbers
    district = bob.post(URL, period(region_id=corps.district.pk), content_type="application/json")
    assert district.status_code == 403
    assert (
        client_for(corps.carol_user)
        .post(URL, period(), content_type="application/json")
        .status_code
        == 403
    )


def test_full_values_need_a_reason_and_are_audited(corps, served, client_for):
    alice = client_for(corps.alice)
    refused = alice.post(URL, period(reveal=True), content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    assert not AuditEvent.objects.exists()
    full = alice.post(
        URL, period(reveal=True, reason="报送全国志愿服务信息系统"), content_type="application/json"
    )
    assert id_number(1) in full.content.decode() and "13800000001" in full.content.decode()
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.subject_type) == (
        corps.alice,
        "export",
        "exchange_export",
    )


def test_the_xlsx_has_a_sheet_per_record_type_and_the_page_offers_it(corps, served, client_for):
    alice = client_for(corps.alice)
    assert alice.get(reverse("exchange:index")).status_code == 200
    response = alice.post(
        reverse("exchange:export"),
        {"region": corps.district.pk, "start": days_ago(60), "end": days_ago(0), "format": "xlsx"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    records = read_xlsx(response.content, sheet=5)
    assert list(records[0]) == fields.RECORD.names
    assert records[1][fields.RECORD.names.index("服务内容")] == "义务指路"


def test_a_bad_period_is_refused_with_its_reason(corps, client_for):
    response = client_for(corps.alice).post(
        URL,
        {"start": days_ago(0).isoformat(), "end": days_ago(5).isoformat(), "format": "pdf"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"end", "format"}
