"""API: roster imports (upload, columns, start, status, error report) and .xlsx export jobs."""

from __future__ import annotations

import datetime as dt

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from zhiyuan.core.errors import NotFound
from zhiyuan.core.security import client_ip
from zhiyuan.spreadsheets import access, export_jobs, exports, selectors, services
from zhiyuan.spreadsheets.models import ExportJob, ImportIssue, ImportJob
from zhiyuan.spreadsheets.views import export_response

router = Router(tags=["spreadsheets"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JobOut(Schema):
    id: int
    status: str
    original_name: str
    sheets: list[str]
    sheet: str
    all_sheets: bool
    scope_id: int
    default_community_id: int | None
    header_row: int
    columns: list[str]
    mapping: dict[str, int]
    total: int
    processed: int
    percent: int
    imported: int
    duplicates: int
    errors: int
    warnings: int
    failure: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    files_deleted_at: dt.datetime | None
    error_report_url: str | None

    @staticmethod
    def resolve_error_report_url(obj: ImportJob) -> str | None:
        if not obj.error_report:
            return None
        return reverse("api:import_error_report", kwargs={"job_id": obj.pk})


class UploadIn(Schema):
    scope_id: int | None = None
    community_default: str = Field("", max_length=20)
    consent_confirmed: bool = False
    start: bool = False


class MappingIn(Schema):
    header_row: int | None = None
    mapping: dict[str, int | None] = {}
    sheet: str | None = Field(None, max_length=100)
    all_sheets: bool = False


class IssueOut(Schema):
    row: int
    sheet: str
    kind: str
    column: str
    value: str
    reason: str

    @staticmethod
    def resolve_row(obj: ImportIssue) -> int:
        return obj.job.sheet_and_row(obj.row)[1]

    @staticmethod
    def resolve_sheet(obj: ImportIssue) -> str:
        """The sheet of the row when the import reads several; empty otherwise."""
        return obj.job.sheet_and_row(obj.row)[0]


class SpreadsheetExportIn(Schema):
    reveal: bool = False
    reason: str = Field("", max_length=300)
    status: str = ""
    region_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.post("/imports", response={201: JobOut})
def upload(request, file: File[UploadedFile], payload: Form[UploadIn]):
    """Upload a roster; the header row and columns are guessed. With `start`, it starts too."""
    job = services.create_job(
        actor=request.auth,
        name=file.name or "",
        data=file.read(),
        scope_id=payload.scope_id,
        community_default=payload.community_default,
        consent_confirmed=payload.consent_confirmed,
    )
    if payload.start:
        services.start_job(actor=request.auth, job=job)
    return Status(201, job)


@router.get("/imports", response=list[JobOut])
def list_jobs(request):
    return list(selectors.jobs_for(request.auth)[:50])


@router.get("/imports/{job_id}", response=JobOut)
def job_status(request, job_id: int):
    return access.job_for(request.auth, job_id)


@router.put("/imports/{job_id}/mapping", response=JobOut)
def set_mapping(request, job_id: int, payload: MappingIn):
    """Choose the sheet (`sheet`, with `all_sheets` every sheet with the same header; the
    header and columns are found again), or correct the header row, or the columns."""
    job = access.job_for(request.auth, job_id)
    if payload.sheet is not None:
        return services.choose_sheet(
            actor=request.auth, job=job, sheet=payload.sheet, all_sheets=payload.all_sheets
        )
    return services.set_mapping(
        actor=request.auth, job=job, mapping=payload.mapping, header_row=payload.header_row
    )


@router.post("/imports/{job_id}/start", response=JobOut)
def start(request, job_id: int):
    job = access.job_for(request.auth, job_id)
    return services.start_job(actor=request.auth, job=job)


@router.post("/imports/{job_id}/resume", response=JobOut)
def resume(request, job_id: int):
    job = access.job_for(request.auth, job_id)
    return services.resume_job(actor=request.auth, job=job)


@router.get("/imports/{job_id}/issues", response=list[IssueOut])
def issues(request, job_id: int, offset: int = 0, limit: int = 200):
    job = access.job_for(request.auth, job_id)
    limit = max(1, min(limit, 1000))
    return list(selectors.issues_of(job)[max(offset, 0) : max(offset, 0) + limit])


@router.get("/imports/{job_id}/errors.xlsx", url_name="import_error_report")
def download_error_report(request, job_id: int):
    job = access.job_for(request.auth, job_id)
    if not job.error_report:
        raise NotFound(_("This import has no error report."))
    return FileResponse(
        job.error_report.open("rb"),
        as_attachment=True,
        filename=f"import-{job.pk}-errors.xlsx",
        content_type=XLSX,
    )


class ExportJobOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    total: int
    processed: int
    percent: int
    filename: str
    size: int
    failure: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    url: str
    download_url: str | None

    @staticmethod
    def resolve_status_label(obj: ExportJob) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_url(obj: ExportJob) -> str:
        return reverse("api:export_job", kwargs={"job_id": obj.pk})

    @staticmethod
    def resolve_download_url(obj: ExportJob) -> str | None:
        if not obj.is_ready:
            return None
        return reverse("api:export_download", kwargs={"job_id": obj.pk})


def _export_request(request, payload: SpreadsheetExportIn) -> exports.ExportRequest:
    return exports.ExportRequest(
        reveal=payload.reveal,
        reason=payload.reason,
        ip_address=client_ip(request),
        status=payload.status,
        region_id=payload.region_id,
        date_from=payload.date_from,
        date_to=payload.date_to,
    )


@router.post("/exports/roster", response={202: ExportJobOut})
def export_roster(request, payload: SpreadsheetExportIn):
    """Start writing the caller's roster as .xlsx in the background; poll the job's `url`,
    then fetch its `download_url`. `reveal` (office admins, with a reason) is audited."""
    job = export_jobs.start_export(
        actor=request.auth, kind=ExportJob.Kind.ROSTER, request=_export_request(request, payload)
    )
    return Status(202, _fresh(job))


@router.post("/exports/hours", response={202: ExportJobOut})
def export_hours(request, payload: SpreadsheetExportIn):
    """Start writing service hours in a period (default: this year) as .xlsx in the
    background: a totals sheet, then the records a sheet per month."""
    job = export_jobs.start_export(
        actor=request.auth, kind=ExportJob.Kind.HOURS, request=_export_request(request, payload)
    )
    return Status(202, _fresh(job))


def _fresh(job: ExportJob) -> ExportJob:
    # A backend that runs at once (or a fast worker) may have finished it already.
    job.refresh_from_db()
    return job


@router.get("/exports", response=list[ExportJobOut])
def my_exports(request):
    """The caller's exports of the last days, newest first."""
    return list(selectors.exports_of(request.auth)[:50])


@router.get("/exports/{job_id}", response=ExportJobOut, url_name="export_job")
def export_status(request, job_id: int):
    return access.export_for(request.auth, job_id)


@router.get("/exports/{job_id}/file", url_name="export_download")
def export_download(request, job_id: int):
    """The finished file (its requester only), for a day."""
    return export_response(access.export_for(request.auth, job_id))
