"""Training pages: the course list and a course's sessions (public), enrol and cancel, my
training, and the organiser's pages (new course, new session, session roster with
attendance and results)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.places.selectors import administered_regions
from zhiyuan.teams.selectors import managed_teams
from zhiyuan.training import access, selectors, services
from zhiyuan.training.forms import CourseFilterForm, CourseForm, SessionForm


def _volunteer(request):
    return getattr(request.user, "volunteer", None) if request.user.is_authenticated else None


def course_list(request):
    filters = CourseFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.courses(
        selectors.CourseFilter(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            skill=data["skill"].code if data.get("skill") else "",
        )
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "training/list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "may_create": request.user.is_authenticated and access.may_create_courses(request.user),
        },
    )


def course_detail(request, course_id: int):
    course = get_or_page_error(access.course_for, request.user, course_id)
    manager = access.may_manage(request.user, course)
    sessions = list(selectors.sessions_of(course, upcoming_only=not manager))
    volunteer = _volunteer(request)
    held = selectors.held_enrolments(volunteer, [s.pk for s in sessions])
    for session in sessions:
        session.held = held.get(session.pk)
    return render(
        request,
        "training/detail.html",
        {"course": course, "sessions": sessions, "volunteer": volunteer, "may_manage": manager},
    )


@require_POST
@login_required
def enrol(request, session_id: int):
    session = get_or_page_error(access.session_for, request.user, session_id)
    try:
        services.enrol(actor=request.user, session=session)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You are enrolled."))
    return redirect("training:detail", course_id=session.course_id)


@require_POST
@login_required
def cancel(request, enrolment_id: int):
    enrolment = get_or_page_error(access.enrolment_for, request.user, enrolment_id)
    try:
        services.cancel_enrolment(actor=request.user, enrolment=enrolment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your enrolment is cancelled."))
    if request.POST.get("next") == "detail":
        return redirect("training:detail", course_id=enrolment.session.course_id)
    return redirect("training:mine")


@login_required
def my_training(request):
    volunteer = _volunteer(request)
    if volunteer is None:
        return redirect("volunteers:register")
    return render(request, "training/mine.html", selectors.record_of(volunteer))


@login_required
def course_create(request):
    get_or_page_error(access.check_may_create_courses, request.user)
    form = CourseForm(
        request.POST or None,
        teams=managed_teams(request.user).order_by("path"),
        regions=administered_regions(request.user),
    )
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=request.user, **form.create_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The course is set up: now add its sessions."))
            return redirect("training:detail", course_id=course.pk)
    return render(request, "training/course_form.html", {"form": form})


@login_required
def session_create(request, course_id: int):
    course = get_or_page_error(access.course_for, request.user, course_id, manage=True)
    form = SessionForm(request.POST or None)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_session(actor=request.user, course=course, **form.schedule_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect("training:detail", course_id=course.pk)
    return render(request, "training/session_form.html", {"form": form, "course": course})


@login_required
def session_roster(request, session_id: int):
    session = get_or_page_error(access.session_for, request.user, session_id, manage=True)
    return render(
        request,
        "training/session.html",
        {"session": session, "course": session.course, "roster": selectors.roster(session)},
    )


MARKS = {
    "present": ("attendance", True),
    "absent": ("attendance", False),
    "pass": ("completion", True),
    "fail": ("completion", False),
}


@require_POST
@login_required
def mark(request, enrolment_id: int):
    """One button per outcome on the roster: present, absent, passed, failed."""
    enrolment = get_or_page_error(access.enrolment_for, request.user, enrolment_id, manage=True)
    action = MARKS.get(request.POST.get("mark", ""))
    if action is None:
        messages.error(request, _("Choose present, absent, passed or failed."))
    else:
        kind, value = action
        try:
            if kind == "attendance":
                services.mark_attendance(actor=request.user, enrolment=enrolment, attended=value)
            else:
                services.complete(actor=request.user, enrolment=enrolment, passed=value)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Saved for %(name)s.") % {"name": enrolment.volunteer.real_name},
            )
    return redirect("training:session", session_id=enrolment.session_id)
