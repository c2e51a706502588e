"""Team pages: the tree, a team, founding and editing, joining, and member management."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhiyuan.core.errors import DomainError
from zhiyuan.core.forms import add_domain_error
from zhiyuan.core.ids import row_id
from zhiyuan.core.pagecache import private_page
from zhiyuan.core.pages import CountedPaginator, get_or_page_error
from zhiyuan.core.pickers import pick_response
from zhiyuan.teams import access, selectors, services
from zhiyuan.teams.forms import InviteForm, RoleForm, TeamFilterForm, TeamForm
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.models import Volunteer

MEMBERS_PAGE = 30


TREE_PAGE = 100


def _with_children(teams: list[Team], budget: int) -> None:
    """Show the teams below each of `teams` at once while the page stays within `budget`
    rows (the corps and its detachments); deeper levels open on demand."""
    if len(teams) + sum(t.below for t in teams) > budget:
        return
    for team in teams:
        team.shown_below = list(selectors.tree_level(team)) if team.below else []


def team_tree(request):
    """The corps tree a level at a time: the roots and their children, each deeper level
    fetched when its <details> opens (htmx asks for `?under=<id>`: just the rows), or on a
    page of its own without script. A search lists matching teams, a page at a time."""
    filters = TeamFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    filtered = any(data.get(k) for k in ("q", "level", "kind", "specialty"))
    context: dict = {"filters": filters, "filtered": filtered, "query": _page_query(request)}
    if filtered:
        results = selectors.teams(
            selectors.TeamFilter(
                q=data.get("q") or "",
                level=data.get("level") or "",
                kind=data.get("kind") or "",
                specialty=data["specialty"].code if data.get("specialty") else "",
            )
        )
        context["page"] = Paginator(results, 50).get_page(request.GET.get("page"))
        return render(request, "teams/tree.html", context)
    parent = None
    if (under := row_id(request.GET.get("under"))) is not None:
        parent = get_or_page_error(access.team_for, request.user, under)
    page = Paginator(selectors.tree_level(parent), TREE_PAGE).get_page(request.GET.get("page"))
    teams = list(page.object_list)
    if parent is None:
        _with_children(teams, TREE_PAGE)
    context.update(parent=parent, page=page, teams=teams)
    if parent is not None:
        context["ancestors"] = selectors.ancestors(parent)
        if request.headers.get("HX-Request"):
            return render(request, "teams/_tree_level.html", context)
    return render(request, "teams/tree.html", context)


def _page_query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def team_detail(request, team_id: int):
    team = get_or_page_error(access.team_for, request.user, team_id)
    volunteer = getattr(request.user, "volunteer", None) if request.user.is_authenticated else None
    return render(
        request,
        "teams/detail.html",
        {
            "team": team,
            "ancestors": selectors.ancestors(team),
            "subteams": selectors.subteams(team),
            "member_count": selectors.members(team).count(),
            "membership": selectors.open_membership(team, volunteer),
            "volunteer": volunteer,
            "may_manage": access.may_manage(request.user, team),
        },
    )


def _form_kwargs(data) -> dict:
    return {
        "name": data.get("name", ""),
        "kind": data.get("kind", ""),
        "specialty": data.get("specialty"),
        "sponsor_unit": data.get("sponsor_unit", ""),
        "region": data.get("region"),
        "join_mode": data.get("join_mode", ""),
        "contact_name": data.get("contact_name", ""),
        "contact_phone": data.get("contact_phone", ""),
        "founded_on": data.get("founded_on"),
        "description": data.get("description", ""),
    }


@login_required
def team_create(request):
    parent = None
    if request.GET.get("parent"):
        parent = get_or_page_error(
            access.team_for, request.user, request.GET["parent"], manage=True
        )
    initial = {"region": parent.region_id, "level": Team.Level.SQUAD} if parent else {}
    form = TeamForm(request.POST or None, initial=initial)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        try:
            team = services.create_team(
                actor=request.user,
                parent=parent,
                level=form.cleaned_data["level"],
                **_form_kwargs(form.cleaned_data),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The team is founded."))
            return redirect("teams:detail", team_id=team.pk)
    return render(request, "teams/form.html", {"form": form, "parent": parent})


def _differs(team: Team, name: str, value) -> bool:
    current = getattr(team, f"{name}_id" if name in ("specialty", "region") else name)
    if name in ("specialty", "region"):
        return (value.pk if value else None) != current
    return value != current


@login_required
def team_edit(request, team_id: int):
    team = get_or_page_error(access.team_for, request.user, team_id, manage=True)
    initial = {
        "name": team.name,
        "kind": team.kind,
        "specialty": team.specialty_id,
        "sponsor_unit": team.sponsor_unit,
        "region": team.region_id,
        "join_mode": team.join_mode,
        "contact_name": team.contact_name,
        "contact_phone": team.contact_phone,
        "founded_on": team.founded_on,
        "description": team.description,
    }
    form = TeamForm(request.POST or None, initial=initial, editing=True)
    picked = pick_response(request, form)
    if picked is not None:
        return picked
    if request.method == "POST" and form.is_valid():
        changes = {
            name: value
            for name, value in _form_kwargs(form.cleaned_data).items()
            if _differs(team, name, value)
        }
        try:
            services.update_team(actor=request.user, team=team, **changes)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The team is saved."))
            return redirect("teams:detail", team_id=team.pk)
    return render(request, "teams/form.html", {"form": form, "team": team})


@require_POST
@login_required
def team_join(request, team_id: int):
    team = get_or_page_error(access.team_for, request.user, team_id)
    try:
        membership = services.join_team(actor=request.user, team=team)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if membership.state == Membership.State.ACTIVE:
            messages.success(request, _("Welcome to %(team)s!") % {"team": team.name})
        else:
            messages.success(request, _("Your request is sent; a team admin will decide."))
    return redirect("teams:detail", team_id=team.pk)


@require_POST
@login_required
def team_leave(request, team_id: int):
    team = get_or_page_error(access.team_for, request.user, team_id)
    try:
        services.leave_team(actor=request.user, team=team)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You have left %(team)s.") % {"team": team.name})
    return redirect("teams:detail", team_id=team.pk)


@login_required
@private_page
def team_members(request, team_id: int):
    team = get_or_page_error(access.team_for, request.user, team_id, manage=True)
    invite_form = InviteForm(request.POST or None)
    if request.method == "POST" and invite_form.is_valid():
        number = invite_form.cleaned_data["volunteer_no"].strip().upper()
        volunteer = Volunteer.objects.filter(volunteer_no=number).first()
        if volunteer is None:
            invite_form.add_error("volunteer_no", _("No volunteer has this number."))
        else:
            try:
                services.invite(actor=request.user, team=team, volunteer=volunteer)
            except DomainError as exc:
                add_domain_error(invite_form, exc)
            else:
                messages.success(request, _("%(name)s is invited.") % {"name": volunteer.real_name})
                return redirect("teams:members", team_id=team.pk)
    q = request.GET.get("q", "").strip()[:50]
    pending = selectors.members(team, states=(Membership.State.PENDING,), q=q)
    page = CountedPaginator(selectors.members(team, q=q), MEMBERS_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "teams/members.html",
        {
            "team": team,
            "q": q,
            "query": urlencode({"q": q}) if q else "",
            "pending": pending[:MEMBERS_PAGE],
            "pending_count": pending.count(),
            "invited": selectors.members(team, states=(Membership.State.INVITED,))[:MEMBERS_PAGE],
            "page": page,
            "active": page.object_list,
            "history": selectors.members(
                team, states=(Membership.State.LEFT, Membership.State.REJECTED)
            )[:20],
            "invite_form": invite_form,
            "roles": Membership.Role.choices,
        },
    )


@require_POST
@login_required
def membership_action(request, membership_id: int, action: str):
    manage = action != "accept"
    row = get_or_page_error(access.membership_for, request.user, membership_id, manage=manage)
    note = request.POST.get("note", "")
    actions = {
        "approve": lambda: services.decide_request(
            actor=request.user, membership=row, approve=True
        ),
        "reject": lambda: services.decide_request(
            actor=request.user, membership=row, approve=False, note=note
        ),
        "remove": lambda: services.remove_member(actor=request.user, membership=row, reason=note),
        "accept": lambda: services.accept_invitation(actor=request.user, membership=row),
        "role": lambda: services.set_role(
            actor=request.user,
            membership=row,
            role=RoleForm(request.POST).data.get("role", ""),
        ),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _membership_done(action, row))
    if action == "accept":
        return redirect("teams:detail", team_id=row.team_id)
    back = request.POST.get("next", "")
    keep = back if back.startswith("?") and len(back) > 1 else ""
    return redirect(reverse("teams:members", args=[row.team_id]) + keep)


def _membership_done(action: str, row: Membership) -> str:
    """What was done, naming the person and the team."""
    names = {"name": row.volunteer.real_name, "team": row.team.name}
    texts = {
        "approve": _("%(name)s has joined %(team)s and is told so."),
        "reject": _("The request of %(name)s to join %(team)s is refused; they are told why."),
        "remove": _("%(name)s is removed from %(team)s."),
        "accept": _("You have joined %(team)s."),
        "role": _("The role of %(name)s in %(team)s is changed."),
    }
    return texts[action] % names
