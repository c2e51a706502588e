"""Project pages: 项目公布 list and project page with sign-up, my shifts and the .ics feed,
and the organiser's pages (new project, schedule, shift roster)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.projects import access, ics, scheduling, selectors, services, signups
from zhiyuan.projects.eligibility import unmet_conditions
from zhiyuan.projects.forms import (
    ActivityForm,
    ProjectFilterForm,
    ProjectForm,
    SeriesForm,
    ShiftForm,
)
from zhiyuan.projects.models import CalendarFeed, Shift
from zhiyuan.teams.selectors import managed_teams

SHIFTS_PAGE = 20


def project_list(request):
    filters = ProjectFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.published_projects(
        selectors.ProjectFilter(
            q=data.get("q") or "",
            category=data["category"].code if data.get("category") else "",
            region_id=data["region"].pk if data.get("region") else None,
            date_from=data.get("date_from"),
            skill=data["skill"].code if data.get("skill") else "",
        )
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    organising = request.user.is_authenticated and managed_teams(request.user).exists()
    return render(
        request,
        "projects/list.html",
        {"filters": filters, "page": page, "query": query.urlencode(), "organising": organising},
    )


def _volunteer(request):
    return getattr(request.user, "volunteer", None) if request.user.is_authenticated else None


def project_detail(request, project_id: int):
    project = get_or_page_error(access.project_for, request.user, project_id)
    volunteer = _volunteer(request)
    filters = selectors.ShiftFilter.from_query(request.GET)
    page = Paginator(
        selectors.project_shifts(
            project, volunteer if volunteer and volunteer.is_active else None, filters
        ),
        SHIFTS_PAGE,
    ).get_page(request.GET.get("page"))
    shifts = list(page.object_list)
    held = selectors.holdings(volunteer, [shift.pk for shift in shifts])
    skill_ids = set(volunteer.skills.values_list("pk", flat=True)) if volunteer else set()
    now = timezone.now()
    for shift in shifts:
        shift.held = held.get(shift.pk)
        shift.started = shift.starts_at <= now
        shift.refusals = (
            unmet_conditions(
                volunteer,
                shift,
                required_skill_ids=[k.pk for k in shift.required_skills.all()],
                skill_ids=skill_ids,
            )
            if volunteer is not None and not shift.held
            else []
        )
    stations, regions = selectors.shift_places(project)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "page": page,
            "shifts": shifts,
            "filters": filters,
            "query": query.urlencode(),
            "stations": stations,
            "regions": regions,
            "volunteer": volunteer,
            "may_organise": access.may_organise(request.user, project),
        },
    )


@require_POST
@login_required
def shift_sign_up(request, shift_id: int):
    shift = get_or_page_error(access.shift_for, request.user, shift_id)
    try:
        signup = signups.sign_up(actor=request.user, shift=shift)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if signup.state == "confirmed":
            messages.success(request, _("You are signed up for %(role)s.") % {"role": shift.role})
        else:
            messages.info(request, _("The shift is full: you are on the waitlist."))
    return redirect("projects:detail", project_id=shift.activity.project_id)


@require_POST
@login_required
def signup_cancel(request, signup_id: int):
    signup = get_or_page_error(access.signup_for, request.user, signup_id)
    try:
        signups.cancel_signup(actor=request.user, signup=signup)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your sign-up is cancelled."))
    if request.POST.get("next") == "detail":
        return redirect("projects:detail", project_id=signup.shift.activity.project_id)
    return redirect("projects:my_shifts")


@login_required
def my_shifts(request):
    volunteer = _volunteer(request)
    if volunteer is None:
        return redirect("volunteers:register")
    if request.method == "POST":  # the calendar link, asked for the first time
        signups.open_calendar_feed(actor=request.user)
        return redirect("projects:my_shifts")
    feed = selectors.calendar_feed(volunteer)
    feed_url = feed and request.build_absolute_uri(f"/projects/calendar/{feed.token}.ics")
    return render(
        request, "projects/my_shifts.html", {**selectors.my_shifts(volunteer), "feed_url": feed_url}
    )


def calendar_feed(request, token: str):
    feed = get_object_or_404(CalendarFeed.objects.select_related("volunteer"), token=token)
    signups = (
        selectors.my_signups(feed.volunteer)
        .filter(state__in=("confirmed", "waitlisted"))
        .select_related("shift__activity__project__organiser", "shift__activity__station")
    )
    body = ics.feed(
        signups,
        host=request.get_host(),
        name=_("My volunteer shifts"),
        base_url=request.build_absolute_uri("/"),
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def project_create(request):
    teams = managed_teams(request.user).filter(status="active").order_by("path")
    if not teams.exists():
        raise DjangoPermissionDenied(_("Only team admins may create projects."))
    form = ProjectForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            project = services.create_project(
                actor=request.user,
                name=data["name"],
                category=data["category"],
                organiser=data["organiser"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                description=data["description"],
                target_recipients=data["target_recipients"],
                is_brand=data["is_brand"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The project is saved as a draft."))
            return redirect("projects:manage", project_id=project.pk)
    return render(request, "projects/form.html", {"form": form})


@login_required
def project_manage(request, project_id: int):
    project = get_or_page_error(access.project_for, request.user, project_id, organise=True)
    activity_form = ActivityForm(prefix="activity")
    series_form = SeriesForm(prefix="series")
    action = request.POST.get("action")
    if request.method == "POST":
        try:
            if action == "publish":
                services.publish_project(actor=request.user, project=project)
                messages.success(request, _("The project is published."))
            elif action == "close":
                services.close_project(actor=request.user, project=project)
                messages.success(request, _("The project is closed."))
            elif action == "activity":
                activity_form = ActivityForm(request.POST, prefix="activity")
                if activity_form.is_valid():
                    activity = scheduling.create_activity(
                        actor=request.user, project=project, **activity_form.cleaned_data
                    )
                    messages.success(
                        request,
                        _("“%(title)s” is scheduled: now add its shifts.")
                        % {"title": activity.title},
                    )
                    return redirect("projects:activity_shifts", activity_id=activity.pk)
            elif action == "series":
                series_form = SeriesForm(request.POST, prefix="series")
                if series_form.is_valid():
                    data = series_form.cleaned_data
                    series = scheduling.create_series(
                        actor=request.user,
                        project=project,
                        title=data["title"],
                        frequency=data["frequency"],
                        day=data["day"],
                        start_time=data["start_time"],
                        end_time=data["end_time"],
                        first_date=data["first_date"],
                        last_date=data["last_date"],
                        stations=list(data["stations"]),
                        shift_template=[{"role": data["role"], "capacity": data["capacity"]}],
                    )
                    messages.success(
                        request,
                        _("%(n)d activities are scheduled.") % {"n": series.activities.count()},
                    )
                    return redirect("projects:manage", project_id=project.pk)
            elif action == "cancel_activity":
                activity = get_or_page_error(
                    access.activity_for, request.user, request.POST.get("activity"), organise=True
                )
                scheduling.cancel_activity(
                    actor=request.user, activity=activity, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The activity is cancelled."))
            if action in ("publish", "close", "cancel_activity"):
                return redirect("projects:manage", project_id=project.pk)
        except DomainError as exc:
            form = (
                activity_form
                if action == "activity"
                else series_form
                if action == "series"
                else None
            )
            if form is not None:
                add_domain_error(form, exc)
            else:
                messages.error(request, str(exc.message))
    return render(
        request,
        "projects/manage.html",
        {
            "project": project,
            "activities": selectors.upcoming_activities(project, limit=50),
            "activity_form": activity_form,
            "series_form": series_form,
        },
    )


@login_required
def activity_shifts(request, activity_id: int):
    activity = get_or_page_error(access.activity_for, request.user, activity_id, organise=True)
    form = ShiftForm(
        request.POST or None, initial={"starts_at": activity.starts_at, "ends_at": activity.ends_at}
    )
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.create_shift(actor=request.user, activity=activity, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The shift “%(role)s” is added to “%(title)s”; add another or go back.")
                % {"role": form.cleaned_data["role"], "title": activity.title},
            )
            return redirect("projects:activity_shifts", activity_id=activity.pk)
    return render(request, "projects/shift_form.html", {"activity": activity, "form": form})


@login_required
def shift_roster(request, shift_id: int):
    shift = get_or_page_error(access.shift_for, request.user, shift_id, organise=True)
    if request.method == "POST":
        signup = get_or_page_error(access.signup_for, request.user, request.POST.get("signup"))
        if signup.shift_id != shift.pk:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "confirm":
                signups.confirm_signup(actor=request.user, signup=signup)
            elif action == "remove":
                signups.remove_signup(
                    actor=request.user, signup=signup, reason=request.POST.get("reason", "")
                )
            elif action == "no_show":
                signups.mark_no_show(actor=request.user, signup=signup)
            else:
                raise Http404
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            done = {
                "confirm": _("%(name)s is confirmed for %(role)s."),
                "remove": _("%(name)s is removed from %(role)s."),
                "no_show": _("%(name)s is marked as not having come to %(role)s."),
            }[action]
            messages.success(
                request, done % {"name": signup.volunteer.real_name, "role": shift.role}
            )
        return redirect("projects:roster", shift_id=shift.pk)
    return render(
        request,
        "projects/roster.html",
        {"shift": Shift.objects.get(pk=shift.pk), "signups": selectors.roster(shift)},
    )
