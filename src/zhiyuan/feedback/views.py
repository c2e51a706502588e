"""Evaluation and complaint pages: rating an activity and its volunteers, filing and
tracking a complaint, and the office's list and handling of complaints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zhiyuan.core.errors import DomainError, NotFound
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.security import client_ip, throttle, throttle_registration
from zhiyuan.feedback import access, selectors, services
from zhiyuan.feedback.models import ActivityRating, Complaint, ComplaintEvidence, ServiceRating
from zhiyuan.projects.access import activity_for, may_organise
from zhiyuan.service.models import Attendance
from zhiyuan.volunteers.models import Volunteer


def _errors(request, exc: DomainError) -> None:
    for errors in exc.as_errors().values():
        for error in errors:
            messages.error(request, error)


@login_required
def activity_ratings(request, activity_id: int):
    """A volunteer rates the activity and its team; its organisers rate each volunteer."""
    activity = get_or_page_error(activity_for, request.user, activity_id)
    organiser = may_organise(request.user, activity.project)
    volunteer = getattr(request.user, "volunteer", None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rate_service" and organiser:
                rated = Volunteer.objects.filter(pk=request.POST.get("volunteer") or 0).first()
                if rated is None:
                    raise NotFound(_("No such volunteer."))
                services.rate_service(
                    actor=request.user,
                    activity=activity,
                    volunteer=rated,
                    score=request.POST.get("score"),
                    comment=request.POST.get("comment", ""),
                )
            else:
                services.rate_activity(
                    actor=request.user,
                    activity=activity,
                    score=request.POST.get("score"),
                    team_score=request.POST.get("team_score"),
                    comment=request.POST.get("comment", ""),
                )
        except DomainError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
        return redirect("feedback:activity", activity_id=activity.pk)
    served = []
    if organiser:
        ratings = {r.volunteer_id: r for r in ServiceRating.objects.filter(activity=activity)}
        seen = set()
        for row in Attendance.objects.filter(shift__activity=activity).select_related("volunteer"):
            if row.volunteer_id not in seen:
                seen.add(row.volunteer_id)
                row.volunteer.rating = ratings.get(row.volunteer_id)
                served.append(row.volunteer)
    mine = (
        ActivityRating.objects.filter(activity=activity, volunteer=volunteer).first()
        if volunteer
        else None
    )
    may_rate = volunteer is not None and mine is None and services.served_in(volunteer, activity)
    return render(
        request,
        "feedback/activity.html",
        {
            "activity": activity,
            "organiser": organiser,
            "served": served,
            "mine": mine,
            "may_rate": may_rate,
            "summary": selectors.activity_summary(activity),
            "scores": range(5, 0, -1),
        },
    )


def file_complaint(request):
    """Anyone, signed in or not, files a complaint and gets a tracking code."""
    values = {
        "subject_type": request.GET.get("subject_type", ""),
        "subject": request.GET.get("subject", ""),
    }
    if request.method == "POST":
        values = request.POST
        try:
            throttle_registration(request)
            complaint = services.file_complaint(
                actor=request.user,
                subject_type=request.POST.get("subject_type", ""),
                subject=request.POST.get("subject", ""),
                what=request.POST.get("what", ""),
                happened_on=request.POST.get("happened_on", ""),
                place=request.POST.get("place", ""),
                contact_name=request.POST.get("contact_name", ""),
                contact=request.POST.get("contact", ""),
                evidence=request.FILES.get("evidence"),
            )
        except DomainError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                _("Your complaint is received. Keep its tracking code: %(code)s")
                % {"code": complaint.code},
            )
            return redirect(f"/feedback/complaints/track/?code={complaint.code}")
    return render(
        request,
        "feedback/file.html",
        {"values": values, "subjects": Complaint.Subject.choices},
    )


def track(request):
    """A complaint's progress by its tracking code (no account needed)."""
    code = (request.GET.get("code") or "").strip()
    complaint, status = None, 200
    if code:
        try:
            throttle("track", client_ip(request), limit=120, window=3600)
            complaint = services.complaint_by_code(code)
        except NotFound:
            status = 404
    return render(
        request,
        "feedback/track.html",
        {"code": code, "complaint": complaint, "not_found": status == 404},
        status=status,
    )


@login_required
def complaint_list(request):
    status = request.GET.get("status", "")
    if status not in Complaint.Status.values:
        status = ""
    query = (request.GET.get("q") or "").strip().upper()
    rows = selectors.complaints_for(request.user, status=status)
    if query:
        rows = rows.filter(code__startswith=query)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/complaints.html",
        {"page": page, "status": status, "q": query, "statuses": Complaint.Status.choices},
    )


@login_required
def complaint_detail(request, complaint_id: int):
    complaint = get_or_page_error(access.complaint_for, request.user, complaint_id)
    revealed = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                services.answer_complaint(
                    actor=request.user, complaint=complaint, answer=request.POST.get("answer", "")
                )
            elif action == "reveal":
                revealed = services.reveal_contact(
                    actor=request.user,
                    complaint=complaint,
                    reason=request.POST.get("reason", ""),
                    ip_address=client_ip(request),
                )
            else:
                services.move_complaint(
                    actor=request.user,
                    complaint=complaint,
                    to=request.POST.get("to", ""),
                    note=request.POST.get("note", ""),
                )
        except DomainError as exc:
            _errors(request, exc)
        else:
            if revealed is None:
                messages.success(request, _("Done."))
                return redirect("feedback:complaint", complaint_id=complaint.pk)
    complaint.refresh_from_db()
    evidence = (
        ComplaintEvidence.objects.filter(complaint=complaint).only("width", "height").first()
        if access.may_see_evidence(request.user, complaint)
        else None
    )
    return render(
        request,
        "feedback/complaint.html",
        {
            "complaint": complaint,
            "events": complaint.events.select_related("actor"),
            "may_handle": access.may_handle(request.user, complaint),
            "may_answer": access.may_answer(request.user, complaint) and complaint.is_open,
            "moves": [
                (to, Complaint.Status(to).label) for to in services.TRANSITIONS[complaint.status]
            ],
            "revealed": revealed,
            "evidence": evidence,
            "evidence_url": reverse("feedback:evidence", args=[complaint.pk]) if evidence else "",
        },
    )


@login_required
def complaint_evidence(request, complaint_id: int):
    """The complainant's photo, for the office in charge and the team concerned; never cached."""
    evidence = get_or_page_error(access.evidence_for, request.user, complaint_id)
    response = HttpResponse(evidence.image(), content_type=evidence.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response
