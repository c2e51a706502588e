"""Users, region-scoped admin grants, API tokens and the audit log of personal-data reads."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District office admin")
    TEAM_ADMIN = "team_admin", _("Team admin")
    STATION_MANAGER = "station_manager", _("Station manager")
    VOLUNTEER = "volunteer", _("Volunteer")
    RESIDENT = "resident", _("Resident")


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    # Blind index of the login phone number (see zhiyuan.core.crypto); lets people sign
    # in with their phone without the number being stored in clear.
    phone_index = models.CharField(
        _("phone index"), max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # A new password, set by whatever path (a page, the admin, `changepassword`), ends
        # every API token made under the old one. Django's hash upgrades at sign-in leave
        # `_password` unset, so they are not password changes.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.revoke_all(self, reason=ApiToken.Revoked.PASSWORD_CHANGED)


class BrowserSession(AbstractBaseSession):
    """A browser's session (SESSION_ENGINE: accounts/sessions.py), with the account signed in
    with it beside its encoded data, so that the session and its account are read by one
    statement on a signed-in request instead of two."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from zhiyuan.accounts.sessions import SessionStore

        return SessionStore


class RoleGrant(models.Model):
    """An office role over a region subtree: a district (区文明办) or a subdistrict office.

    Team admins and station managers get their scope from the teams and stations apps
    (memberships and managers); they register with `zhiyuan.accounts.scopes`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_grants",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=[(Role.DISTRICT_ADMIN, Role.DISTRICT_ADMIN.label)]
    )
    region = models.ForeignKey(
        "places.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="role_grants",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="role_grant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Neither revoked nor expired (the owner's account must be active too)."""
        return self.filter(revoked_at=None, expires_at__gt=timezone.now())

    def revoke_all(self, user, *, reason: str, by=None) -> int:
        return (
            self.filter(user=user)
            .usable()
            .update(revoked_at=timezone.now(), revoked_reason=reason, revoked_by=by)
        )


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once.

    It ends at `expires_at` (ZHIYUAN_API_TOKEN_DAYS after it is made), when its owner or an
    office admin over them revokes it, or when the owner's password changes, the volunteer
    is suspended or anonymised.
    """

    class Revoked(models.TextChoices):
        BY_OWNER = "owner", _("Revoked by its owner")
        BY_ADMIN = "admin", _("Revoked by an office admin")
        PASSWORD_CHANGED = "password", _("The password was changed")
        SUSPENDED = "suspended", _("The volunteer was suspended")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(
        _("why revoked"), max_length=10, choices=Revoked.choices, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "active"


class AuditEvent(models.Model):
    """One deliberate read or export of personal data: who, whose, what, when and why."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Revealed a full value")
        EXPORT = "export", _("Exported unmasked data")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject_type = models.CharField(_("subject type"), max_length=50)
    subject_id = models.CharField(_("subject id"), max_length=50)
    subject_label = models.CharField(_("subject"), max_length=100)
    field = models.CharField(_("field"), max_length=50)
    reason = models.CharField(_("reason"), max_length=300)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.subject_label}"


# Whoever calls a use case: a signed-in user, or (registration, help requests) the anonymous
# visitor Django gives a page. Services take it as `actor` and check it through access.py.
Actor = User | AnonymousUser
