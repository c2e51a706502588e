"""Use cases that write volunteers: register, review (approve / reject / suspend), edit, reveal."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import Actor, ApiToken, User
from zhiyuan.accounts.services import record_reveal, revoke_all_api_tokens
from zhiyuan.core import crypto
from zhiyuan.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from zhiyuan.core.masking import mask_identifier, mask_phone
from zhiyuan.core.models import reserve
from zhiyuan.core.security import throttle
from zhiyuan.notifications.channels import send_sms
from zhiyuan.places.models import Region
from zhiyuan.volunteers import availability as avail
from zhiyuan.volunteers import validation
from zhiyuan.volunteers.access import may_manage, may_register_in
from zhiyuan.volunteers.idcard import IdDocument
from zhiyuan.volunteers.models import PhoneChange, PoliticalStatus, Skill, Volunteer
from zhiyuan.volunteers.notices import notify_volunteer
from zhiyuan.volunteers.validation import DuplicateIdNumber

PRIVACY_NOTICE_VERSION = "2026-1"
REVEALABLE_FIELDS = {"id_number": _("ID number"), "phone": _("phone")}
PHONE_CODE_MINUTES = 10
PHONE_CODE_ATTEMPTS = 5
PHONE_CODES_PER_HOUR = 5


class AlreadyRegistered(Conflict):
    """What a caller other than an office admin hears when the ID number or the phone is
    taken: the same words for both, so registering cannot test whose number is on file."""

    code = "registration_refused"
    default_message = _(
        "These details cannot be registered. If you have registered before, sign in with your "
        "phone or volunteer number; otherwise ask the district office for help."
    )


def _taken(is_admin: bool, specific: DomainError) -> DomainError:
    """The specific reason for an office admin, the neutral one for anyone else."""
    return specific if is_admin else AlreadyRegistered()


class WrongStatus(Conflict):
    code = "wrong_status"


def volunteer_numbers(count: int) -> list[str]:
    """`count` new public volunteer numbers (志愿者编号), never reused."""
    prefix = settings.VOLUNTEER_NUMBER_PREFIX
    return [f"{prefix}{n:08d}" for n in reserve("volunteer_no", count)]


def encrypted_identity(document: IdDocument, phone: str) -> dict:
    """The stored columns for an ID number and a phone: ciphertext, blind index, masked."""
    cipher = crypto.field_cipher()
    return {
        "id_type": document.id_type,
        "id_number_encrypted": cipher.encrypt(document.number),
        "id_number_index": cipher.blind_index("id_number", document.index_value),
        "id_number_masked": mask_identifier(document.number),
        "phone_encrypted": cipher.encrypt(phone),
        "phone_index": cipher.blind_index("phone", phone),
        "phone_masked": mask_phone(phone),
    }


def id_number_index(document: IdDocument) -> str:
    return crypto.blind_index("id_number", document.index_value)


def _collect(errors: dict, field: str, func, *args, **kwargs):
    try:
        return func(*args, **kwargs)
    except DomainError as exc:
        errors.setdefault(exc.field or field, []).append(str(exc.message))
        return None


def _resolve_community(errors: dict, community_id) -> Region | None:
    community = None
    if community_id not in (None, ""):
        try:
            community = Region.objects.filter(level=Region.Level.COMMUNITY).get(
                pk=int(community_id)
            )
        except (Region.DoesNotExist, ValueError, TypeError):
            community = None
    if community is None:
        errors.setdefault("community", []).append(str(_("Choose your home community.")))
    return community


def _resolve_skills(errors: dict, skill_codes: Iterable[str]) -> list[Skill]:
    codes = list(dict.fromkeys(skill_codes or []))
    skills = list(Skill.objects.filter(code__in=codes))
    unknown = set(codes) - {s.code for s in skills}
    if unknown:
        errors.setdefault("skills", []).append(
            str(_("Unknown skill: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
        )
    return skills


def _resolve_availability(errors: dict, slots: Iterable[str]) -> int:
    try:
        return avail.to_mask(slots or [])
    except KeyError as exc:
        errors.setdefault("availability", []).append(
            str(_("Unknown time slot: %(slot)s.") % {"slot": exc.args[0]})
        )
        return 0


def register_volunteer(
    *,
    actor: Actor,
    real_name: str,
    id_type: str,
    id_number: str,
    phone: str,
    community_id,
    skills: Iterable[str] = (),
    availability: Iterable[str] = (),
    political_status: str = PoliticalStatus.MASSES,
    consent: bool,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    password: str | None = None,
) -> Volunteer:
    """Register a volunteer; every bad field is reported at once and nothing is saved.

    Who registers decides what is created: an anonymous person gets an account (with
    `password`) and a pending profile; a signed-in person without a profile gets a
    pending profile on their account; an office admin registers someone without an
    account, approved at once. A second registration of the same document is refused
    without saying whose it is (a unique blind index, so this holds under concurrency).
    """
    is_admin = scopes.is_district_admin(actor)
    errors: dict[str, list[str]] = {}
    real_name = _collect(errors, "real_name", validation.real_name, real_name)
    document = _collect(errors, "id_number", validation.document, id_type, id_number)
    phone_number = _collect(errors, "phone", validation.phone, phone)
    community = _resolve_community(errors, community_id)
    if community is not None and not may_register_in(actor, community):
        errors["community"] = [str(_("You may register volunteers only in your own region."))]
    skill_rows = _collect(
        errors, "skills", validation.declarable_skills, _resolve_skills(errors, skills)
    )
    availability_mask = _resolve_availability(errors, availability)
    _collect(errors, "political_status", validation.political_status, political_status)
    if not consent:
        errors["consent"] = [str(_("You must agree to the privacy notice to register."))]
    if document is not None:
        birth_date, gender = _collect(
            errors,
            "birth_date",
            validation.birth_and_gender,
            document,
            birth_date=birth_date,
            gender=gender,
            today=timezone.localdate(),
        ) or (None, None)
    account = None
    if actor.is_authenticated and not is_admin:
        if hasattr(actor, "volunteer"):
            raise Conflict(_("Your account already has a volunteer profile."))
        account = actor
    elif not actor.is_authenticated:
        if not password:
            errors["password"] = [str(_("Choose a password for your account."))]
        else:
            try:
                validate_password(password)
            except DjangoValidationError as exc:
                errors["password"] = [str(m) for m in exc.messages]
    if errors:
        raise ValidationFailed(errors)
    try:
        validation.not_registered(id_number_index(document))
    except DuplicateIdNumber as exc:
        raise _taken(is_admin, exc) from None
    now = timezone.now()
    phone_index = crypto.blind_index("phone", phone_number)
    try:
        with transaction.atomic():
            number = volunteer_numbers(1)[0]
            if not actor.is_authenticated:
                if User.objects.filter(phone_index=phone_index).exists():
                    raise AlreadyRegistered()
                account = User(username=number, full_name=real_name, phone_index=phone_index)
                account.set_password(password)
                account.save()
            elif account is not None and not account.phone_index:
                if User.objects.filter(phone_index=phone_index).exists():
                    raise AlreadyRegistered()
                account.phone_index = phone_index
                account.full_name = account.full_name or real_name
                account.save(update_fields=["phone_index", "full_name"])
            volunteer = Volunteer.objects.create(
                volunteer_no=number,
                user=account,
                real_name=real_name,
                birth_date=birth_date,
                gender=gender,
                community=community,
                availability=availability_mask,
                political_status=political_status,
                consent_version=PRIVACY_NOTICE_VERSION,
                consented_at=now,
                status=Volunteer.Status.ACTIVE if is_admin else Volunteer.Status.PENDING,
                reviewed_by=actor if is_admin else None,
                reviewed_at=now if is_admin else None,
                **encrypted_identity(document, phone_number),
            )
            volunteer.skills.set(skill_rows)
    except IntegrityError:
        if Volunteer.objects.filter(id_number_index=id_number_index(document)).exists():
            raise _taken(is_admin, DuplicateIdNumber()) from None
        if User.objects.filter(phone_index=phone_index).exists():
            raise AlreadyRegistered() from None
        raise
    return volunteer


def _check_manages(actor: User, volunteer: Volunteer) -> None:
    if not scopes.administers_region(actor, volunteer.community):
        raise PermissionDenied(_("Only an office admin of the volunteer's region may do this."))


def _transition(actor: User, volunteer_id: int, allowed_from: set[str], to: str, reason: str):
    """Move a volunteer's status under a row lock, so two reviewers cannot both act."""
    with transaction.atomic():
        volunteer = (
            Volunteer.objects.select_for_update().select_related("community").get(pk=volunteer_id)
        )
        _check_manages(actor, volunteer)
        if volunteer.status not in allowed_from:
            raise WrongStatus(
                _("This volunteer is %(status)s; the action is not possible now.")
                % {"status": volunteer.get_status_display()}
            )
        volunteer.status = to
        volunteer.status_reason = reason
        volunteer.reviewed_by = actor
        volunteer.reviewed_at = timezone.now()
        volunteer.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at"])
    return volunteer


def _required_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [str(message)]})
    return reason[:300]


def approve_volunteer(*, actor: User, volunteer: Volunteer) -> Volunteer:
    volunteer = _transition(
        actor,
        volunteer.pk,
        {Volunteer.Status.PENDING, Volunteer.Status.REJECTED},
        Volunteer.Status.ACTIVE,
        "",
    )
    _tell_registration(volunteer)
    return volunteer


def reject_volunteer(*, actor: User, volunteer: Volunteer, reason: str) -> Volunteer:
    _check_manages(actor, volunteer)
    reason = _required_reason(reason, _("Give the applicant a reason for the rejection."))
    volunteer = _transition(
        actor, volunteer.pk, {Volunteer.Status.PENDING}, Volunteer.Status.REJECTED, reason
    )
    _tell_registration(volunteer)
    return volunteer


def _tell_registration(volunteer: Volunteer) -> None:
    """The applicant hears the decision on their registration, with the reason if refused."""
    if volunteer.status == Volunteer.Status.ACTIVE:
        subject = gettext("Your volunteer registration is approved")
        body = gettext("Welcome! Your volunteer number is %(no)s; you can now sign up for shifts.")
    else:
        subject = gettext("Your volunteer registration is not approved")
        body = gettext("Reason: %(reason)s. You may correct your details and apply again.")
    notify_volunteer(
        volunteer,
        kind=f"registration_{volunteer.status}",
        key=f"registration:{volunteer.pk}:{volunteer.status}:{volunteer.reviewed_at:%Y%m%d%H%M%S}",
        subject=subject,
        body=body % {"no": volunteer.volunteer_no, "reason": volunteer.status_reason},
        link=reverse("volunteers:me"),
    )


def suspend_volunteer(*, actor: User, volunteer: Volunteer, reason: str) -> Volunteer:
    """Suspend an active volunteer; every API token of their account ends with it."""
    _check_manages(actor, volunteer)
    reason = _required_reason(reason, _("Give a reason for the suspension."))
    with transaction.atomic():
        volunteer = _transition(
            actor, volunteer.pk, {Volunteer.Status.ACTIVE}, Volunteer.Status.SUSPENDED, reason
        )
        if volunteer.user is not None:
            revoke_all_api_tokens(user=volunteer.user, reason=ApiToken.Revoked.SUSPENDED, by=actor)
    return volunteer


def reinstate_volunteer(*, actor: User, volunteer: Volunteer) -> Volunteer:
    return _transition(
        actor, volunteer.pk, {Volunteer.Status.SUSPENDED}, Volunteer.Status.ACTIVE, ""
    )


def update_profile(
    *,
    actor: User,
    volunteer: Volunteer,
    phone: str | None = None,
    community_id=None,
    skills: Iterable[str] | None = None,
    availability: Iterable[str] | None = None,
    political_status: str | None = None,
    national_no: str | None = None,
) -> Volunteer:
    """Change the editable parts of a profile: by the volunteer or by an office admin.

    The name and the document are fixed after registration: they identify the person. The
    national volunteer number is the office's to set ("" clears it), never the volunteer's.
    """
    is_self = volunteer.user_id is not None and volunteer.user_id == actor.pk
    if not is_self:
        _check_manages(actor, volunteer)
    errors: dict[str, list[str]] = {}
    fields: list[str] = []
    updates: dict = {}
    new_phone = None
    if phone is not None:
        number = _collect(errors, "phone", validation.phone, phone)
        if number and crypto.blind_index("phone", number) != volunteer.phone_index:
            _collect(errors, "phone", _check_phone_free, number, volunteer)
            if is_self:
                new_phone = number  # waits for the code sent to it
            else:
                updates.update(_phone_columns(number))
    if community_id is not None:
        community = _resolve_community(errors, community_id)
        if community is not None:
            updates["community"] = community
    skill_rows = None
    if skills is not None:
        # Certified skills stay whatever the request lists; others must be declarable.
        held = list(volunteer.skills.filter(requires_training=True))
        declared = _collect(
            errors,
            "skills",
            validation.declarable_skills,
            _resolve_skills(errors, skills),
            held=held,
        )
        skill_rows = [*(declared or []), *held]
    if availability is not None:
        updates["availability"] = _resolve_availability(errors, availability)
    if political_status is not None:
        _collect(errors, "political_status", validation.political_status, political_status)
        updates["political_status"] = political_status
    if national_no is not None:
        _national_update(errors, updates, actor, volunteer, national_no)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        for name, value in updates.items():
            setattr(volunteer, name, value)
            fields.append(name)
        if fields:
            try:
                with transaction.atomic():
                    volunteer.save(update_fields=fields)
            except IntegrityError:
                if "national_no" in updates:
                    raise validation.DuplicateNationalNumber() from None
                raise
        if skill_rows is not None:
            volunteer.skills.set(skill_rows)
        if new_phone is not None:
            _send_phone_code(volunteer, new_phone)
    return volunteer


def _national_update(errors: dict, updates: dict, actor, volunteer: Volunteer, raw: str) -> None:
    """The national number into `updates`, or its error into `errors`."""
    if not may_manage(actor, volunteer):
        raise PermissionDenied(
            _("Only the office of the volunteer's region may set the national number.")
        )
    try:
        number = validation.national_number(raw)
        if number is not None:
            validation.national_number_free(number, volunteer_id=volunteer.pk)
    except DomainError as exc:
        errors.setdefault("national_no", []).append(str(exc.message))
        return
    updates["national_no"] = number


def _phone_columns(number: str) -> dict:
    cipher = crypto.field_cipher()
    return {
        "phone_encrypted": cipher.encrypt(number),
        "phone_index": cipher.blind_index("phone", number),
        "phone_masked": mask_phone(number),
    }


def _check_phone_free(number: str, volunteer: Volunteer) -> None:
    """A volunteer's phone is no other active account's login phone."""
    taken = (
        User.objects.filter(phone_index=crypto.blind_index("phone", number), is_active=True)
        .exclude(pk=volunteer.user_id)
        .exists()
    )
    if taken:
        raise Conflict(_("This number is another account's phone: choose another."), field="phone")


def _send_phone_code(volunteer: Volunteer, number: str) -> PhoneChange:
    """Keep `number` as the volunteer's pending phone and text it a code (after commit).

    The number becomes theirs, and their login phone, only through confirm_phone_change.
    """
    throttle("phone-code", str(volunteer.pk), limit=PHONE_CODES_PER_HOUR, window=3600)
    code = f"{secrets.randbelow(1_000_000):06d}"
    change, _created = PhoneChange.objects.update_or_create(
        volunteer=volunteer,
        defaults={
            **_phone_columns(number),
            "code_hash": make_password(code),
            "attempts": 0,
            "expires_at": timezone.now() + dt.timedelta(minutes=PHONE_CODE_MINUTES),
        },
    )
    text = str(
        _("zhiyuan: your code to confirm this phone is %(code)s (valid %(minutes)d minutes).")
        % {"code": code, "minutes": PHONE_CODE_MINUTES}
    )
    transaction.on_commit(lambda: send_sms(phone=number, text=text))
    return change


def confirm_phone_change(*, actor, volunteer: Volunteer, code: str) -> Volunteer:
    """Enter the code texted to the new phone: it becomes the volunteer's phone and their
    login phone. Locks the pending change, so one code is used once; a wrong code counts,
    and the fifth ends the change."""
    if volunteer.user_id is None or volunteer.user_id != actor.pk:
        raise PermissionDenied(_("Only the volunteer may confirm their new phone."))
    error: DomainError | None = None
    with transaction.atomic():
        change = PhoneChange.objects.select_for_update().filter(volunteer=volunteer).first()
        if change is None or change.expires_at <= timezone.now():
            if change is not None:
                change.delete()
            raise DomainError(
                _("No code is waiting for this phone, or it has expired: ask for a new one."),
                field="code",
                code="no_phone_code",
            )
        if not check_password((code or "").strip(), change.code_hash):
            change.attempts += 1
            if change.attempts >= PHONE_CODE_ATTEMPTS:
                change.delete()
                error = DomainError(
                    _("Too many wrong codes: ask for a new one."), field="code", code="wrong_code"
                )
            else:
                change.save(update_fields=["attempts"])
                error = DomainError(_("The code is wrong."), field="code", code="wrong_code")
        else:
            number = crypto.decrypt(change.phone_encrypted)
            _check_phone_free(number, volunteer)
            for name, value in _phone_columns(number).items():
                setattr(volunteer, name, value)
            volunteer.save(update_fields=["phone_encrypted", "phone_index", "phone_masked"])
            account = volunteer.user
            if account is not None:  # the sign-in phone follows; a profile without one has none
                account.phone_index = change.phone_index
                try:
                    with transaction.atomic():
                        account.save(update_fields=["phone_index"])
                except IntegrityError:
                    raise Conflict(
                        _("This number is another account's phone: choose another."), field="code"
                    ) from None
            change.delete()
    if error is not None:
        raise error
    return volunteer


def reveal(
    *, actor: User, volunteer: Volunteer, field: str, reason: str, ip_address: str | None = None
) -> str:
    """The full value of `field` ("id_number" or "phone"), written to the audit log first."""
    if field not in REVEALABLE_FIELDS:
        raise ValidationFailed(
            {"field": [str(_("Only the ID number or the phone can be revealed."))]}
        )
    _check_manages(actor, volunteer)
    record_reveal(
        actor=actor,
        subject_type="volunteer",
        subject_id=str(volunteer.pk),
        subject_label=volunteer.volunteer_no,
        field=field,
        reason=reason,
        ip_address=ip_address,
    )
    return volunteer.decrypted(field)
