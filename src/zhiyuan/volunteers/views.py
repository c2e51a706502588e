"""Volunteer pages: register, my profile, and the office's roster, review and reveal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pagecache import private_page
from zhiyuan.core.pages import SEEK_PARAMETERS, SeekPaginator, get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.core.security import client_ip, throttle_registration
from zhiyuan.volunteers import access, selectors, services
from zhiyuan.volunteers import availability as avail
from zhiyuan.volunteers.forms import (
    NationalNumberForm,
    PhoneCodeForm,
    ProfileForm,
    ReasonForm,
    RegistrationForm,
    RevealForm,
    RosterFilterForm,
)
from zhiyuan.volunteers.models import PhoneChange

PAGE_SIZE = 20


def _volunteer_or_404(user, volunteer_no: str, *, manage: bool = False):
    return get_or_page_error(access.volunteer_for, user, volunteer_no, manage=manage)


def _require_office_admin(user) -> None:
    get_or_page_error(access.check_roster, user)


def register(request):
    if request.user.is_authenticated and hasattr(request.user, "volunteer"):
        return redirect("volunteers:me")
    is_admin = scopes.is_district_admin(request.user)
    ask_password = not request.user.is_authenticated
    form = RegistrationForm(request.POST or None, ask_password=ask_password)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        try:
            if not request.user.is_authenticated:
                throttle_registration(request)
            volunteer = services.register_volunteer(actor=request.user, **form.register_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if is_admin:
                messages.success(
                    request,
                    _("%(name)s is registered as volunteer %(number)s.")
                    % {"name": volunteer.real_name, "number": volunteer.volunteer_no},
                )
                return redirect("volunteers:manage_detail", volunteer_no=volunteer.volunteer_no)
            if volunteer.user and not request.user.is_authenticated:
                login(
                    request,
                    volunteer.user,
                    backend="zhiyuan.accounts.backends.PhoneOrUsernameBackend",
                )
            messages.success(
                request,
                _(
                    "Thank you! Your volunteer number is %(number)s. The district office will review your registration."
                )
                % {"number": volunteer.volunteer_no},
            )
            return redirect("volunteers:me")
    return render(
        request,
        "volunteers/register.html",
        {"form": form, "is_admin": is_admin, "privacy_version": services.PRIVACY_NOTICE_VERSION},
    )


def privacy_notice(request):
    return render(
        request, "volunteers/privacy.html", {"privacy_version": services.PRIVACY_NOTICE_VERSION}
    )


@login_required
def me(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        return redirect("volunteers:register")
    form = ProfileForm(request.POST or None, initial=_profile_initial(volunteer))
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(actor=request.user, volunteer=volunteer, **form.update_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            change = PhoneChange.objects.filter(volunteer=volunteer).first()
            if change is not None and form.cleaned_data.get("phone"):
                messages.info(
                    request,
                    _("A code was sent to %(phone)s: enter it below to make it your phone.")
                    % {"phone": change.phone_masked},
                )
            return redirect("volunteers:me")
    return _me_page(request, volunteer, form, PhoneCodeForm())


def _profile_initial(volunteer) -> dict:
    return {
        "community": volunteer.community_id,
        "skills": [s.code for s in volunteer.skills.all()],
        "availability": avail.to_slots(volunteer.availability),
        "political_status": volunteer.political_status,
    }


def _me_page(request, volunteer, form, code_form, status=200):
    pending = PhoneChange.objects.filter(volunteer=volunteer, expires_at__gt=timezone.now()).first()
    return render(
        request,
        "volunteers/me.html",
        {
            "volunteer": volunteer,
            "form": form,
            "slots": avail.to_slots(volunteer.availability),
            "pending_phone": pending,
            "code_form": code_form,
        },
        status=status,
    )


@login_required
@require_POST
def confirm_phone(request):
    volunteer = getattr(request.user, "volunteer", None)
    if volunteer is None:
        return redirect("volunteers:register")
    code_form = PhoneCodeForm(request.POST)
    if code_form.is_valid():
        try:
            services.confirm_phone_change(
                actor=request.user, volunteer=volunteer, code=code_form.cleaned_data["code"]
            )
        except DomainError as exc:
            add_domain_error(code_form, exc)
        else:
            messages.success(
                request, _("Your new phone is confirmed: sign in with it from now on.")
            )
            return redirect("volunteers:me")
    return _me_page(request, volunteer, ProfileForm(initial=_profile_initial(volunteer)), code_form)


@login_required
@private_page
def manage_roster(request):
    _require_office_admin(request.user)
    filters = RosterFilterForm(request.GET or None)
    picked = pick_response(request, filters)
    if picked is not None:
        return picked
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.roster_for(
        request.user,
        selectors.RosterFilter(
            q=data.get("q") or "",
            status=data.get("status") or "",
            region_id=data["region"].pk if data.get("region") else None,
            skill=data.get("skill") or "",
        ),
    )
    page = SeekPaginator(selectors.with_skill_list(qs), PAGE_SIZE).page_for(request.GET)
    query = request.GET.copy()
    for name in SEEK_PARAMETERS:
        query.pop(name, None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    if request.headers.get("HX-Request"):
        return render(request, "volunteers/_roster_table.html", context)
    skill = data.get("skill") or ""
    context.update(
        # Options with their selected state decided here: one pass, no template filters.
        skill_options=[(s.code, s.name, s.code == skill) for s in selectors.skills()],
        pending=selectors.pending_count(request.user),
    )
    return render(request, "volunteers/roster.html", context)


@login_required
def manage_detail(request, volunteer_no: str):
    _require_office_admin(request.user)
    volunteer = _volunteer_or_404(request.user, volunteer_no)
    return _detail_page(request, volunteer)


def _detail_page(request, volunteer, national_form=None, status: int = 200):
    initial = {"national_no": volunteer.national_no or ""}
    return render(
        request,
        "volunteers/manage_detail.html",
        {
            "volunteer": volunteer,
            "may_manage": access.may_manage(request.user, volunteer),
            "reason_form": ReasonForm(),
            "reveal_form": RevealForm(),
            "national_form": national_form or NationalNumberForm(initial=initial),
            "slots": avail.to_labels(volunteer.availability),
        },
        status=status,
    )


@require_POST
@login_required
def manage_national_number(request, volunteer_no: str):
    """The office sets, changes or clears a volunteer's national unified number."""
    volunteer = _volunteer_or_404(request.user, volunteer_no, manage=True)
    form = NationalNumberForm(request.POST)
    if form.is_valid():
        try:
            services.update_profile(
                actor=request.user,
                volunteer=volunteer,
                national_no=form.cleaned_data["national_no"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The national volunteer number is saved."))
            return redirect("volunteers:manage_detail", volunteer_no=volunteer_no)
    volunteer.refresh_from_db()
    return _detail_page(request, volunteer, form, status=400)


@require_POST
@login_required
def manage_action(request, volunteer_no: str, action: str):
    volunteer = _volunteer_or_404(request.user, volunteer_no, manage=True)
    reason = request.POST.get("reason", "")
    actions = {
        "approve": lambda: services.approve_volunteer(actor=request.user, volunteer=volunteer),
        "reject": lambda: services.reject_volunteer(
            actor=request.user, volunteer=volunteer, reason=reason
        ),
        "suspend": lambda: services.suspend_volunteer(
            actor=request.user, volunteer=volunteer, reason=reason
        ),
        "reinstate": lambda: services.reinstate_volunteer(actor=request.user, volunteer=volunteer),
    }
    if action not in actions:
        raise Http404
    try:
        volunteer = actions[action]()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(status)s.")
            % {"name": volunteer.real_name, "status": volunteer.get_status_display()},
        )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("volunteers:manage_detail", volunteer_no=volunteer_no)


@require_POST
@login_required
def manage_reveal(request, volunteer_no: str):
    volunteer = _volunteer_or_404(request.user, volunteer_no, manage=True)
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        try:
            value = services.reveal(
                actor=request.user,
                volunteer=volunteer,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    context = {"volunteer": volunteer, "reveal_form": form, "value": value}
    if request.headers.get("HX-Request"):
        return render(request, "volunteers/_reveal.html", context)
    context.update(
        may_manage=True, reason_form=ReasonForm(), slots=avail.to_slots(volunteer.availability)
    )
    return render(request, "volunteers/manage_detail.html", context)
