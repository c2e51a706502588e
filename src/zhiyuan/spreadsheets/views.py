"""Import and export pages: upload, column check, progress, result, error report; exports
asked for, their progress and their download."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.core.security import client_ip
from zhiyuan.spreadsheets import (
    access,
    columns,
    export_jobs,
    exports,
    selectors,
    services,
    stored,
    value_step,
)
from zhiyuan.spreadsheets.forms import ExportForm, MappingForm, UploadForm
from zhiyuan.spreadsheets.models import ExportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ISSUES_SHOWN = 50
EXPORTS_SHOWN = 10


def _require_importer(user) -> None:
    if not scopes.is_district_admin(user):
        raise DjangoPermissionDenied(_("Only office admins may import volunteers."))


def _job(request, job_id: int):
    return get_or_page_error(access.job_for, request.user, job_id)


@login_required
def import_page(request):
    _require_importer(request.user)
    regions = list(selectors.import_regions(request.user))
    form = UploadForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.create_job(
                actor=request.user,
                name=upload.name,
                data=upload.read(),
                scope_id=form.cleaned_data["scope"],
                community_default=form.cleaned_data["community_default"],
                consent_confirmed=form.cleaned_data["consent_confirmed"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("spreadsheets:review", job_id=job.pk)
    jobs = selectors.jobs_for(request.user)[:20]
    status = 400 if form.errors else 200
    return render(request, "spreadsheets/import.html", {"form": form, "jobs": jobs}, status=status)


@login_required
def review(request, job_id: int):
    _require_importer(request.user)
    job = _job(request, job_id)
    if job.status != job.Status.UPLOADED:
        return redirect("spreadsheets:job", job_id=job.pk)
    if request.method == "POST" and "choose_sheet" in request.POST:
        try:
            services.choose_sheet(
                actor=request.user,
                job=job,
                sheet=request.POST.get("sheet", ""),
                all_sheets=bool(request.POST.get("all_sheets")),
            )
        except DomainError as exc:
            for messages_ in exc.as_errors().values():
                for message in messages_:
                    messages.error(request, message)
        else:
            messages.success(request, _("The sheet is chosen: check the columns again."))
        return redirect("spreadsheets:review", job_id=job.pk)
    form = MappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            header_row = form.cleaned_data["header_row"]
            if header_row != job.header_row:
                services.set_mapping(actor=request.user, job=job, mapping={}, header_row=header_row)
                messages.info(request, _("The header row changed: check the columns again."))
                return redirect("spreadsheets:review", job_id=job.pk)
            services.set_mapping(
                actor=request.user,
                job=job,
                mapping=form.mapping(),
                existing=form.cleaned_data.get("existing") or None,
            )
            if "start" in request.POST:
                services.start_job(actor=request.user, job=job)
                return redirect("spreadsheets:job", job_id=job.pk)
            messages.success(request, _("The columns are saved."))
            return redirect("spreadsheets:review", job_id=job.pk)
        except DomainError as exc:
            errors = {
                (f"map_{name}" if name in columns.FIELDS else name): msgs
                for name, msgs in exc.as_errors().items()
            }
            for name, msgs in errors.items():
                for message in msgs:
                    form.add_error(name if name in form.fields else None, message)
    width = len(job.columns)
    samples = [(row + [""] * width)[:width] for row in stored.preview(job)]
    header = [(columns.column_letter(i), title) for i, title in enumerate(job.columns)]
    fields = [(form[f"map_{name}"], name in columns.REQUIRED) for name in columns.FIELDS]
    return render(
        request,
        "spreadsheets/review.html",
        {
            "job": job,
            "form": form,
            "header": header,
            "samples": samples,
            "fields": fields,
            "unknown": _unknown_rows(job),
            "included": stored.included_sheets(job) if job.all_sheets else [],
        },
        status=400 if form.errors else 200,
    )


def _unknown_rows(job) -> list[dict]:
    """The value step's table: each unknown word with its rows and the choices for it."""
    titles = {name: str(label) for name, label in columns.FIELDS.items()}
    return [
        {
            "index": i,
            "field": value.field,
            "column": titles.get(value.field, value.field),
            "word": value.word,
            "rows": value.rows,
            "options": value_step.options(value.field),
        }
        for i, value in enumerate(value_step.unknown_values(job, value_step.rows_of(job)))
    ]


@require_POST
@login_required
def choose_values(request, job_id: int):
    _require_importer(request.user)
    job = _job(request, job_id)
    choices = {}
    for key, word in request.POST.items():
        if key.startswith("word_"):
            index = key.removeprefix("word_")
            field = request.POST.get(f"field_{index}", "")
            choices[(field, word)] = request.POST.get(f"choice_{index}", "")
    try:
        stored = value_step.choose_values(actor=request.user, job=job, choices=choices)
    except DomainError as exc:
        for messages_ in exc.as_errors().values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(
            request, _("%(n)d choices saved: they apply to every row.") % {"n": stored}
        )
    return redirect("spreadsheets:review", job_id=job.pk)


@login_required
def job_detail(request, job_id: int):
    _require_importer(request.user)
    job = _job(request, job_id)
    return render(
        request,
        "spreadsheets/job.html",
        {
            "job": job,
            "issues": selectors.issues_of(job)[:ISSUES_SHOWN] if job.is_finished else [],
            "stalled": services.is_stalled(job),
            "keep_days": settings.IMPORT_KEEP_DAYS,
        },
    )


@login_required
def job_progress(request, job_id: int):
    _require_importer(request.user)
    job = _job(request, job_id)
    if job.is_finished and request.headers.get("HX-Request"):
        # The result has a different layout: reload the whole page once.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "spreadsheets/_progress.html",
        {"job": job, "stalled": services.is_stalled(job)},
    )


@require_POST
@login_required
def resume(request, job_id: int):
    _require_importer(request.user)
    job = _job(request, job_id)
    try:
        services.resume_job(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("spreadsheets:job", job_id=job.pk)


@login_required
def error_report(request, job_id: int):
    _require_importer(request.user)
    job = _job(request, job_id)
    if not job.error_report:
        raise Http404
    return FileResponse(
        job.error_report.open("rb"),
        as_attachment=True,
        filename=f"import-{job.pk}-errors.xlsx",
        content_type=XLSX,
    )


def _require_exporter(user) -> None:
    try:
        access.check_export(user)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None


def _export_context(request, form):
    return {
        "form": form,
        "may_reveal": scopes.is_district_admin(request.user),
        "choose_region": "region" in form.fields,
        "jobs": selectors.exports_of(request.user)[:EXPORTS_SHOWN],
    }


def _export_form(request, data=None) -> ExportForm:
    return ExportForm(data, choose_region=scopes.is_district_admin(request.user))


@login_required
def export_page(request):
    _require_exporter(request.user)
    form = _export_form(request)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    return render(request, "spreadsheets/exports.html", _export_context(request, form))


def _start_export(request, kind: str):
    _require_exporter(request.user)
    form = _export_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        export_request = exports.ExportRequest(
            reveal=data["reveal"],
            reason=data["reason"],
            ip_address=client_ip(request),
            status=data["status"],
            region_id=data["region"].pk if data.get("region") else None,
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
        try:
            job = export_jobs.start_export(actor=request.user, kind=kind, request=export_request)
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc.message)) from None
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("spreadsheets:export_job", job_id=job.pk)
    return render(request, "spreadsheets/exports.html", _export_context(request, form), status=400)


@require_POST
@login_required
def export_roster(request):
    return _start_export(request, ExportJob.Kind.ROSTER)


@require_POST
@login_required
def export_hours(request):
    return _start_export(request, ExportJob.Kind.HOURS)


def _job_context(job: ExportJob) -> dict:
    # The page that asks for this kind of export: the way back, and to ask again.
    return {"job": job, "asked_on": export_jobs.kind_of(job)}


@login_required
def export_job(request, job_id: int):
    job = get_or_page_error(access.export_for, request.user, job_id)
    return render(request, "spreadsheets/export_job.html", _job_context(job))


@login_required
def export_progress(request, job_id: int):
    job = get_or_page_error(access.export_for, request.user, job_id)
    return render(request, "spreadsheets/_export_progress.html", _job_context(job))


def export_response(job: ExportJob):
    """The finished file as a download; a clear error while it is being written, or once it
    has been deleted after its day."""
    if job.is_busy:
        raise Conflict(_("The export is still being written: wait for the download link."))
    if not job.is_ready:
        raise NotFound(
            _("This export is no longer kept (files are deleted a day after they are ready).")
            if job.status != ExportJob.Status.FAILED
            else _("This export failed: ask for it again.")
        )
    content_type = export_jobs.content_type(job)
    content = export_jobs.file_content(job)
    if content is not None:
        response = StreamingHttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, job.filename)
        return response
    return FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=content_type
    )


@login_required
def export_download(request, job_id: int):
    job = get_or_page_error(access.export_for, request.user, job_id)
    try:
        return export_response(job)
    except NotFound as exc:
        messages.error(request, str(exc.message))
    except Conflict as exc:
        messages.info(request, str(exc.message))
    return redirect("spreadsheets:export_job", job_id=job.pk)
