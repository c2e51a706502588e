"""Use cases that write recipients: record one (with consent), change them, reveal their
sealed address, health details or phone (audited)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.accounts.services import record_reveal
from zhiyuan.core.errors import PermissionDenied, ValidationFailed
from zhiyuan.core.masking import mask_phone
from zhiyuan.helpdesk.access import may_manage_recipient
from zhiyuan.helpdesk.models import Recipient, RecipientCategory
from zhiyuan.helpdesk.services import (
    _check,
    _choice,
    _community,
    _coordinates,
    _phone,
    _seal,
    mask_address,
)

RECIPIENT_FIELDS = {
    "address": _("address"),
    "health": _("health and disability"),
    "phone": _("phone"),
}


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
