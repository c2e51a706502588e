"""Use cases that write accounts: grant an office role, issue an API token, audit a reveal."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import ApiToken, AuditEvent, Role, RoleGrant, User
from zhiyuan.core.errors import PermissionDenied, ValidationFailed

TOKEN_PREFIX = "zy_"  # noqa: S105 - a public prefix, not a secret


def grant_district_admin(*, actor: User, user: User, region, note: str = "") -> RoleGrant:
    """Make `user` an office admin over `region`; only an admin above it may do so."""
    if not scopes.administers_region(actor, region):
        raise PermissionDenied(_("Only an administrator of this region may grant roles in it."))
    grant, _created = RoleGrant.objects.get_or_create(
        user=user, role=Role.DISTRICT_ADMIN, region=region, defaults={"note": note}
    )
    return grant


def issue_api_token(*, actor: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for `actor`; the clear key is returned once and never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name[:100], key_hash=ApiToken.hash_key(key), prefix=key[:8]
    )
    return token, key


def record_reveal(
    *,
    actor: User,
    subject_type: str,
    subject_id: str,
    subject_label: str,
    field: str,
    reason: str,
    ip_address: str | None = None,
    action: str = AuditEvent.Action.REVEAL,
) -> AuditEvent:
    """Write the audit entry for a full view of personal data. A reason is mandatory."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [_("Say why you need to see the full value.")]})
    with transaction.atomic():
        return AuditEvent.objects.create(
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=subject_label,
            field=field,
            reason=reason[:300],
            ip_address=ip_address,
        )
