"""Help-desk pages: 我要求助 and tracking (no account), the office's requests and recipients,
matching runs with their proposals, and volunteers' recommendations."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.core import qr
from zhiyuan.core.errors import DomainError, NotFound
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.security import client_ip, throttle, throttle_registration
from zhiyuan.helpdesk import access, proposals, recipients, selectors, services, workflow
from zhiyuan.helpdesk.forms import (
    CompleteForm,
    RateForm,
    ReasonForm,
    RecipientForm,
    RevealForm,
    RunForm,
    SubmitForm,
    SwapForm,
    TrackForm,
)
from zhiyuan.helpdesk.models import HelpKind, HelpRequest, Proposal, RecipientCategory
from zhiyuan.volunteers.models import Volunteer

PAGE_SIZE = 20
SUBMITTED = "helpdesk_submitted_code"


def submit(request):
    form = SubmitForm(request.POST or None)
    key = request.POST.get("idempotency_key", "") if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        try:
            throttle_registration(request)
            help_request = services.submit_request(
                actor=request.user, idempotency_key=key, **form.submit_kwargs()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # Redirect after the POST: a refresh shows the code again, it files nothing.
            request.session[SUBMITTED] = help_request.code
            return redirect("helpdesk:received")
    return render(
        request,
        "helpdesk/submit.html",
        {"form": form, "idempotency_key": key or uuid.uuid4().hex},
    )


def received(request):
    """The page after a help request is sent: its tracking code, to copy or scan."""
    code = request.session.get(SUBMITTED)
    if not code:
        return redirect("helpdesk:track")
    help_request = get_object_or_404(HelpRequest, code=code)
    link = request.build_absolute_uri(reverse("helpdesk:track_code", args=[code]))
    return render(
        request,
        "helpdesk/submitted.html",
        {
            "help_request": help_request,
            "track_url": link,
            "qr": qr.svg(link, label=_("QR code of the tracking link")),
        },
    )


def track(request):
    form = TrackForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        return redirect("helpdesk:track_code", code=code)
    return render(request, "helpdesk/track.html", {"form": form})


def track_code(request, code: str):
    throttle_key = client_ip(request)
    try:
        throttle("track", throttle_key, limit=120, window=3600)
        help_request = services.request_by_code(code)
    except NotFound:
        return render(
            request, "helpdesk/track.html", {"form": TrackForm(), "not_found": True}, status=404
        )
    rate_form, cancel_form = RateForm(), ReasonForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "rate":
                rate_form = RateForm(request.POST)
                if rate_form.is_valid():
                    workflow.rate_request(code=code, **rate_form.cleaned_data)
                    messages.success(request, _("Thank you for your rating."))
                    return redirect("helpdesk:track_code", code=help_request.code)
            elif action == "cancel":
                cancel_form = ReasonForm(request.POST)
                if cancel_form.is_valid():
                    workflow.cancel_request(
                        actor=request.user,
                        request=help_request,
                        reason=cancel_form.cleaned_data["reason"],
                        by_requester=True,
                    )
                    messages.success(request, _("Your request is cancelled."))
                    return redirect("helpdesk:track_code", code=help_request.code)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return render(
        request,
        "helpdesk/track_code.html",
        {
            "help_request": help_request,
            "events": help_request.events.all(),
            "assigned": help_request.assignments.filter(state="active").count(),
            "rate_form": rate_form,
            "cancel_form": cancel_form,
        },
    )


@login_required
def request_list(request):
    filters = selectors.RequestFilter(
        q=request.GET.get("q", ""),
        status=request.GET.get("status", ""),
        kind=request.GET.get("kind", ""),
    )
    page = Paginator(selectors.request_list(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "helpdesk/request_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": HelpRequest.Status.choices,
            "kinds": HelpKind.choices,
        },
    )


@login_required
def request_detail(request, pk: int):
    help_request = get_or_page_error(access.request_for, request.user, pk)
    return render(
        request,
        "helpdesk/request_detail.html",
        {
            "help_request": help_request,
            "may_verify": access.may_verify(request.user, help_request),
            "may_handle": access.may_handle(request.user, help_request),
            "assignments": help_request.assignments.filter(state="active").select_related(
                "volunteer", "record"
            ),
            "events": selectors.timeline(help_request),
            "reason_form": ReasonForm(),
            "reveal_form": RevealForm(),
            "complete_form": CompleteForm(),
            "is_assigned": help_request.assignments.filter(
                state="active", volunteer__user=request.user
            ).exists(),
            "may_see_private": access.may_see_private(request.user, help_request),
        },
    )


@require_POST
@login_required
def request_action(request, pk: int, action: str):
    help_request = get_or_page_error(access.request_for, request.user, pk)
    reason = request.POST.get("reason", "")
    actions = {
        "verify": lambda: workflow.verify_request(actor=request.user, request=help_request),
        "reject": lambda: workflow.reject_request(
            actor=request.user, request=help_request, reason=reason
        ),
        "start": lambda: workflow.start_service(actor=request.user, request=help_request),
        "complete": lambda: workflow.complete_request(
            actor=request.user, request=help_request, note=request.POST.get("note", "")
        ),
        "cancel": lambda: workflow.cancel_request(
            actor=request.user, request=help_request, reason=reason
        ),
        "confirm": lambda: workflow.confirm_assignment(
            actor=request.user,
            request=help_request,
            volunteer=get_or_page_error(
                access.assigned_volunteer, help_request, request.POST.get("volunteer_no", "")
            ),
        ),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        done = {
            "verify": _("Help request %(code)s is verified."),
            "reject": _("Help request %(code)s is rejected; the requester is told why."),
            "start": _("Service on help request %(code)s has begun."),
            "complete": _("Help request %(code)s is done; the hours wait for approval."),
            "cancel": _("Help request %(code)s is cancelled."),
            "confirm": _("The volunteer is confirmed on help request %(code)s."),
        }[action]
        messages.success(request, done % {"code": help_request.code})
    return redirect("helpdesk:request_detail", pk=pk)


@require_POST
@login_required
def request_reveal(request, pk: int):
    help_request = get_or_page_error(access.request_for, request.user, pk)
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        try:
            value = services.reveal_request(
                actor=request.user,
                request=help_request,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(
        request, "helpdesk/_reveal.html", {"reveal_form": form, "value": value, "obj": help_request}
    )


@require_POST
@login_required
def request_accept(request, pk: int):
    help_request = HelpRequest.objects.filter(pk=pk, status="verified").first()
    if help_request is None:
        raise Http404
    try:
        proposals.accept_request(actor=request.user, request=help_request)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("helpdesk:recommended")
    messages.success(request, _("You have taken this request. Thank you!"))
    return redirect("helpdesk:request_detail", pk=pk)


# Recipients ----------------------------------------------------------------------------------


def _require_office(user) -> None:
    get_or_page_error(access.check_office, user)


@login_required
def recipient_list(request):
    _require_office(request.user)
    q, category = request.GET.get("q", ""), request.GET.get("category", "")
    page = Paginator(
        selectors.recipient_list(request.user, q=q, category=category), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "helpdesk/recipient_list.html",
        {"page": page, "q": q, "category": category, "categories": RecipientCategory.choices},
    )


@login_required
def recipient_new(request):
    _require_office(request.user)
    form = RecipientForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            recipient = recipients.create_recipient(actor=request.user, **form.create_kwargs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("helpdesk:recipient_detail", pk=recipient.pk)
    return render(request, "helpdesk/recipient_form.html", {"form": form})


@login_required
def recipient_detail(request, pk: int):
    recipient = get_or_page_error(access.recipient_for, request.user, pk)
    return render(
        request,
        "helpdesk/recipient_detail.html",
        {
            "recipient": recipient,
            "reveal_form": RevealForm(),
            "requests": recipient.help_requests.order_by("-submitted_at")[:20],
        },
    )


@require_POST
@login_required
def recipient_reveal(request, pk: int):
    recipient = get_or_page_error(access.recipient_for, request.user, pk, manage=True)
    form = RevealForm(request.POST)
    value = None
    if form.is_valid():
        try:
            value = recipients.reveal_recipient(
                actor=request.user,
                recipient=recipient,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(
        request, "helpdesk/_reveal.html", {"reveal_form": form, "value": value, "obj": recipient}
    )


# Matching ------------------------------------------------------------------------------------


@login_required
def runs(request):
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = proposals.start_run(
                actor=request.user,
                region=form.cleaned_data["region"],
                days_ahead=form.cleaned_data["days_ahead"],
                include_requests=form.cleaned_data["include_requests"],
                include_shifts=form.cleaned_data["include_shifts"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("helpdesk:run_detail", pk=run.pk)
    return render(
        request,
        "helpdesk/runs.html",
        {"form": form, "runs": selectors.runs_for(request.user)[:50]},
    )


@login_required
def run_detail(request, pk: int):
    run = get_or_page_error(access.run_for, request.user, pk)
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    qs = selectors.proposals_of(run, kind=kind, state=state, q=request.GET.get("q", "").strip())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for proposal in page.object_list:
        proposal.reason_texts = [
            proposals.reason_text(r.get("code", ""), r.get("params")) for r in proposal.reasons
        ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "helpdesk/run_detail.html",
        {
            "run": run,
            "page": page,
            "proposals": page.object_list,
            "query": query.urlencode(),
            "counts": selectors.proposal_counts(run),
            "states": Proposal.State.choices,
            "swap_form": SwapForm(),
        },
    )


@require_POST
@login_required
def proposal_action(request, pk: int, action: str):
    proposal = get_or_page_error(access.proposal_for, request.user, pk)
    names = {"name": proposal.volunteer.real_name, "demand": proposal.demand_label}
    try:
        if action == "confirm":
            proposals.confirm_proposal(actor=request.user, proposal=proposal)
            if proposal.volunteer.user_id:
                done = _("%(name)s is now on %(demand)s and has been told in the site.")
            else:
                done = _("%(name)s is now on %(demand)s and will be told by SMS (no account).")
        elif action == "drop":
            proposals.drop_proposal(actor=request.user, proposal=proposal)
            done = _("The proposal of %(name)s for %(demand)s is dropped.")
        elif action == "swap":
            number = request.POST.get("volunteer_no", "").strip()
            volunteer = Volunteer.objects.filter(volunteer_no=number).first()
            if volunteer is None:
                raise DomainError(_("Unknown volunteer number."), field="volunteer_no")
            proposals.swap_proposal(actor=request.user, proposal=proposal, volunteer=volunteer)
            done = _("%(name)s is now proposed for %(demand)s.")
            names["name"] = volunteer.real_name
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done % names)
    back = request.POST.get("next", "")
    if back.startswith("?") and len(back) > 1:
        return redirect(reverse("helpdesk:run_detail", args=[proposal.run_id]) + back)
    return redirect("helpdesk:run_detail", pk=proposal.run_id)


@login_required
def recommended(request):
    volunteer = getattr(request.user, "volunteer", None)
    items = (
        proposals.recommended_for(volunteer)
        if volunteer is not None and volunteer.is_active
        else []
    )
    mine = selectors.my_assignments(volunteer) if volunteer is not None else []
    return render(
        request,
        "helpdesk/recommended.html",
        {"volunteer": volunteer, "items": items, "mine": mine},
    )
