"""Roster and hours exports: background jobs of their requester, scoped by the caller,
masked unless revealed, reveals audited, files kept a day."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.service.models import ServiceRecord
from zhiyuan.spreadsheets import export_jobs, exports
from zhiyuan.spreadsheets.models import ExportJob
from zhiyuan.teams.models import Membership, Team
from zhiyuan.testing.factories import id_number, read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """`export(client, "roster" | "hours", data)`: ask on the page (the job runs at once on
    the immediate backend), then download from the job's page; returns (response, content)."""

    def go(client, kind: str, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse(f"spreadsheets:export_{kind}"), data or {})
        if response.status_code != 302:
            return response, None
        job = ExportJob.objects.latest("pk")
        assert response["Location"] == reverse("spreadsheets:export_job", args=[job.pk])
        download = client.get(reverse("spreadsheets:export_download", args=[job.pk]))
        assert download.status_code == 200
        return response, b"".join(download) if download.streaming else download.content

    return go


def numbers(content: bytes, column: int = 0) -> set[str]:
    return {row[column] for row in read_xlsx(content)[1:]}


def test_masked_roster_export_is_scoped_to_the_admins_region(cast, client_for, export):
    _, alice = export(client_for(cast.alice), "roster")
    assert numbers(alice) == {cast.carol.volunteer_no, cast.dave.volunteer_no}
    rows = read_xlsx(alice)
    flat = " ".join(str(c) for row in rows for c in row)
    assert id_number(1) not in flat and "13800000001" not in flat
    assert cast.carol.id_number_masked in flat
    _, bob = export(client_for(cast.bob), "roster")
    assert numbers(bob) == {cast.carol.volunteer_no}
    assert not AuditEvent.objects.exists()


def test_roster_and_hours_exports_carry_the_national_number(cast, client_for, export):
    """The national volunteer number (志愿者统一编号) beside the platform's own, in the roster
    and in the hours by volunteer, so a list sent onward can be matched in the national system."""
    from zhiyuan.volunteers.models import Volunteer

    Volunteer.objects.filter(pk=cast.carol.pk).update(national_no="N000000001")
    ServiceRecord.objects.create(
        volunteer=cast.carol,
        team=_team_with_admin(cast),
        served_on=timezone.localdate(),
        hours=Decimal("2"),
        content="文明引导",
        source="measured",
        state="approved",
        recorded_by=cast.alice,
    )
    for kind in ("roster", "hours"):
        _, content = export(client_for(cast.alice), kind)
        header, *rows = read_xlsx(content)
        assert header[:2] == ("志愿者编号", "志愿者统一编号"), kind
        by_number = {row[0]: row[1] for row in rows}
        assert by_number[cast.carol.volunteer_no] == "N000000001", kind
        if kind == "roster":
            assert by_number[cast.dave.volunteer_no] in ("", None)


def test_revealed_export_shows_full_values_and_writes_one_audit_event(cast, client_for, export):
    _, content = export(
        client_for(cast.alice), "roster", {"reveal": "on", "reason": "报送市志愿服务平台"}
    )
    flat = " ".join(str(c) for row in read_xlsx(content) for c in row)
    assert id_number(1) in flat and "13800000001" in flat
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.subject_id) == (cast.alice, "export", "2")
    assert event.reason == "报送市志愿服务平台"
    # At rest the file holding full ID numbers is sealed, like an uploaded roster.
    job = ExportJob.objects.get()
    with job.file.open("rb") as handle:
        assert id_number(1).encode() not in handle.read()


def test_reveal_needs_a_reason_and_a_post(cast, client_for, export):
    client = client_for(cast.alice)
    no_reason, _ = export(client, "roster", {"reveal": "on"})
    assert no_reason.status_code == 400
    assert "原因" in no_reason.content.decode() or "why" in no_reason.content.decode()
    by_link = client.get(reverse("spreadsheets:export_roster"), {"reveal": "on", "reason": "xx"})
    assert by_link.status_code == 405
    assert not AuditEvent.objects.exists() and not ExportJob.objects.exists()


def _team_with_admin(cast):
    team = Team.objects.create(
        name="新兴社区分队", level="squad", region=cast.a1, kind="community", path=""
    )
    team.path = f"/{team.pk}/"
    team.save(update_fields=["path"])
    now = timezone.now()
    Membership.objects.create(
        team=team, volunteer=cast.carol, role="admin", state="active", joined_at=now
    )
    Membership.objects.create(
        team=team, volunteer=cast.dave, role="member", state="active", joined_at=now
    )
    return team


def test_team_admin_exports_their_members_masked_only(cast, client_for, export):
    _team_with_admin(cast)
    client = client_for(cast.carol_user)
    _, content = export(client, "roster")
    assert numbers(content) == {cast.carol.volunteer_no, cast.dave.volunteer_no}
    denied, _ = export(client, "roster", {"reveal": "on", "reason": "想看看"})
    assert denied.status_code == 403
    assert not AuditEvent.objects.exists()


def test_outsiders_cannot_export(cast, client_for):
    assert client_for(cast.erin).post(reverse("spreadsheets:export_roster")).status_code == 403
    assert client_for(cast.erin).post(reverse("spreadsheets:export_hours")).status_code == 403
    assert (
        client_for(cast.erin)
        .post("/api/v1/exports/roster", {}, content_type="application/json")
        .status_code
        == 403
    )
    assert client_for(None).get(reverse("spreadsheets:exports")).status_code == 302


def test_hours_export_totals_and_records_in_the_period(cast, client_for, export):
    team = _team_with_admin(cast)
    today = timezone.localdate()

    def record(volunteer, hours, source, state="approved", served_on=today):
        ServiceRecord.objects.create(
            volunteer=volunteer,
            team=team,
            served_on=served_on,
            hours=Decimal(hours),
            persons_served=3,
            content="文明引导",
            source=source,
            state=state,
            recorded_by=cast.alice,
        )

    record(cast.carol, "2.5", "measured")
    record(cast.carol, "1.5", "entered")
    record(cast.carol, "4", "measured", state="pending")
    record(cast.carol, "9", "measured", served_on=today - dt.timedelta(days=400))
    record(cast.dave, "3", "measured")
    _, content = export(
        client_for(cast.bob),
        "hours",
        {"date_from": today.replace(month=1, day=1).isoformat(), "date_to": today.isoformat()},
    )
    book = load_workbook(io.BytesIO(content), read_only=True)
    totals = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)][2:]
    records = [tuple(r) for r in book.worksheets[1].iter_rows(values_only=True)][2:]
    # bob sees subdistrict A only: carol, not dave.
    assert [(t[0], t[7], t[8], t[9], t[10], t[11], t[12]) for t in totals] == [
        (cast.carol.volunteer_no, 2, 2.5, 1.5, 4, 4, 6)
    ]
    assert len(records) == 3 and {r[1] for r in records} == {cast.carol.volunteer_no}


def test_api_export_reveal_is_audited(cast, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.bob).post(
            "/api/v1/exports/roster",
            {"reveal": True, "reason": "核对名册"},
            content_type="application/json",
        )
    assert response.status_code == 202
    assert AuditEvent.objects.get().subject_id == "1"
    bad = client_for(cast.bob).post(
        "/api/v1/exports/roster", {"reveal": True}, content_type="application/json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    assert ExportJob.objects.count() == 1


def _records(cast, team, days: list[dt.date]) -> None:
    ServiceRecord.objects.bulk_create(
        ServiceRecord(
            volunteer=cast.carol,
            team=team,
            served_on=day,
            hours=Decimal(2),
            persons_served=1,
            content="文明引导",
            source="measured",
            state="approved",
            recorded_by=cast.alice,
        )
        for day in days
    )


def test_api_hours_export_is_a_job_with_progress_and_a_download_for_its_requester_only(
    cast, client_for, django_capture_on_commit_callbacks
):
    team = _team_with_admin(cast)
    _records(cast, team, [dt.date(2025, 1, 5), dt.date(2025, 1, 20), dt.date(2025, 3, 2)])
    bob = client_for(cast.bob)
    with django_capture_on_commit_callbacks(execute=True):
        started = bob.post(
            "/api/v1/exports/hours",
            {"date_from": "2025-01-01", "date_to": "2025-12-31"},
            content_type="application/json",
        )
    assert started.status_code == 202
    job = bob.get(started.json()["url"]).json()
    assert (job["status"], job["percent"], job["total"], job["processed"]) == ("done", 100, 3, 3)
    assert job["filename"] == "服务时长-20250101-20251231.xlsx"
    download = bob.get(job["download_url"])
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download)), read_only=True)
    # The totals, then a sheet per month that has records.
    assert book.sheetnames == ["志愿者服务时长", "志愿服务记录 2025-01", "志愿服务记录 2025-03"]
    assert [r[0] for r in book["志愿服务记录 2025-01"].iter_rows(min_row=3, values_only=True)] == [
        dt.datetime(2025, 1, 5),
        dt.datetime(2025, 1, 20),
    ]
    assert [j["id"] for j in bob.get("/api/v1/exports").json()] == [job["id"]]
    # Nobody else, not even the district office above bob, sees or downloads it.
    alice = client_for(cast.alice)
    assert alice.get(job["url"]).status_code == 404
    assert alice.get(job["download_url"]).status_code == 404
    assert alice.get(reverse("spreadsheets:export_download", args=[job["id"]])).status_code == 404
    assert alice.get("/api/v1/exports").json() == []


def test_a_queued_export_shows_its_progress_and_no_download_yet(cast, client_for):
    job = export_jobs.start_export(
        actor=cast.alice, kind="roster", request=exports.ExportRequest()
    )  # not run: no commit in a test
    client = client_for(cast.alice)
    page = client.get(reverse("spreadsheets:export_job", args=[job.pk]))
    assert 'id="export-progress-bar"' in page.content.decode()
    assert 'hx-get="' in page.content.decode() and "export-download" not in page.content.decode()
    api = client.get(f"/api/v1/exports/{job.pk}").json()
    assert (api["status"], api["download_url"]) == ("queued", None)
    assert client.get(f"/api/v1/exports/{job.pk}/file").status_code == 409


def test_a_file_is_deleted_after_a_day(cast, client_for, export):
    export(client_for(cast.alice), "roster")
    job = ExportJob.objects.get()
    path = job.file.path
    with open(path, "rb"):
        pass
    assert export_jobs.purge_expired() == 0
    later = timezone.now() + export_jobs.KEEP + dt.timedelta(minutes=1)
    # Past its day the download is refused at once, before the purge has run.
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    gone = client_for(cast.alice).get(f"/api/v1/exports/{job.pk}/file")
    assert gone.status_code == 404 and "一天" in gone.json()["message"]
    assert export_jobs.purge_expired(now=later) == 1
    job.refresh_from_db()
    assert (job.status, job.file.name) == ("expired", "")
    import os

    assert not os.path.exists(path)


def test_each_export_defers_the_purge_of_its_file_to_the_end_of_its_day(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    job = export_jobs.start_export(actor=cast.alice, kind="roster", request=exports.ExportRequest())
    export_jobs.run_export(job.pk)
    job.refresh_from_db()
    purges = [r for r in default_task_backend.results if r.task.name == "purge_exports"]
    assert len(purges) == 1
    assert job.expires_at < purges[0].task.run_after <= job.expires_at + dt.timedelta(minutes=5)
