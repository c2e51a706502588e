"""Honours pages: the public honour roll, entering awards and kinds, and running nomination rounds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError, ValidationFailed
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.pages import get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.honours import access, selectors, services
from zhiyuan.honours.forms import AwardForm, CandidateForm, KindForm, RollFilterForm, RoundForm
from zhiyuan.honours.models import AwardeeType, Nomination
from zhiyuan.honours.rules import DEFAULT_RULES, RULE_LABELS


def honour_roll(request):
    """The public honour roll (光荣榜), by year, award, level and name."""
    years = selectors.roll_years()
    filters = RollFilterForm(request.GET or None, years=years)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.roll(
        selectors.RollFilter(
            year=data.get("year"),
            kind=data["kind"].code if data.get("kind") else "",
            level=data.get("level") or "",
            q=data.get("q") or "",
        )
    )
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "honours/roll.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "is_office_admin": access.is_office_admin(request.user),
        },
    )


def _office_only(request) -> None:
    get_or_page_error(access.check_office, request.user)


@login_required
def award_create(request):
    _office_only(request)
    form = AwardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award = services.create_award(
                actor=request.user,
                kind=data["kind"],
                awardee=services.find_awardee(data["kind"].awardee_type, data["awardee"]),
                level=data["level"],
                year=data["year"],
                rank=data["rank"],
                awarding_body=data["awarding_body"],
                awarded_on=data["awarded_on"],
                citation=data["citation"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s is on the honour roll.") % {"name": award.awardee_name}
            )
            return redirect(f"{_roll_url()}?year={award.year}")
    return render(request, "honours/award_form.html", {"form": form})


def _roll_url() -> str:
    return reverse("honours:roll")


@require_POST
@login_required
def award_withdraw(request, award_id: int):
    award = get_or_page_error(access.award_for, request.user, award_id)
    try:
        services.withdraw_award(
            actor=request.user, award=award, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The award is withdrawn from the roll."))
    return redirect("honours:roll")


@login_required
def kinds(request):
    _office_only(request)
    form = KindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            kind = services.create_kind(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": kind.name})
            return redirect("honours:kinds")
    return render(
        request,
        "honours/kinds.html",
        {"form": form, "kinds": selectors.kinds(), "may_add": access.may_add_kind(request.user)},
    )


@login_required
def round_list(request):
    rounds = selectors.rounds_for(request.user)
    return render(
        request,
        "honours/rounds.html",
        {"rounds": rounds, "is_office_admin": access.is_office_admin(request.user)},
    )


@login_required
def round_create(request):
    _office_only(request)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.open_round(
                actor=request.user,
                kind=data["kind"],
                year=data["year"],
                level=data["level"],
                region=selectors.office_region(request.user),
                awarding_body=data["awarding_body"],
                deadline=data["deadline"],
                rules=form.rules(data["kind"].awardee_type),
            )
        except DomainError as exc:
            for field, msgs in exc.as_errors().items():
                target = f"rule_{field}" if f"rule_{field}" in form.fields else field
                for message in msgs:
                    form.add_error(target if target in form.fields else None, message)
        else:
            messages.success(request, _("The nomination round is open."))
            return redirect("honours:round", round_id=round_.pk)
    default_rules = [
        (AwardeeType(kind).label, [(RULE_LABELS[key], value) for key, value in rules.items()])
        for kind, rules in DEFAULT_RULES.items()
    ]
    return render(
        request, "honours/round_form.html", {"form": form, "default_rules": default_rules}
    )


@login_required
def round_detail(request, round_id: int, form: CandidateForm | None = None):
    round_ = get_or_page_error(access.round_for, request.user, round_id)
    runs = access.may_run(request.user, round_)
    teams = selectors.nominating_teams(request.user, round_)
    nominations = list(selectors.nominations_for(request.user, round_))
    for row in nominations:
        row.may_decide = row.is_pending and access.may_decide(request.user, row)
    if form is None:
        form = CandidateForm(teams=teams, office=runs)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    rules = [(RULE_LABELS[key], value) for key, value in round_.rules.items() if key in RULE_LABELS]
    return render(
        request,
        "honours/round.html",
        {
            "round": round_,
            "runs": runs,
            "nominations": nominations,
            "form": form,
            "may_nominate": round_.is_open and (runs or bool(teams)),
            "rules": rules,
            "states": Nomination.State,
        },
    )


@require_POST
@login_required
def round_propose(request, round_id: int):
    round_ = get_or_page_error(access.round_for, request.user, round_id)
    try:
        added = services.propose_candidates(actor=request.user, round=round_)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(n)s candidates proposed by the rules.") % {"n": added})
    return redirect("honours:round", round_id=round_.pk)


@require_POST
@login_required
def round_nominate(request, round_id: int):
    round_ = get_or_page_error(access.round_for, request.user, round_id)
    runs = access.may_run(request.user, round_)
    teams = selectors.nominating_teams(request.user, round_)
    form = CandidateForm(request.POST, teams=teams, office=runs)
    if form.is_valid():
        data = form.cleaned_data
        team_id = data.get("team")
        try:
            awardee = services.find_awardee(round_.kind.awardee_type, data["awardee"])
            if team_id:
                team = next((t for t in teams if t.pk == team_id), None)
                if team is None:
                    raise ValidationFailed({"team": [_("Choose one of your teams.")]})
                services.nominate(
                    actor=request.user,
                    round=round_,
                    team=team,
                    awardee=awardee,
                    reason=data["reason"],
                )
                messages.success(request, _("The nomination is sent for approval."))
            else:
                services.add_candidate(
                    actor=request.user, round=round_, awardee=awardee, reason=data["reason"]
                )
                messages.success(request, _("The candidate is on the shortlist."))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("honours:round", round_id=round_.pk)
    return round_detail(request, round_id, form=form)


@require_POST
@login_required
def nomination_decide(request, nomination_id: int):
    row = get_or_page_error(access.nomination_for, request.user, nomination_id)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            services.approve_nomination(actor=request.user, nomination=row, note=reason)
            messages.success(request, _("The nomination is approved."))
        elif action == "reject":
            services.reject_nomination(actor=request.user, nomination=row, reason=reason)
            messages.success(request, _("The nomination is rejected."))
        elif action == "remove":
            services.remove_candidate(actor=request.user, nomination=row, reason=reason)
            messages.success(request, _("The candidate is removed from the shortlist."))
        else:
            messages.error(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("honours:round", round_id=row.round_id)


@require_POST
@login_required
def round_finalise(request, round_id: int):
    round_ = get_or_page_error(access.round_for, request.user, round_id)
    try:
        awards = services.finalise_round(actor=request.user, round=round_)
    except DomainError as exc:
        for messages_ in exc.as_errors().values():
            for message in messages_:
                messages.error(request, message)
        return redirect("honours:round", round_id=round_.pk)
    messages.success(
        request, _("%(n)s awards are published on the honour roll.") % {"n": len(awards)}
    )
    return redirect(f"{_roll_url()}?year={round_.year}&kind={round_.kind.code}")
