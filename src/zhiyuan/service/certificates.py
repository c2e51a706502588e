"""Certificates of service (志愿服务记录证明): request, issue or refuse, who may see one, and
the public check by verify token or number.

A certificate states the approved, current hours that one team recorded for one volunteer
in one period; the issuing team's admins compute and sign it, never the volunteer.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from zhiyuan.core.models import reserve
from zhiyuan.core.security import throttle
from zhiyuan.notifications.services import notify
from zhiyuan.service.models import Certificate, ServiceRecord
from zhiyuan.teams.access import may_manage
from zhiyuan.teams.models import Team
from zhiyuan.teams.selectors import managed_teams
from zhiyuan.volunteers.models import Volunteer

NUMBER_PREFIX = "ZYZM"
CONTENT_LIMIT = 500
NOT_GENUINE = _("No issued certificate matches: this certificate is not genuine.")


class NoApprovedHours(DomainError):
    code = "no_approved_hours"
    status = 400
    default_message = _("This team recorded no approved hours for you in this period.")


def format_number(year: int, serial: int) -> str:
    """`ZYZM-2026-000123`: the year of issue and the district-wide serial."""
    return f"{NUMBER_PREFIX}-{year}-{serial:06d}"


def mask_name(name: str) -> str:
    """`张三明` -> `张*明`, `欧阳小明` -> `欧**明`, `张三` -> `张*`: enough to recognise, not to identify."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _approved_records(volunteer_id: int, team_id: int, period_from, period_to):
    return ServiceRecord.objects.filter(
        volunteer_id=volunteer_id,
        team_id=team_id,
        is_current=True,
        state=ServiceRecord.State.APPROVED,
        served_on__gte=period_from,
        served_on__lte=period_to,
    )


def _active_volunteer(actor) -> Volunteer:
    volunteer = getattr(actor, "volunteer", None) if actor.is_authenticated else None
    if volunteer is None or not volunteer.is_active:
        raise PermissionDenied(_("Only active volunteers can ask for a certificate."))
    return volunteer


def _check_period(period_from, period_to) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(period_from, dt.date):
        errors["period_from"] = [gettext("Give the first day of the period.")]
    if not isinstance(period_to, dt.date):
        errors["period_to"] = [gettext("Give the last day of the period.")]
    elif period_to > timezone.localdate():
        errors["period_to"] = [gettext("The period cannot end in the future.")]
    elif isinstance(period_from, dt.date) and period_from > period_to:
        errors["period_from"] = [gettext("The period must start before it ends.")]
    if errors:
        raise ValidationFailed(errors)


def request_certificate(*, actor, team: Team, period_from, period_to) -> Certificate:
    """Ask `team` for a certificate of the hours it recorded and approved in the period.

    The volunteer's row is locked while checking for an open request, so a double submit
    gives one request and one Conflict.
    """
    volunteer = _active_volunteer(actor)
    _check_period(period_from, period_to)
    if not _approved_records(volunteer.pk, team.pk, period_from, period_to).exists():
        raise NoApprovedHours(field="team")
    with transaction.atomic():
        Volunteer.objects.lock(volunteer.pk)
        if Certificate.objects.filter(
            volunteer=volunteer,
            team=team,
            period_from=period_from,
            period_to=period_to,
            state=Certificate.State.REQUESTED,
        ).exists():
            raise Conflict(_("You have asked for this certificate already: it is being handled."))
        return Certificate.objects.create(
            volunteer=volunteer, team=team, period_from=period_from, period_to=period_to
        )


def _check_handler(actor, certificate: Certificate) -> None:
    if not may_manage(actor, certificate.team):
        raise PermissionDenied(_("Only admins of the issuing team may handle its certificates."))
    if certificate.volunteer.user_id is not None and certificate.volunteer.user_id == actor.pk:
        raise PermissionDenied(_("Nobody handles their own certificate."))


def _locked_request(certificate: Certificate) -> Certificate:
    row = (
        Certificate.objects.select_for_update()
        .select_related("volunteer", "team", "team__region")
        .get(pk=certificate.pk)
    )
    if row.state != Certificate.State.REQUESTED:
        raise Conflict(_("This request has been handled already."))
    return row


def summarise_content(records: QuerySet[ServiceRecord]) -> str:
    """The distinct projects (or, without one, the record's content), most hours first."""
    rows = (
        records.values("project__name", "content")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "project__name", "content")
    )
    names: list[str] = []
    for row in rows:
        name = (row["project__name"] or row["content"] or "").strip()
        if name and name not in names:
            names.append(name)
    text = "、".join(names)
    if len(text) > CONTENT_LIMIT:
        text = text[: CONTENT_LIMIT - 1] + "…"
    return text


# A phone: a mobile, a landline with its area code (022-23456789, extension allowed) or a
# 400/800 service number. An address: Chinese text naming a road, street, number or building.
PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|[48]00-?\d{3}-?\d{4})$")
ADDRESS = re.compile(
    r"^(?=.*[\u4e00-\u9fff].*[\u4e00-\u9fff]).*(?:路|街|道|巷|号|楼|室|院|区|村|里)"
)


def check_contact(contact: str) -> str | None:
    """The error for a contact that is neither a phone number nor a postal address."""
    compact = re.sub(r"[\s()（）]", "", contact)
    if PHONE.match(compact) or (len(contact) >= 6 and ADDRESS.match(contact)):
        return None
    return gettext(
        "Give a phone number with its area code (such as 022-23456789 or a mobile) or a "
        "postal address (such as 新兴路12号)."
    )


def check_person_name(name: str, field_label: str) -> str | None:
    """The error for a text that is not a person's name (2–20 characters, no digits or @)."""
    if not 2 <= len(name) <= 20 or re.search(r"[\d@/\\:]", name):
        return gettext("%(field)s: enter a person's real name.") % {"field": field_label}
    return None


def issue_certificate(
    *, actor, certificate: Certificate, responsible_person: str, contact: str, handler_name=""
):
    """Compute the hours, number and sign the certificate; the volunteer hears of it.

    The handler (经办人) is a person: the name given, else the real name of the acting
    admin's volunteer profile; an account's display name is never printed.

    The certificate row is locked first, so two admins issuing at once give one number and
    one Conflict; the number is reserved inside the same transaction, so a failed issue
    leaves no gap.
    """
    _check_handler(actor, certificate)
    responsible_person = (responsible_person or "").strip()
    contact = (contact or "").strip()
    errors: dict[str, list[str]] = {}
    own = getattr(actor, "volunteer", None)
    handler_name = (handler_name or "").strip() or (own.real_name if own is not None else "")
    if not responsible_person:
        errors["responsible_person"] = [gettext("Name the person responsible for the team.")]
    elif problem := check_person_name(responsible_person, gettext("Responsible person")):
        errors["responsible_person"] = [problem]
    if not handler_name:
        errors["handler_name"] = [gettext("Name the person handling this certificate (经办人).")]
    elif problem := check_person_name(handler_name, gettext("Handled by")):
        errors["handler_name"] = [problem]
    if not contact:
        errors["contact"] = [gettext("Give a contact phone or address for enquiries.")]
    elif len(contact) > 50:
        errors["contact"] = [gettext("At most 50 characters.")]
    elif problem := check_contact(contact):
        errors["contact"] = [problem]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row = _locked_request(certificate)
        records = _approved_records(row.volunteer_id, row.team_id, row.period_from, row.period_to)
        total = records.aggregate(total=Sum("hours"))["total"] or Decimal(0)
        if total <= 0:
            raise NoApprovedHours(
                _("The team has no approved hours for this volunteer in this period any more.")
            )
        today = timezone.localdate()
        row.total_hours = total
        row.content = summarise_content(records)
        row.number = format_number(today.year, reserve("certificate", 1)[0])
        row.issued_on = today
        row.responsible_person = responsible_person
        row.contact = contact
        row.handler = actor
        row.handler_name = handler_name
        row.state = Certificate.State.ISSUED
        row.save(
            update_fields=[
                "total_hours",
                "content",
                "number",
                "issued_on",
                "responsible_person",
                "contact",
                "handler",
                "handler_name",
                "state",
            ]
        )
        _tell_volunteer(
            row,
            subject=gettext("Your certificate of service is issued"),
            body=gettext("%(team)s issued certificate %(number)s: %(hours)s hours.")
            % {"team": row.team.name, "number": row.number, "hours": row.total_hours},
        )
    return row


def refuse_certificate(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Refuse a request, saying why; the volunteer hears of it."""
    _check_handler(actor, certificate)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [gettext("Say why the certificate is refused.")]})
    with transaction.atomic():
        row = _locked_request(certificate)
        row.state = Certificate.State.REFUSED
        row.refuse_reason = reason[:300]
        row.handler = actor
        row.save(update_fields=["state", "refuse_reason", "handler"])
        _tell_volunteer(
            row,
            subject=gettext("Your certificate request is refused"),
            body=gettext("%(team)s refused your request: %(reason)s")
            % {"team": row.team.name, "reason": row.refuse_reason},
        )
    return row


def _tell_volunteer(certificate: Certificate, *, subject: str, body: str) -> None:
    if certificate.volunteer.user_id is None:
        return
    notify(
        recipient=certificate.volunteer.user,
        kind=f"certificate_{certificate.state}",
        key=f"certificate:{certificate.pk}:{certificate.state}",
        subject=subject,
        body=body,
        link=reverse("service:certificate_list"),
    )


# Reading: scoped to the caller.


def _with_relations(qs: QuerySet[Certificate]) -> QuerySet[Certificate]:
    return qs.select_related("volunteer", "team", "team__region", "team__leader", "handler")


def certificate_for(user, certificate_id, *, handle: bool = False) -> Certificate:
    """A certificate for its volunteer and the issuing team's managers; others get 404.

    With `handle=True` (issuing, refusing) the caller must manage the issuing team: others
    get 403, as `team_for(manage=True)` answers.
    """
    try:
        row = _with_relations(Certificate.objects).get(pk=int(certificate_id))
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such certificate.")) from None
    if may_manage(user, row.team):
        return row
    if handle:
        raise PermissionDenied(_("Only admins of the issuing team may handle its certificates."))
    if row.volunteer.user_id is None or row.volunteer.user_id != user.pk:
        raise NotFound(_("No such certificate."))
    return row


def my_certificates(volunteer) -> QuerySet[Certificate]:
    return _with_relations(Certificate.objects.filter(volunteer=volunteer)).order_by("-id")


def issuing_teams(volunteer) -> QuerySet[Team]:
    """The teams that recorded approved hours for the volunteer: those they may ask."""
    recorded = ServiceRecord.objects.filter(
        volunteer=volunteer, is_current=True, state=ServiceRecord.State.APPROVED
    ).values("team_id")
    return Team.objects.filter(pk__in=recorded).order_by("path")


@dataclass(frozen=True)
class QueueFilter:
    state: str = Certificate.State.REQUESTED
    q: str = ""
    team_id: int | None = None


def certificate_queue(user, filters: QueueFilter | None = None) -> QuerySet[Certificate]:
    """Certificates of the teams the user manages (never their own), oldest request first,
    each with `approved_hours`: what issuing it now would state."""
    filters = filters or QueueFilter()
    qs = Certificate.objects.filter(team__in=managed_teams(user)).exclude(volunteer__user=user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.team_id:
        qs = qs.filter(team_id=filters.team_id)
    q = filters.q.strip()
    if q:
        qs = qs.filter(
            Q(volunteer__real_name__contains=q) | Q(volunteer__volunteer_no=q) | Q(number__iexact=q)
        )
    hours = (
        ServiceRecord.objects.filter(
            volunteer=OuterRef("volunteer"),
            team=OuterRef("team"),
            is_current=True,
            state=ServiceRecord.State.APPROVED,
            served_on__gte=OuterRef("period_from"),
            served_on__lte=OuterRef("period_to"),
        )
        .order_by()
        .values("volunteer")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return (
        _with_relations(qs).annotate(approved_hours=Subquery(hours)).order_by("requested_at", "id")
    )


def team_certificates(team: Team) -> QuerySet[Certificate]:
    return _with_relations(Certificate.objects.filter(team=team)).order_by("-id")


def genuine_by_token(token: str) -> Certificate | None:
    """The issued certificate behind a verify token, or None: only issued ones are genuine."""
    if not token or len(token) > 40:
        return None
    return (
        _with_relations(Certificate.objects)
        .filter(verify_token=token, state=Certificate.State.ISSUED)
        .first()
    )


# Public checks by number per client address per hour: numbers run in order, so without a
# limit (and a second item only the holder knows) the register could be walked through.
CHECKS_PER_HOUR = 30


def genuine_by_number(number: str, volunteer_no: str, *, client: str) -> Certificate | None:
    """The issued certificate with this number whose volunteer has this volunteer number, or
    None: the number alone shows nothing. Each check counts against the client's hourly
    limit (RateLimited past it), found or not."""
    throttle("certificate_check", client, limit=CHECKS_PER_HOUR, window=3600)
    number = (number or "").strip().upper()
    volunteer_no = (volunteer_no or "").strip().upper()
    if not number or len(number) > 30 or not volunteer_no or len(volunteer_no) > 30:
        return None
    return (
        _with_relations(Certificate.objects)
        .filter(
            number=number,
            volunteer__volunteer_no=volunteer_no,
            state=Certificate.State.ISSUED,
        )
        .first()
    )


def public_facts(certificate: Certificate) -> dict:
    """What the public check shows: no ID number, no phone, the name masked."""
    return {
        "number": certificate.number,
        "issued_on": certificate.issued_on,
        "issuer": certificate.team.name,
        "volunteer_no": certificate.volunteer.volunteer_no,
        "volunteer_name": mask_name(certificate.volunteer.real_name),
        "period_from": certificate.period_from,
        "period_to": certificate.period_to,
        "total_hours": certificate.total_hours,
    }


def handler_name(certificate: Certificate) -> str:
    """The handler's name as entered at issue; for certificates issued before it was asked,
    the real name of the handler's volunteer profile (never an account's display name)."""
    if certificate.handler_name:
        return certificate.handler_name
    volunteer = getattr(certificate.handler, "volunteer", None) if certificate.handler else None
    return volunteer.real_name if volunteer is not None else ""
