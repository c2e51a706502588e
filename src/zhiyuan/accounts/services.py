"""Use cases that write accounts: grant an office role, issue and revoke API tokens, audit a reveal."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import access, scopes
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


def issue_api_token(
    *, actor: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """A new bearer token for `actor`; the clear key is returned once and never stored.

    It lasts ZHIYUAN_API_TOKEN_DAYS, or fewer `days` if asked.
    """
    longest = settings.API_TOKEN_DAYS
    if days is not None and not 1 <= days <= longest:
        raise ValidationFailed(
            {"days": [_("A token lasts 1 to %(days)d days.") % {"days": longest}]}
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:100],
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + dt.timedelta(days=days or longest),
    )
    return token, key


def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    """End one token now: its owner's call, or an office admin's over the owner."""
    if not access.may_manage_tokens(actor, token.user):
        raise PermissionDenied(_("Only the token's owner or their office admin may revoke it."))
    reason = ApiToken.Revoked.BY_OWNER if actor.pk == token.user_id else ApiToken.Revoked.BY_ADMIN
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_reason=reason, revoked_by=actor
    )
    token.refresh_from_db()
    return token


def revoke_all_api_tokens(*, user: User, reason: str, by: User | None = None) -> int:
    """End every usable token of `user` (a suspension, a password change); returns how many."""
    return ApiToken.objects.revoke_all(user, reason=reason, by=by)


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
