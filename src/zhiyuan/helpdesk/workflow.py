"""The help-request workflow: verify, reject, assign, confirm, start, complete, rate, cancel.

The workflow is one state machine (TRANSITIONS): every move goes through `_move`, which
locks the request's row, refuses a move the table does not allow, logs who made it and
when, and tells the requester (if they have an account) and the assigned volunteers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import Actor, User
from zhiyuan.core.errors import Conflict, ValidationFailed
from zhiyuan.helpdesk.access import may_assign, may_confirm, may_handle, may_verify
from zhiyuan.helpdesk.models import Assignment, HelpEvent, HelpKind, HelpRequest
from zhiyuan.helpdesk.services import S, _check, request_by_code
from zhiyuan.notifications.services import notify
from zhiyuan.places.models import Region
from zhiyuan.service import services as record_service
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.notices import notify_volunteer

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.VERIFIED, S.REJECTED, S.CANCELLED}),
    S.VERIFIED: frozenset({S.MATCHED, S.CANCELLED}),
    S.MATCHED: frozenset({S.IN_SERVICE, S.CANCELLED}),
    S.IN_SERVICE: frozenset({S.DONE, S.CANCELLED}),
    S.DONE: frozenset({S.RATED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.RATED: frozenset(),
}


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: str, target: str):
        self.current, self.target = current, target
        super().__init__(
            gettext("A request that is “%(current)s” cannot become “%(target)s”.")
            % {"current": S(current).label, "target": S(target).label},
            field="status",
        )


class NotEligible(Conflict):
    code = "not_eligible"

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__(" ".join(reasons), field="volunteer")


# The state machine -------------------------------------------------------------------------


def _active_assignments(request: HelpRequest):
    return request.assignments.filter(state=Assignment.State.ACTIVE).select_related(
        "volunteer__user"
    )


def _tell(request: HelpRequest, status: str, note: str) -> None:
    labels = {"code": request.code, "title": request.title, "status": S(status).label}
    subject = gettext("Help request %(code)s: %(status)s") % labels
    body = gettext("“%(title)s” is now: %(status)s.") % labels
    if note:
        body = f"{body} {note}"
    if request.requester_id:
        notify(
            recipient=request.requester,
            kind=f"help_{status}",
            key=f"help:{request.pk}:{status}:requester",
            subject=subject,
            body=body,
            link=reverse("helpdesk:track_code", args=[request.code]),
        )
    for assignment in _active_assignments(request):
        notify_volunteer(
            assignment.volunteer,
            kind=f"help_{status}",
            key=f"help:{request.pk}:{status}:v{assignment.volunteer_id}",
            subject=subject,
            body=body,
            link=reverse("helpdesk:request_detail", args=[request.pk]),
        )


def _move(
    request: HelpRequest,
    to: str,
    *,
    actor: Actor | None,
    note: str = "",
    by_requester=False,
    **fields,
) -> HelpRequest:
    """Lock the row, check the table, write the new status and the event; caller is atomic."""
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if to not in TRANSITIONS[locked.status]:
        raise IllegalTransition(locked.status, to)
    previous = locked.status
    locked.status = to
    update = ["status", *fields]
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=update)
    HelpEvent.objects.create(
        request=locked,
        from_status=previous,
        to_status=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        by_requester=by_requester,
        note=note[:300],
    )
    _tell(locked, to, note)
    return locked


def _reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [str(message)]})
    return reason[:300]


def default_team(community: Region) -> Team | None:
    """The team closest to the community: its own first, then its subdistrict's, the district's."""
    paths = [community.path]
    region = community
    while region.parent is not None:
        region = region.parent
        paths.append(region.path)
    teams = Team.objects.filter(region__path__in=paths, status=Team.Status.ACTIVE).select_related(
        "region"
    )
    return min(teams, key=lambda t: (-len(t.region.path), len(t.path), t.pk), default=None)


def verify_request(*, actor: User, request: HelpRequest, team: Team | None = None) -> HelpRequest:
    """The community or district office confirms the need; a team takes it on."""
    _check(may_verify(actor, request), _("Only the office of this community may verify it."))
    team = team or request.team or default_team(request.community)
    if team is None:
        raise ValidationFailed({"team": [gettext("No team serves this community: choose one.")]})
    if not team.is_active:
        raise ValidationFailed({"team": [gettext("This team is dissolved.")]})
    with transaction.atomic():
        return _move(
            request,
            S.VERIFIED,
            actor=actor,
            team=team,
            verified_by=actor,
            verified_at=timezone.now(),
        )


def reject_request(*, actor: User, request: HelpRequest, reason: str) -> HelpRequest:
    _check(may_verify(actor, request), _("Only the office of this community may reject it."))
    reason = _reason(reason, _("Say why the request is rejected."))
    with transaction.atomic():
        return _move(
            request,
            S.REJECTED,
            actor=actor,
            note=reason,
            status_reason=reason,
            finished_at=timezone.now(),
        )


def assign_volunteer(
    *, actor: User, request: HelpRequest, volunteer: Volunteer, check=None
) -> Assignment:
    """Put a volunteer on a verified (or already matched) request; it becomes matched.

    The actor is one of the request's organisers (the assignment is confirmed at once) or
    the volunteer themselves where `access.may_take` allows (the handlers confirm it later).
    `check(volunteer, request)` returns the reasons the pair is refused (the matching
    rules); the caller passes it so this module stays below the matching glue.
    """
    _check(
        may_assign(actor, request, volunteer),
        _(
            "You may take requests in your own subdistrict or of your own teams; "
            "elsewhere the handling team assigns volunteers."
        ),
    )
    confirmed = may_confirm(actor, request, volunteer)
    if not volunteer.is_active:
        raise NotEligible([gettext("This volunteer is not active.")])
    if check is not None:
        reasons = check(volunteer, request)
        if reasons:
            raise NotEligible(reasons)
    with transaction.atomic():
        Volunteer.objects.lock(volunteer.pk)
        locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in (S.VERIFIED, S.MATCHED):
            raise IllegalTransition(locked.status, S.MATCHED)
        taken = locked.assignments.filter(state=Assignment.State.ACTIVE)
        if taken.filter(volunteer=volunteer).exists():
            raise Conflict(_("This volunteer is already assigned."), code="already_assigned")
        if taken.count() >= locked.volunteers_needed:
            raise Conflict(_("Enough volunteers are assigned already."), code="request_full")
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    request=locked,
                    volunteer=volunteer,
                    assigned_by=actor,
                    confirmed_at=timezone.now() if confirmed else None,
                    confirmed_by=actor if confirmed else None,
                )
        except IntegrityError:
            raise Conflict(
                _("This volunteer is already assigned."), code="already_assigned"
            ) from None
        if locked.status == S.VERIFIED:
            locked = _move(locked, S.MATCHED, actor=actor)
        else:
            _tell(locked, S.MATCHED, "")
    request.status = locked.status
    return assignment


def confirm_assignment(*, actor: User, request: HelpRequest, volunteer: Volunteer) -> Assignment:
    """The handling team confirms a volunteer who took the request themselves; from then on
    the volunteer may see the recipient's full address and phone."""
    _check(may_handle(actor, request), _("Only the handling team or the office may do this."))
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .filter(request=request, volunteer=volunteer, state=Assignment.State.ACTIVE)
            .first()
        )
        if assignment is None:
            raise Conflict(_("This volunteer is not assigned."), code="not_assigned")
        if assignment.is_confirmed:
            raise Conflict(_("This assignment is already confirmed."), code="already_confirmed")
        assignment.confirmed_at, assignment.confirmed_by = timezone.now(), actor
        assignment.save(update_fields=["confirmed_at", "confirmed_by"])
    return assignment


def start_service(*, actor: User, request: HelpRequest) -> HelpRequest:
    """The handling team, or an assigned volunteer, says the service has begun."""
    assigned = _active_assignments(request).filter(volunteer__user=actor).exists()
    _check(
        assigned or may_handle(actor, request),
        _("Only the handling team or its assigned volunteers may do this."),
    )
    with transaction.atomic():
        return _move(request, S.IN_SERVICE, actor=actor)


def _served_on(request: HelpRequest) -> dt.date:
    today = timezone.localdate()
    days = [timezone.localtime(s).date() for s, _e in request.occurrences()]
    past = [d for d in days if d <= today]
    return past[-1] if past else days[0]


def _hour_limit(request: HelpRequest) -> Decimal:
    now = timezone.now()
    held = sum((e - s for s, e in request.occurrences() if s <= now), dt.timedelta())
    return record_service.hours_of(held)


def complete_request(
    *, actor: User, request: HelpRequest, hours: dict[int, Decimal] | None = None, note: str = ""
) -> HelpRequest:
    """Done: each assigned volunteer gets a service record (entered hours, pending approval
    by the team as for any entered record); hours default to the visits held so far and
    are never more than that."""
    _check(may_handle(actor, request), _("Only the handling team or the office may do this."))
    limit = _hour_limit(request)
    if limit <= 0:
        raise ValidationFailed({"hours": [gettext("The service has not happened yet.")]})
    assignments = list(_active_assignments(request))
    if not assignments:
        raise Conflict(_("No volunteer is assigned."), code="no_volunteer")
    hours = hours or {}
    errors: dict[str, list[str]] = {}
    chosen: dict[int, Decimal] = {}
    for assignment in assignments:
        value = record_service.parse_hours(hours.get(assignment.volunteer_id, limit))
        if value is None or value <= 0 or value > limit:
            errors["hours"] = [
                gettext("Hours must be more than zero and at most %(limit)s.") % {"limit": limit}
            ]
        chosen[assignment.volunteer_id] = value or Decimal(0)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        done = _move(request, S.DONE, actor=actor, note=note, finished_at=timezone.now())
        served_on = _served_on(done)
        share = max(1, done.persons_served // len(assignments))
        assert done.team is not None  # verifying a request gives it a team
        for assignment in assignments:
            record = record_service.record_outside_shift(
                actor=actor,
                volunteer_id=assignment.volunteer_id,
                team=done.team,
                region=done.community,
                served_on=served_on,
                hours=chosen[assignment.volunteer_id],
                persons_served=share,
                content=f"{HelpKind(done.kind).label} · {done.title}",
                reason=gettext("Help request %(code)s") % {"code": done.code},
            )
            assignment.record = record
            assignment.save(update_fields=["record"])
    return done


def rate_request(*, code: str, rating, comment: str = "") -> HelpRequest:
    """The requester rates a done request with the tracking code (no account needed)."""
    request = request_by_code(code)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed({"rating": [gettext("Rate from 1 to 5.")]})
    with transaction.atomic():
        return _move(
            request,
            S.RATED,
            actor=None,
            by_requester=True,
            rating=rating,
            rating_comment=(comment or "").strip()[:500],
            rated_at=timezone.now(),
        )


def cancel_request(
    *, actor: User, request: HelpRequest, reason: str, by_requester: bool = False
) -> HelpRequest:
    """Cancel before it is done, with a reason: the requester (by code), or the office/team."""
    if not by_requester:
        own = request.requester_id is not None and request.requester_id == actor.pk
        _check(own or may_handle(actor, request), _("Only the requester or the team may cancel."))
    reason = _reason(reason, _("Say why the request is cancelled."))
    with transaction.atomic():
        return _move(
            request,
            S.CANCELLED,
            actor=actor,
            note=reason,
            by_requester=by_requester,
            status_reason=reason,
            finished_at=timezone.now(),
        )
