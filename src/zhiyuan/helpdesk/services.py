"""Use cases that write the help desk: submitting a help request, finding it by its tracking
code, revealing its private details; the input checks the desk's other modules share.

Recipients live in `recipients`; the help-request workflow (verify, assign, serve, finish)
in `workflow`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts.models import Actor, User
from zhiyuan.accounts.services import record_reveal
from zhiyuan.core import crypto
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.core.masking import mask_phone
from zhiyuan.helpdesk.access import may_see_private
from zhiyuan.helpdesk.models import (
    HelpEvent,
    HelpKind,
    HelpRequest,
    Recipient,
    RecipientCategory,
    Urgency,
)
from zhiyuan.places import geo
from zhiyuan.places.models import Region
from zhiyuan.volunteers.idcard import InvalidPhone, parse_mobile

S = HelpRequest.Status
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
CODE_LENGTH = 10
MAX_WINDOW = dt.timedelta(hours=12)
REQUEST_FIELDS = {"address": _("address"), "phone": _("phone")}


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
