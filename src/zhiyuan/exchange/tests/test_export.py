"""The exchange export: a background export job of its requester (202 with the job, then its
file), every record type with exactly the fields of the one field list, scoped to the office's
region, masked unless full values are asked for with a reason (audited when asked for)."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.exchange import exports, fields
from zhiyuan.service.models import Certificate, ServiceRecord
from zhiyuan.spreadsheets import exports as spreadsheet_exports
from zhiyuan.spreadsheets import stored
from zhiyuan.spreadsheets.models import ExportJob
from zhiyuan.testing.factories import days_ago, id_number, read_xlsx
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/exports"


def period(**extra) -> dict:
    return {"start": days_ago(60).isoformat(), "end": days_ago(0).isoformat(), **extra}


@pytest.fixture
def export(client_for, django_capture_on_commit_callbacks):
    """`export(user, **payload)`: ask through the API (the job runs at once on the immediate
    backend when the request commits); returns (the 202 response, the downloaded file)."""

    def go(user, **payload):
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, period(**payload), content_type="application/json")
        if response.status_code != 202:
            return response, None
        job = client.get(response.json()["url"]).json()
        assert job["status"] == "done", job
        download = client.get(job["download_url"])
        assert download.status_code == 200
        return response, b"".join(download.streaming_content)

    return go


def lines(content: bytes) -> list[dict]:
    return [json.loads(line) for line in content.decode().splitlines()]


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


def test_every_record_type_has_exactly_its_fields(corps, served, export):
    response, content = export(corps.alice)
    assert response.status_code == 202, response.content
    header, *records = lines(content)
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
    text = content.decode()
    assert id_number(1) not in text and "13800000001" not in text
    assert not AuditEvent.objects.exists()


def test_the_export_answers_at_once_with_a_queued_job_the_worker_writes(corps, served, client_for):
    alice = client_for(corps.alice)
    response = alice.post(URL, period(), content_type="application/json")  # not yet committed
    assert response.status_code == 202
    job = response.json()
    assert (job["kind"], job["status"], job["percent"], job["download_url"]) == (
        "exchange",
        "queued",
        0,
        None,
    )
    assert job["url"] == f"/api/v1/exports/{job['id']}"
    assert alice.get(f"{job['url']}/file").status_code == 409

    from zhiyuan.spreadsheets.export_jobs import run_export

    run_export(job["id"])
    done = alice.get(job["url"]).json()
    # Header aside: carol and dave, the district's teams, carol's record and certificate.
    header, *rows = lines(b"".join(alice.get(done["download_url"]).streaming_content))
    assert (done["status"], done["percent"], done["processed"]) == ("done", 100, len(rows))
    assert done["filename"].startswith("exchange-") and done["filename"].endswith(".jsonl")
    assert client_for(corps.bob).get(done["download_url"]).status_code == 404


def test_the_file_is_written_a_line_at_a_time_with_its_progress(corps, served, monkeypatch):
    monkeypatch.setattr(spreadsheet_exports, "PROGRESS_EVERY", 2)
    out, told = io.BytesIO(), []
    request = exports.ExchangeRequest(region_id=None, start=days_ago(60), end=days_ago(0))
    name = exports.write(actor=corps.alice, request=request, out=out, progress=told.append)
    rows = len(out.getvalue().splitlines()) - 1
    assert name.endswith(".jsonl") and rows == exports.total(actor=corps.alice, request=request)
    assert told == [*range(2, rows + 1, 2), rows]


def test_a_subdistrict_office_exports_its_own_region_only(corps, served, export):
    _, own = export(corps.bob)
    numbers = {r.get("本系统志愿者编号") for r in lines(own) if r["记录类型"] == "志愿者"}
    assert corps.carol.volunteer_no in numbers and corps.dave.volunteer_no not in numbers
    district, _ = export(corps.bob, region_id=corps.district.pk)
    assert district.status_code == 403
    assert export(corps.carol_user)[0].status_code == 403
    assert not ExportJob.objects.filter(created_by=corps.bob, params__region_id=corps.district.pk)


def test_full_values_need_a_reason_and_are_audited(corps, served, export, monkeypatch):
    refused, _ = export(corps.alice, reveal=True)
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    assert not AuditEvent.objects.exists() and not ExportJob.objects.exists()
    monkeypatch.setattr(stored, "SEAL_CHUNK", 100)  # a file sealed in many pieces
    _, full = export(corps.alice, reveal=True, reason="报送全国志愿服务信息系统")
    assert id_number(1) in full.decode() and "13800000001" in full.decode()
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.subject_type) == (
        corps.alice,
        "export",
        "exchange_export",
    )
    # At rest the file is sealed, like an uploaded roster.
    on_disk = ExportJob.objects.get().file.read()
    assert on_disk.count(b"\n") > 2 and id_number(1).encode() not in on_disk


def test_the_xlsx_has_a_sheet_per_record_type_and_the_page_offers_it(
    corps, served, client_for, django_capture_on_commit_callbacks
):
    alice = client_for(corps.alice)
    assert alice.get(reverse("exchange:index")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(
            reverse("exchange:export"),
            {
                "region": corps.district.pk,
                "start": days_ago(60),
                "end": days_ago(0),
                "format": "xlsx",
            },
        )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("spreadsheets:export_job", args=[job.pk])
    page = alice.get(response["Location"]).content.decode()
    assert reverse("exchange:index") in page and 'id="export-download"' in page
    download = alice.get(reverse("spreadsheets:export_download", args=[job.pk]))
    assert download["Content-Disposition"].endswith('.xlsx"')
    records = read_xlsx(b"".join(download.streaming_content), sheet=5)
    assert list(records[0]) == fields.RECORD.names
    assert records[1][fields.RECORD.names.index("服务内容")] == "义务指路"
    assert f"#{job.pk}" in alice.get(reverse("exchange:index")).content.decode()


def test_a_bad_period_is_refused_with_its_reason(corps, client_for):
    response = client_for(corps.alice).post(
        URL,
        {"start": days_ago(0).isoformat(), "end": days_ago(5).isoformat(), "format": "pdf"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"end", "format"}
