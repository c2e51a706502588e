"""Report pages: the dashboard, the statistics workbook, freezing, the yearly report and its wording."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError, ValidationFailed
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import PickerSelect, pick_response
from zhiyuan.places.models import Region
from zhiyuan.reports import (
    access,
    evaluations,
    glossary,
    labels,
    services,
    wording,
    workbook,
    yearly,
)
from zhiyuan.reports.models import ReportFile, ReportTemplate, Snapshot
from zhiyuan.reports.statistics import cached_compute, compute

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _request(request, source):
    """Scope and period from the query (or form); on bad input, the defaults and the error."""
    key = source.get("scope") or None
    try:
        return get_or_page_error(
            access.figures_request, request.user, key, source.get("start"), source.get("end")
        ), None
    except ValidationFailed as exc:
        try:
            fallback = get_or_page_error(access.figures_request, request.user, key, None, None)
        except ValidationFailed:
            fallback = get_or_page_error(access.figures_request, request.user, None, None, None)
        return fallback, exc


# The dashboard's headline figures, in the order their definitions are listed.
HEADLINE_FIGURES = (
    "volunteers_total",
    "volunteers_new",
    "volunteers_active",
    "population",
    "one_in_every",
    "hours_approved",
    "hours_measured",
    "hours_entered",
    "person_times",
    "persons_served",
    "teams_total",
    "stations_total",
    "bases",
    "projects_total",
    "brand_projects",
    "activities_total",
    "civility_person_times",
    "civility_persons_served",
    "helpdesk_persons_served",
    "helpdesk_requests_done",
)
# Ratings and complaints (evaluations.py), in their own section of the dashboard.
EVALUATION_FIGURES = (*evaluations.HEADLINE, *evaluations.RANKINGS)


def partial_month(start, end) -> str | None:
    """The month of the period still running today ("2026-12"), if any: charts mark it."""
    today = timezone.localdate()
    return f"{today:%Y-%m}" if start <= today < end else None


def _dashboard_url(scope, start, end) -> str:
    query = urlencode({"scope": scope.key, "start": start.isoformat(), "end": end.isoformat()})
    return f"{reverse('reports:dashboard')}?{query}"


def _chart_data(f, scope) -> dict:
    outlines = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": name}, "geometry": outline}
            for name, outline in Region.objects.filter(
                level=Region.Level.SUBDISTRICT, outline__isnull=False
            ).values_list("name", "outline")
        ]
        if scope.kind == "region"
        else [],
    }
    return {
        "months": list(f["hours_by_month"]),
        "hours_by_month": list(f["hours_by_month"].values()),
        "person_times_by_month": list(f["person_times_by_month"].values()),
        "persons_served_by_month": list(f["persons_served_by_month"].values()),
        "new_volunteers_by_month": list(f["new_volunteers_by_month"].values()),
        "civility_persons_served_by_month": list(f["civility_persons_served_by_month"].values()),
        "civility_person_times_by_month": list(f["civility_person_times_by_month"].values()),
        "age": labels.relabel(f["volunteers_by_age_band"], labels.AGE_BANDS),
        "political": labels.relabel(f["volunteers_by_political_status"], labels.POLITICAL),
        "stations": labels.relabel(f["stations_by_kind"], labels.STATION_KINDS),
        "audit": labels.relabel(f["stations_by_audit_state"], labels.AUDIT_STATES),
        "stars": labels.relabel(f["star_distribution"], labels.STARS),
        "partial_from": partial_month(f.start, f.end),
        "teams": labels.relabel(f["teams_by_level"], labels.TEAM_LEVELS, labels.TEAM_LEVEL_ORDER),
        "coverage": [
            {
                "name": s["name"],
                "value": round(100 * s["volunteers"] / s["population"], 2)
                if s["population"]
                else 0,
                "volunteers": s["volunteers"],
                "one_in_every": s["one_in_every"],
            }
            for s in f["coverage_by_subdistrict"]
        ],
        "outlines": outlines,
    }


class ScopeForm(forms.Form):
    """The dashboard's scope: hundreds of teams for the corps' admins, so a picker."""

    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"), widget=PickerSelect(attrs={"id": "scope-picker"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        team = _("Team")
        self.fields["scope"].choices = [
            (c.key, f"{team}: {c.label}" if c.kind == "team" else c.label)
            for c in access.scope_choices(user)
        ]


@login_required
def dashboard(request):
    scope_form = ScopeForm(user=request.user)
    picked = pick_response(request, scope_form)
    if picked is not None:
        return picked
    (scope, start, end), error = _request(request, request.GET)
    if error is not None:
        messages.error(request, error.message)
    f = cached_compute(scope, start, end)
    today = timezone.localdate()
    closed = end <= today
    may_freeze = True
    try:
        access.check_may_freeze(request.user, scope)
    except DomainError:
        may_freeze = False
    scope_form.initial = {"scope": scope.key}
    return render(
        request,
        "reports/dashboard.html",
        {
            "f": f,
            "scope": scope,
            "start": start,
            "end": end,
            "scope_form": scope_form,
            "chart_data": _chart_data(f, scope),
            "g": glossary.GLOSSARY,
            "definitions": [
                glossary.GLOSSARY[k]
                for k in (*HEADLINE_FIGURES, *EVALUATION_FIGURES)
                if k in f.data
            ],
            "period_rule": glossary.PERIOD,
            "rated": [
                (glossary.GLOSSARY[k], f.get(k) or [])
                for k in ("ratings_by_project", "ratings_by_team", "ratings_by_station")
            ],
            "may_freeze": may_freeze and closed,
            "may_edit_wording": access.may_edit_wording(request.user),
            "years": list(range(today.year, today.year - 5, -1)),
            "snapshots": snapshots_of(scope),
            "reports": ReportFile.objects.filter(requested_by=request.user).defer("content")[:5],
            "export_url": f"{reverse('reports:export')}?"
            + urlencode({"scope": scope.key, "start": start, "end": end}),
        },
    )


@login_required
def export(request):
    (scope, start, end), error = _request(request, request.GET)
    if error is not None:
        return HttpResponse(str(error.message), status=400, content_type="text/plain")
    f = compute(scope, start, end)
    response = HttpResponse(workbook.build(f), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="statistics-{start}-{end}.xlsx"'
    return response


@login_required
@require_POST
def freeze(request):
    (scope, start, end), error = _request(request, request.POST)
    if error is not None:
        messages.error(request, error.message)
        return redirect(_dashboard_url(scope, start, end))
    try:
        if request.POST.get("action") == "unfreeze":
            get_or_page_error(
                services.unfreeze, actor=request.user, scope=scope, start=start, end=end
            )
            messages.success(request, _("The figures are live again."))
        else:
            get_or_page_error(
                services.freeze, actor=request.user, scope=scope, start=start, end=end
            )
            messages.success(request, _("The figures are frozen."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_dashboard_url(scope, start, end))


@login_required
@require_POST
def yearly_report(request):
    (scope, start, end), _error = _request(request, request.POST)
    try:
        report = services.request_report(
            actor=request.user, scope=scope, year=request.POST.get("year")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_dashboard_url(scope, start, end))
    return redirect("reports:report", report.pk)


@login_required
def report_detail(request, report_id: int):
    report = get_or_page_error(access.report_for, request.user, report_id)
    template = (
        "reports/_report_state.html" if request.headers.get("HX-Request") else "reports/report.html"
    )
    return render(request, template, {"report": report})


@login_required
def download(request, report_id: int):
    report = get_or_page_error(access.report_for, request.user, report_id)
    if report.state != ReportFile.State.DONE:
        return redirect("reports:report", report.pk)
    response = HttpResponse(bytes(report.content), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, report.filename)
    return response


@login_required
def edit_wording(request):
    get_or_page_error(access.check_may_edit_wording, request.user)
    template = yearly.current_wording()
    fields = ("title", *ReportTemplate.SECTIONS)
    errors: dict[str, list[str]] = {}
    values = {f: getattr(template, f) for f in fields}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reset":
                services.reset_wording(actor=request.user)
            elif request.POST.get("action") == "add_left_out":
                services.add_left_out_sentences(actor=request.user)
            else:
                values = {f: request.POST.get(f, "") for f in fields}
                services.save_wording(actor=request.user, texts=values)
        except ValidationFailed as exc:
            errors = exc.as_errors()
        else:
            messages.success(request, _("The report's wording is saved."))
            return redirect("reports:wording")
    rows = [
        {
            "name": f,
            "label": ReportTemplate._meta.get_field(f).verbose_name,
            "value": values[f],
            "errors": errors.get(f, []),
            "heading": wording.HEADINGS.get(f, ""),
            "left_out": wording.left_out(f, values[f]),
        }
        for f in fields
    ]
    return render(
        request,
        "reports/wording.html",
        {
            "rows": rows,
            "any_left_out": any(row["left_out"] for row in rows),
            "placeholders": wording.PLACEHOLDERS,
            "has_errors": bool(errors),
            "status": 400 if errors else 200,
        },
        status=400 if errors else 200,
    )


def snapshots_of(scope) -> list[Snapshot]:
    return list(Snapshot.objects.filter(scope_key=scope.key)[:20])
