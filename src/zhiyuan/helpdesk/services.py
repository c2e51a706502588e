"""Use cases that write the help desk: recipients, the help-request workflow, reveals.

The workflow is one state machine (TRANSITIONS): every move goes through `_move`, which
locks the request's row, refuses a move the table does not allow, logs who made it and
when, and tells the requester (if they have an account) and the assigned volunteers.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import Actor, User
from zhiyuan.accounts.services import record_reveal
from zhiyuan.core import crypto
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.core.masking import mask_phone
from zhiyuan.helpdesk.access import (
    may_assign,
    may_confirm,
    may_handle,
    may_manage_recipient,
    may_see_private,
    may_verify,
)
from zhiyuan.helpdesk.models import (
    Assignment,
    HelpEvent,
    HelpKind,
    HelpRequest,
    Recipient,
    RecipientCategory,
    Urgency,
)
from zhiyuan.notifications.services import notify
from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.service import services as record_service
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.idcard import InvalidPhone, parse_mobile
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.notices import notify_volunteer

S = HelpRequest.Status
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
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
CODE_LENGTH = 10
MAX_WINDOW = dt.timedelta(hours=12)
RECIPIENT_FIELDS = {
    "address": _("address"),
    "health": _("health and disability"),
    "phone": _("phone"),
}
REQUEST_FIELDS = {"address": _("address"), "phone": _("phone")}


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


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def mask_address(address: str) -> str:
    """Enough to know the area (the first 6 characters), never the door."""
    address = address.strip()
    if len(address) <= 6:
        return address[:2] + "****"
    return address[:6] + "****"


def _seal(value: str) -> str:
    return crypto.encrypt(value) if value else ""


def _check(allowed: bool, message) -> None:
    if not allowed:
        raise PermissionDenied(message)


# Input checks ----------------------------------------------------------------------------


def _community(community_id, errors: dict) -> Region | None:
    try:
        community = Region.objects.get(pk=int(community_id), level=Region.Level.COMMUNITY)
    except (Region.DoesNotExist, TypeError, ValueError):
        errors["community"] = [gettext("Choose a community.")]
        return None
    return community


def _phone(phone: str, errors: dict, *, required: bool) -> str:
    phone = (phone or "").strip()
    if not phone:
        if required:
            errors["phone"] = [gettext("Give a phone number so we can reach you.")]
        return ""
    try:
        return parse_mobile(phone)
    except InvalidPhone as exc:
        errors["phone"] = [str(exc.message)]
    return ""


def _coordinates(latitude, longitude, coord_system: str, errors: dict):
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lng = float(latitude), float(longitude)
    except (TypeError, ValueError):
        errors["latitude"] = [gettext("Give both latitude and longitude as numbers.")]
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["latitude"] = [gettext("These coordinates are not on Earth.")]
        return None, None
    if coord_system not in ("wgs84", "gcj02", "bd09"):
        errors["coord_system"] = [gettext("Unknown coordinate system.")]
        return None, None
    lng, lat = geo.to_wgs84(lng, lat, coord_system)
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def _choice(value, choices, field: str, errors: dict, message) -> str:
    if value not in choices.values:
        errors[field] = [str(message)]
    return value


# Recipients ------------------------------------------------------------------------------


def create_recipient(
    *,
    actor: User,
    name: str,
    category: str,
    community_id,
    address: str,
    needs: str = "",
    health: str = "",
    contact_name: str = "",
    phone: str = "",
    latitude=None,
    longitude=None,
    coord_system: str = "wgs84",
    consent: bool = False,
) -> Recipient:
    """A recipient of the actor's region; recorded only with their (or a guardian's) consent."""
    errors: dict[str, list[str]] = {}
    community = _community(community_id, errors)
    if community is not None and not scopes.administers_region(actor, community):
        raise PermissionDenied(_("Only the office of this community may record its recipients."))
    if not (name or "").strip():
        errors["name"] = [gettext("The name is required.")]
    _choice(category, RecipientCategory, "category", errors, _("Choose a category."))
    if not (address or "").strip():
        errors["address"] = [gettext("The address is required.")]
    phone = _phone(phone, errors, required=False)
    lat, lng = _coordinates(latitude, longitude, coord_system, errors)
    if not consent:
        errors["consent"] = [gettext("The person (or their guardian) must consent to the record.")]
    if errors:
        raise ValidationFailed(errors)
    return Recipient.objects.create(
        name=name.strip()[:50],
        category=category,
        community=community,
        address_encrypted=_seal(address.strip()),
        address_masked=mask_address(address),
        latitude=lat,
        longitude=lng,
        needs=(needs or "").strip(),
        health_encrypted=_seal((health or "").strip()),
        contact_name=(contact_name or "").strip()[:50],
        phone_encrypted=_seal(phone),
        phone_masked=mask_phone(phone),
        consent=True,
        consented_at=timezone.now(),
        created_by=actor,
    )


def update_recipient(*, actor: User, recipient: Recipient, **changes) -> Recipient:
    """Change needs, contact, address, health or phone; encrypted fields are re-sealed."""
    _check(
        may_manage_recipient(actor, recipient), _("Only the office of this community may do this.")
    )
    errors: dict[str, list[str]] = {}
    fields: list[str] = []
    for key in ("needs", "contact_name"):
        if key in changes:
            setattr(recipient, key, (changes[key] or "").strip())
            fields.append(key)
    if "name" in changes:
        if not (changes["name"] or "").strip():
            errors["name"] = [gettext("The name is required.")]
        recipient.name = (changes["name"] or "").strip()[:50]
        fields.append("name")
    if "category" in changes:
        recipient.category = _choice(
            changes["category"], RecipientCategory, "category", errors, _("Choose a category.")
        )
        fields.append("category")
    if "address" in changes:
        address = (changes["address"] or "").strip()
        if not address:
            errors["address"] = [gettext("The address is required.")]
        recipient.address_encrypted, recipient.address_masked = (
            _seal(address),
            mask_address(address),
        )
        fields += ["address_encrypted", "address_masked"]
    if "health" in changes:
        recipient.health_encrypted = _seal((changes["health"] or "").strip())
        fields.append("health_encrypted")
    if "phone" in changes:
        phone = _phone(changes["phone"], errors, required=False)
        recipient.phone_encrypted, recipient.phone_masked = _seal(phone), mask_phone(phone)
        fields += ["phone_encrypted", "phone_masked"]
    if "is_active" in changes:
        recipient.is_active = bool(changes["is_active"])
        fields.append("is_active")
    if errors:
        raise ValidationFailed(errors)
    if fields:
        recipient.save(update_fields=fields)
    return recipient


def reveal_recipient(
    *, actor: User, recipient: Recipient, field: str, reason: str, ip_address: str | None = None
) -> str:
    """The full address, health details or phone, written to the audit log first."""
    if field not in RECIPIENT_FIELDS:
        raise ValidationFailed(
            {"field": [gettext("Only the address, health details or phone can be revealed.")]}
        )
    _check(
        may_manage_recipient(actor, recipient), _("Only the office of this community may do this.")
    )
    record_reveal(
        actor=actor,
        subject_type="recipient",
        subject_id=str(recipient.pk),
        subject_label=recipient.name[:100],
        field=field,
        reason=reason,
        ip_address=ip_address,
    )
    return recipient.decrypted(field)


# Submitting ------------------------------------------------------------------------------


def _window_errors(starts_at, ends_at, repeat, repeat_until, errors: dict) -> None:
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [gettext("Say when help is needed.")]
        return
    if ends_at <= starts_at:
        errors["ends_at"] = [gettext("The end must be after the start.")]
    elif ends_at - starts_at > MAX_WINDOW:
        errors["ends_at"] = [gettext("One visit lasts at most 12 hours; use a weekly schedule.")]
    if starts_at < timezone.now() - dt.timedelta(hours=1):
        errors["starts_at"] = [gettext("The time is in the past.")]
    if repeat not in HelpRequest.Repeat.values:
        errors["repeat"] = [gettext("Choose once or weekly.")]
    elif repeat == HelpRequest.Repeat.WEEKLY:
        if repeat_until is None:
            errors["repeat_until"] = [gettext("Say until when the weekly visits are needed.")]
        elif repeat_until < timezone.localtime(starts_at).date():
            errors["repeat_until"] = [gettext("The schedule ends before it starts.")]
        elif repeat_until > timezone.localtime(starts_at).date() + dt.timedelta(days=366):
            errors["repeat_until"] = [gettext("A schedule runs for at most a year.")]


def submit_request(
    *,
    actor: Actor | None,
    kind: str,
    title: str,
    category: str,
    community_id,
    address: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    contact_name: str,
    phone: str,
    truth_confirmed: bool,
    description: str = "",
    known_risks: str = "",
    urgency: str = Urgency.NORMAL,
    repeat: str = HelpRequest.Repeat.ONCE,
    repeat_until: dt.date | None = None,
    volunteers_needed: int = 1,
    persons_served: int = 1,
    latitude=None,
    longitude=None,
    coord_system: str = "wgs84",
    recipient: Recipient | None = None,
    idempotency_key: str | None = None,
) -> HelpRequest:
    """A help request from anyone (anonymous allowed); returns it with its tracking code.

    With `idempotency_key` (the form's own key), sending the same form again returns the
    request it filed the first time instead of filing another."""
    key = (idempotency_key or "").strip()[:40] or None
    if key is not None:
        filed = HelpRequest.objects.filter(idempotency_key=key).first()
        if filed is not None:
            return filed
    errors: dict[str, list[str]] = {}
    _choice(kind, HelpKind, "kind", errors, _("Choose what is needed."))
    _choice(category, RecipientCategory, "category", errors, _("Choose who is helped."))
    _choice(urgency, Urgency, "urgency", errors, _("Choose the urgency."))
    if not (title or "").strip():
        errors["title"] = [gettext("Say in a few words what is needed.")]
    community = _community(community_id, errors)
    if not (address or "").strip():
        errors["address"] = [gettext("The address is required.")]
    _window_errors(starts_at, ends_at, repeat, repeat_until, errors)
    if not (contact_name or "").strip():
        errors["contact_name"] = [gettext("Give a contact name.")]
    phone = _phone(phone, errors, required=True)
    lat, lng = _coordinates(latitude, longitude, coord_system, errors)
    if not isinstance(volunteers_needed, int) or not 1 <= volunteers_needed <= 10:
        errors["volunteers_needed"] = [gettext("Between 1 and 10 volunteers.")]
    if not isinstance(persons_served, int) or not 1 <= persons_served <= 100:
        errors["persons_served"] = [gettext("Between 1 and 100 persons.")]
    if not truth_confirmed:
        errors["truth_confirmed"] = [
            gettext("Confirm that the information is true and that known risks are stated.")
        ]
    if recipient is not None and community is not None and recipient.community_id != community.pk:
        errors["recipient"] = [gettext("The recipient lives in another community.")]
    if errors:
        raise ValidationFailed(errors)
    if lat is None and recipient is not None and recipient.latitude is not None:
        lat, lng = recipient.latitude, recipient.longitude
    actor = actor if getattr(actor, "is_authenticated", False) else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                request = HelpRequest.objects.create(
                    code=new_tracking_code(),
                    idempotency_key=key,
                    kind=kind,
                    title=title.strip()[:100],
                    description=(description or "").strip(),
                    category=category,
                    recipient=recipient,
                    requester=actor,
                    community=community,
                    address_encrypted=_seal(address.strip()),
                    address_masked=mask_address(address),
                    latitude=lat,
                    longitude=lng,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    repeat=repeat,
                    repeat_until=repeat_until if repeat == HelpRequest.Repeat.WEEKLY else None,
                    urgency=urgency,
                    volunteers_needed=volunteers_needed,
                    persons_served=persons_served,
                    contact_name=contact_name.strip()[:50],
                    phone_encrypted=_seal(phone),
                    phone_masked=mask_phone(phone),
                    known_risks=(known_risks or "").strip()[:500],
                    truth_confirmed=True,
                    submitted_at=timezone.now(),
                )
                HelpEvent.objects.create(request=request, to_status=S.SUBMITTED, actor=actor)
        except IntegrityError:
            if key is not None:
                filed = HelpRequest.objects.filter(idempotency_key=key).first()
                if filed is not None:
                    return filed  # the same form, sent twice at once
            continue  # a tracking code collided: draw another
        return request
    raise Conflict(_("Could not issue a tracking code; please try again."))


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
        Volunteer.objects.select_for_update().only("pk").get(pk=volunteer.pk)
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


def request_by_code(code: str) -> HelpRequest:
    from zhiyuan.core.errors import NotFound

    code = (code or "").strip().upper()
    request = HelpRequest.objects.filter(code=code).first() if len(code) == CODE_LENGTH else None
    if request is None:
        raise NotFound(_("No request has this tracking code."))
    return request


def reveal_request(
    *, actor: User, request: HelpRequest, field: str, reason: str, ip_address: str | None = None
) -> str:
    """The full address or phone of a request: its office, team and volunteers whose
    assignment is confirmed."""
    if field not in REQUEST_FIELDS:
        raise ValidationFailed(
            {"field": [gettext("Only the address or the phone can be revealed.")]}
        )
    _check(
        may_see_private(actor, request),
        _(
            "Only the handling team, the office and volunteers whose assignment is confirmed "
            "may see this."
        ),
    )
    record_reveal(
        actor=actor,
        subject_type="help_request",
        subject_id=str(request.pk),
        subject_label=request.code,
        field=field,
        reason=reason,
        ip_address=ip_address,
    )
    return request.decrypted(field)
