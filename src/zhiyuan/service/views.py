"""Service-hour pages: the scan page behind a station's poster (and its service worker), my
hours, the approval queue, a shift's attendance for organisers, a record's history, and who
is at a station now."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError
from zhiyuan.core.ids import ids_from, row_id
from zhiyuan.core.pagecache import private_page
from zhiyuan.core.pages import CountedPaginator, get_or_page_error
from zhiyuan.projects.access import shift_for
from zhiyuan.projects.models import SignUp
from zhiyuan.service import access, checkin, outcomes, selectors, services
from zhiyuan.service.models import ServiceRecord
from zhiyuan.stations.access import station_by_token, station_for
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.volunteers.models import Volunteer

QUEUE_PAGE = 50
LEVELS = {"success": messages.SUCCESS, "info": messages.INFO, "warning": messages.WARNING}
WORKER = Path(__file__).resolve().parent.parent / "static" / "js" / "checkin-sw.js"


@cache_control(no_cache=True)
def checkin_worker(request):
    """The check-in pages' service worker, served from /s/ so that its scope covers them."""
    return HttpResponse(WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")


def scan_page(request, token: str):
    """Where the poster's QR code leads: the station, and a check-in / check-out button."""
    station = get_or_page_error(station_by_token, token)
    volunteer = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    result = None
    if request.method == "POST":
        if volunteer is None:
            return redirect(f"/accounts/login/?next={request.path}")
        try:
            position = checkin.position_from(
                request.POST.get("longitude"), request.POST.get("latitude"), "wgs84"
            )
            result = checkin.scan(actor=request.user, token=token, position=position)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            repeated = outcomes.was_repeated(result)
            for note in outcomes.scan_notes(result, repeated=repeated):
                messages.add_message(request, LEVELS[note.level], note.text)
        return redirect(request.path)
    return render(
        request,
        "service/scan.html",
        {
            "station": station,
            "volunteer": volunteer,
            "here": selectors.open_attendance(volunteer, station) if volunteer else None,
        },
    )


def _attendance_done(action: str, ids: list[int] | None) -> str:
    """What the organiser's action did, naming the volunteers it touched (None: everyone)."""
    if ids is None:
        names = _("everyone signed up")
    else:
        names = "、".join(
            Volunteer.objects.filter(pk__in=ids)
            .order_by("real_name")
            .values_list("real_name", flat=True)[:5]
        )
    texts = {
        "check_in": _("Checked in: %(names)s."),
        "check_out": _("Checked out: %(names)s."),
        "confirm": _("Presence confirmed for %(names)s."),
        "hours": _("Hours entered for %(names)s; they wait for approval."),
    }
    return texts.get(action, _("Saved for %(names)s.")) % {"names": names or "—"}


@login_required
@private_page
def my_hours(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        return redirect("volunteers:register")
    if request.method == "POST":
        record = None
        if request.POST.get("record"):
            record = get_or_page_error(access.record_for, request.user, request.POST["record"])
        shift = (
            get_or_page_error(shift_for, request.user, request.POST["shift"])
            if request.POST.get("shift")
            else None
        )
        try:
            services.ask_correction(
                actor=request.user,
                record=record,
                shift=shift,
                hours=request.POST.get("hours", ""),
                message=request.POST.get("message", ""),
            )
        except DomainError as exc:
            for errors in exc.as_errors().values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("Your request is sent to the organisers."))
        return redirect("service:my_hours")
    recorded = ServiceRecord.objects.filter(volunteer=volunteer, shift__isnull=False).values(
        "shift_id"
    )
    missing = (
        SignUp.objects.filter(
            volunteer=volunteer, state=SignUp.State.CONFIRMED, shift__ends_at__lt=timezone.now()
        )
        .exclude(shift_id__in=recorded)
        .select_related("shift__activity")
        .order_by("-starts_at")[:20]
    )
    return render(
        request,
        "service/my_hours.html",
        {
            **selectors.my_hours(volunteer),
            "records": selectors.recent_records(volunteer),
            "missing": missing,
        },
    )


@login_required
@private_page
def approval_queue(request):
    if request.method == "POST":
        ids = ids_from(request.POST.getlist("record"))
        if not ids:
            messages.error(request, _("Tick the records to decide first."))
            return _back_to_queue(request)
        records = [get_or_page_error(access.record_for, request.user, pk) for pk in ids]
        approve = request.POST.get("action") == "approve"
        try:
            decided = services.decide_records(
                actor=request.user,
                records=records,
                approve=approve,
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _decided_message(decided, approve=approve))
        return _back_to_queue(request)
    filters = selectors.QueueFilter.from_query(request.GET)
    queue = selectors.approval_queue(request.user, filters)
    page = CountedPaginator(queue, QUEUE_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "service/queue.html",
        {
            "page": page,
            "records": page.object_list,
            "count": page.paginator.count,
            "filters": filters,
            "query": query.urlencode(),
            "projects": selectors.queue_projects(request.user),
            "activities": (
                selectors.queue_activities(request.user, filters.project) if filters.project else []
            ),
            "corrections": selectors.open_corrections(request.user)[:QUEUE_PAGE],
        },
    )


def _back_to_queue(request):
    """Redirect after the POST to the same page and filters of the queue."""
    back = request.POST.get("next", "")
    keep = back if back.startswith("?") and len(back) > 1 else ""
    return redirect(reverse("service:queue") + keep)


def _decided_message(decided: list[ServiceRecord], *, approve: bool) -> str:
    """Who was decided, by name: one person in full, several as the first names and a count."""
    names = list(dict.fromkeys(r.volunteer.real_name for r in decided))
    shown = "、".join(names[:3]) + (
        _(" and %(n)d more") % {"n": len(names) - 3} if len(names) > 3 else ""
    )
    hours = sum((r.hours for r in decided), Decimal(0))
    values = {"n": len(decided), "names": shown, "hours": hours}
    if approve:
        return _("Approved %(n)d records (%(hours)s hours) of %(names)s.") % values
    return _("Rejected %(n)d records (%(hours)s hours) of %(names)s.") % values


@require_POST
@login_required
def answer_correction(request, request_id: int):
    row = get_or_page_error(access.correction_for, request.user, request_id)
    try:
        services.answer_correction(
            actor=request.user,
            request=row,
            accept=request.POST.get("action") == "accept",
            answer=request.POST.get("answer", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Answered."))
    return redirect("service:queue")


@login_required
def record_detail(request, record_id: int):
    record = get_or_page_error(access.record_for, request.user, record_id)
    may_correct = (
        may_manage_team(request.user, record.team) and record.volunteer.user_id != request.user.pk
    )
    if request.method == "POST" and may_correct:
        try:
            new = services.correct_record(
                actor=request.user,
                record=record,
                hours=request.POST.get("hours", ""),
                reason=request.POST.get("reason", ""),
            )
        except DomainError as exc:
            for errors in exc.as_errors().values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("Corrected: version %(v)d.") % {"v": new.version})
            return redirect("service:record", record_id=new.pk)
    return render(
        request,
        "service/record.html",
        {"record": record, "versions": selectors.history(record), "may_correct": may_correct},
    )


def _count(raw) -> int | None:
    """A whole number typed in a form; None (refused by the service) when it is not one."""
    raw = (raw or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else None


@login_required
def shift_attendance(request, shift_id: int):
    shift = get_or_page_error(shift_for, request.user, shift_id, organise=True)
    if request.method == "POST":
        action = request.POST.get("action")
        ids = ids_from(request.POST.getlist("volunteer")) or None
        try:
            if action == "check_in":
                checkin.organiser_check_in(actor=request.user, shift=shift, volunteer_ids=ids)
            elif action == "check_out":
                checkin.organiser_check_out(actor=request.user, shift=shift, volunteer_ids=ids)
            elif action == "confirm":
                checkin.confirm_attendance(actor=request.user, shift=shift, volunteer_ids=ids)
            elif action == "hours":
                volunteer_id = row_id(request.POST.get("volunteer_id"))
                volunteer = volunteer_id and Volunteer.objects.filter(pk=volunteer_id).first()
                if not volunteer:
                    raise Http404
                ids = [volunteer.pk]
                services.enter_hours(
                    actor=request.user,
                    shift=shift,
                    volunteer=volunteer,
                    hours=request.POST.get("hours", ""),
                    reason=request.POST.get("reason", ""),
                    persons_served=_count(request.POST.get("persons_served")),
                )
            else:
                raise Http404
        except DomainError as exc:
            for errors in exc.as_errors().values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _attendance_done(action, ids))
        return redirect("service:shift", shift_id=shift.pk)
    attendance = selectors.shift_attendance(shift)
    signups = list(
        SignUp.objects.filter(shift=shift, state=SignUp.State.CONFIRMED).select_related("volunteer")
    )
    records = {
        r.volunteer_id: r for r in ServiceRecord.objects.filter(shift=shift, is_current=True)
    }
    for signup in signups:
        signup.attendance = attendance.get(signup.volunteer_id)
        signup.record = records.get(signup.volunteer_id)
    return render(request, "service/shift.html", {"shift": shift, "signups": signups})


@login_required
def station_live(request, station_id: int):
    station = get_or_page_error(station_for, request.user, station_id, manage=True)
    return render(
        request, "service/live.html", {"station": station, "present": selectors.present_at(station)}
    )
