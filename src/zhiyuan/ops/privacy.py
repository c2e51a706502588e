"""A volunteer's personal data (个人信息保护法, 志愿服务条例): export everything held, erase who left.

Export (PIPL Art. 45, right of access and portability): every row of every app that points
at the volunteer or at their account, found through Django's relations, so an app added
later is covered without changes here; the ID number and phone decrypted (it is the
person's own data); written to the audit log like any unmasked export.

Anonymisation (PIPL Art. 47, deletion; 志愿服务条例 Art. 19, records kept for statistics):
the person goes, the statistics stay. Decisions, documented in README's privacy section:

- Erased: real name, ID number (ciphertext, blind index and masked form), phone, exact
  birth date (the day and month), skills, availability, insurance date, the link to the
  account; the account's username, names, email, phone index, password, API tokens, role
  grants and in-site messages; the calendar feed; the volunteer number (a public
  identifier printed on certificates) is replaced by a new one that leads nowhere.
  (Sign-in failure counts live only in the cache, keyed by account, and expire.)
- Kept, for the district's statistics: gender, birth year (age bands), home community,
  ID type, political status, consent version, and every service record, attendance,
  hours total and certificate (their hours, dates, teams and numbers) — now of nobody.
- Refused while something waits on the person: checked in now, records awaiting approval,
  open correction requests, certificate requests not yet decided. Those need the person
  to be identifiable to be settled; finish them first. Upcoming sign-ups are released
  (the waitlist moves up), open memberships end.
- Irreversible: nothing kept anywhere maps the new number back to the person; the
  `Anonymisation` row records who did it, when and why.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import ApiToken, AuditEvent, RoleGrant, User
from zhiyuan.accounts.services import record_reveal
from zhiyuan.core.crypto import DecryptionError
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.notifications.models import Message
from zhiyuan.ops.access import may_export
from zhiyuan.ops.models import Anonymisation
from zhiyuan.projects.models import CalendarFeed, SignUp
from zhiyuan.projects.signups import withdraw_signup
from zhiyuan.service.models import Attendance, Certificate, CorrectionRequest, ServiceRecord
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers import availability as avail
from zhiyuan.volunteers.models import Volunteer

EXPORT_FORMAT = "zhiyuan-personal-data"
EXPORT_VERSION = 1
ANONYMISED_NAME = "***"
# Columns that are no use to the person and would only leak keys or secrets.
HIDDEN_SUFFIXES = ("_encrypted", "_index")
HIDDEN_NAMES = {"password", "key_hash", "dedupe_key", "token"}


NO_PROFILE = _("You have no volunteer profile.")
CONFIRM_MISMATCH = _("Type the volunteer number exactly to confirm.")


class AlreadyAnonymised(Conflict):
    code = "already_anonymised"
    default_message = _("This volunteer has already been anonymised.")


class PendingMatters(Conflict):
    code = "pending_matters"


def _hidden(field) -> bool:
    return field.name in HIDDEN_NAMES or field.name.endswith(HIDDEN_SUFFIXES)


def _plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _row(obj: models.Model, *, back: str | None = None) -> dict:
    """All of a row's columns as JSON values; a foreign key as its id and its label."""
    out: dict = {}
    for field in obj._meta.concrete_fields:
        if _hidden(field) or field.name == back:
            continue
        value = getattr(obj, field.attname)
        if field.is_relation:
            related = getattr(obj, field.name) if value is not None else None
            out[field.name] = None if related is None else {"id": value, "label": str(related)}
            continue
        out[field.name] = _plain(value)
        if field.choices and value not in (None, ""):
            out[f"{field.name}_display"] = str(getattr(obj, f"get_{field.name}_display")())
    return out


def _related_rows(obj: models.Model, *, skip: set[str]) -> dict[str, list[dict]]:
    """Every row of every model that points at `obj`, by the relation's accessor name.

    Relations declared with related_name="+" are references to someone *acting* (who
    recorded, who approved), not data about them, and are left out.
    """
    sections: dict[str, list[dict]] = {}
    for relation in obj._meta.related_objects:
        if relation.hidden:
            continue
        name = relation.get_accessor_name()
        if name in skip:
            continue
        model = relation.related_model
        links = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.name != relation.field.name
        ]
        rows = (
            model._base_manager.filter(**{relation.field.name: obj})
            .select_related(*links)
            .order_by("pk")
        )
        back = None if relation.many_to_many else relation.field.name
        sections[name] = [_row(row, back=back) for row in rows]
    return sections


def _clear(volunteer: Volunteer, field: str) -> str | None:
    if not getattr(volunteer, f"{field}_encrypted"):
        return None
    try:
        return volunteer.decrypted(field)
    except DecryptionError:
        return None


def export_volunteer(volunteer: Volunteer) -> dict:
    """Everything held on `volunteer`, as one JSON-ready dict. Callers audit: see `export_for`."""
    profile = _row(volunteer)
    profile.update(
        id_number=_clear(volunteer, "id_number"),
        phone=_clear(volunteer, "phone"),
        skills=[skill.name for skill in volunteer.skills.all()],
        availability_slots=avail.to_slots(volunteer.availability),
    )
    data: dict = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "volunteer": profile,
        "held_about_the_volunteer": _related_rows(volunteer, skip=set()),
        "audit_events_about_the_volunteer": [
            {
                "at": _plain(event.at),
                "action": event.action,
                "action_display": event.get_action_display(),
                "by": str(event.actor),
                "field": event.field,
                "reason": event.reason,
            }
            for event in AuditEvent.objects.filter(
                subject_type="volunteer", subject_id=str(volunteer.pk)
            ).select_related("actor")
        ],
        "account": None,
    }
    user = volunteer.user
    if user is not None:
        account = _row(user)
        account["groups"] = [group.name for group in user.groups.all()]
        account["permissions"] = [p.codename for p in user.user_permissions.all()]
        data["account"] = account
        data["held_about_the_account"] = _related_rows(user, skip={"volunteer"})
    return data


def export_for(*, actor: User, volunteer: Volunteer, reason: str = "", ip_address=None) -> dict:
    """The export, for the volunteer themselves or an office admin of their region; audited."""
    if not may_export(actor, volunteer):
        raise PermissionDenied(
            _("Only the volunteer or an office admin of their region may export their data.")
        )
    own = volunteer.user_id is not None and volunteer.user_id == actor.pk
    if own and not reason:
        reason = "Own data export (PIPL Art. 45)"
    record_reveal(
        actor=actor,
        subject_type="volunteer",
        subject_id=str(volunteer.pk),
        subject_label=volunteer.volunteer_no,
        field="all",
        reason=reason,
        ip_address=ip_address,
        action=AuditEvent.Action.EXPORT,
    )
    return export_volunteer(volunteer)


def pending_matters(volunteer: Volunteer) -> dict[str, int]:
    """What still waits on the person and must be settled before they can be anonymised."""
    found = {
        "checked_in": Attendance.objects.filter(
            volunteer=volunteer, checked_out_at__isnull=True
        ).count(),
        "records_awaiting_approval": ServiceRecord.objects.filter(
            volunteer=volunteer, is_current=True, state=ServiceRecord.State.PENDING
        ).count(),
        "open_corrections": CorrectionRequest.objects.filter(
            volunteer=volunteer, state=CorrectionRequest.State.OPEN
        ).count(),
        "certificates_requested": Certificate.objects.filter(
            volunteer=volunteer, state=Certificate.State.REQUESTED
        ).count(),
    }
    return {name: count for name, count in found.items() if count}


PENDING_LABELS = {
    "checked_in": _("checked in at a shift now"),
    "records_awaiting_approval": _("service records awaiting approval"),
    "open_corrections": _("open correction requests"),
    "certificates_requested": _("certificate requests not yet decided"),
}


def _scrub_account(user) -> int:
    """Clear the account's personal fields and lock it; returns the messages deleted."""
    user.username = f"anonymised-{user.pk}"
    user.first_name = user.last_name = user.email = user.full_name = ""
    user.phone_index = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save(
        update_fields=[
            "username",
            "first_name",
            "last_name",
            "email",
            "full_name",
            "phone_index",
            "is_active",
            "is_staff",
            "is_superuser",
            "password",
        ]
    )
    user.groups.clear()
    user.user_permissions.clear()
    ApiToken.objects.filter(user=user).delete()
    RoleGrant.objects.filter(user=user).delete()
    deleted, _by_model = Message.objects.filter(recipient=user).delete()
    return deleted


def anonymise_volunteer(*, actor: User, volunteer: Volunteer, reason: str) -> Anonymisation:
    """Erase the person behind `volunteer`, keeping their service in the statistics.

    Irreversible. Takes the volunteer's row lock first, so a check-in or a sign-up
    racing with the erasure either lands before it (and is counted below) or fails after.
    """
    if not scopes.administers_region(actor, volunteer.community):
        raise PermissionDenied(_("Only an office admin of the volunteer's region may do this."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [str(_("Say why the volunteer is anonymised."))]})
    now = timezone.now()
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if Anonymisation.objects.filter(volunteer=volunteer).exists():
            raise AlreadyAnonymised()
        waiting = pending_matters(volunteer)
        if waiting:
            raise PendingMatters(
                _("Settle these first, while the person can still be identified: %(list)s.")
                % {
                    "list": "; ".join(
                        f"{PENDING_LABELS[name]} ({count})" for name, count in waiting.items()
                    )
                }
            )
        released = 0
        upcoming = SignUp.objects.filter(
            volunteer=volunteer, state__in=SignUp.HOLDING, starts_at__gt=now
        )
        for signup in upcoming:
            withdraw_signup(signup=signup, note="The volunteer left the corps.")
            released += 1
        ended = Membership.objects.filter(
            volunteer=volunteer, state__in=Membership.OPEN_STATES
        ).update(state=Membership.State.LEFT, left_at=now)
        Team.objects.filter(leader=volunteer).update(leader=None)
        CalendarFeed.objects.filter(volunteer=volunteer).delete()
        messages_deleted = _scrub_account(volunteer.user) if volunteer.user_id else 0

        volunteer.volunteer_no = f"ANON{volunteer.pk:010d}"
        volunteer.real_name = ANONYMISED_NAME
        volunteer.id_number_encrypted = ""
        # Unique, and never the HMAC of any number: the blind index no longer finds anyone.
        volunteer.id_number_index = f"anonymised-{volunteer.pk}"
        volunteer.id_number_masked = ""
        volunteer.phone_encrypted = volunteer.phone_index = volunteer.phone_masked = ""
        volunteer.birth_date = dt.date(volunteer.birth_date.year, 1, 1)
        volunteer.availability = 0
        volunteer.insured_until = None
        volunteer.user = None
        volunteer.status = Volunteer.Status.SUSPENDED
        volunteer.status_reason = "anonymised"
        volunteer.save(
            update_fields=[
                "volunteer_no",
                "real_name",
                "id_number_encrypted",
                "id_number_index",
                "id_number_masked",
                "phone_encrypted",
                "phone_index",
                "phone_masked",
                "birth_date",
                "availability",
                "insured_until",
                "user",
                "status",
                "status_reason",
            ]
        )
        volunteer.skills.clear()
        AuditEvent.objects.filter(subject_type="volunteer", subject_id=str(volunteer.pk)).update(
            subject_label=volunteer.volunteer_no
        )
        records = ServiceRecord.objects.filter(volunteer=volunteer, is_current=True)
        return Anonymisation.objects.create(
            volunteer=volunteer,
            actor=actor,
            reason=reason[:300],
            records_kept=records.count(),
            hours_kept=(
                records.filter(state=ServiceRecord.State.APPROVED).aggregate(total=Sum("hours"))[
                    "total"
                ]
                or Decimal(0)
            ).quantize(Decimal("0.01")),
            certificates_kept=Certificate.objects.filter(volunteer=volunteer).count(),
            memberships_ended=ended,
            signups_released=released,
            messages_deleted=messages_deleted,
        )
