"""Roster and service-hour exports to .xlsx, scoped by the caller, masked unless revealed.

A revealed export (full ID numbers and phones) is for office admins over their own
region, needs a reason, and writes one audit event with the number of people in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import AuditEvent
from zhiyuan.accounts.services import record_reveal
from zhiyuan.core import crypto
from zhiyuan.core.errors import PermissionDenied, ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.service.models import HoursTotal, ServiceRecord
from zhiyuan.spreadsheets import selectors
from zhiyuan.spreadsheets.writing import XlsxBook, export_title
from zhiyuan.teams.models import Team
from zhiyuan.teams.selectors import managed_team_paths
from zhiyuan.volunteers.idcard import Gender, IdType
from zhiyuan.volunteers.models import PoliticalStatus, Skill, Volunteer
from zhiyuan.volunteers.selectors import communities_under

CHUNK = 2000


@dataclass(frozen=True)
class ExportRequest:
    reveal: bool = False
    reason: str = ""
    ip_address: str | None = None
    status: str = ""
    region_id: int | None = None


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    rows: int


def _filtered(actor, request: ExportRequest):
    qs = selectors.exportable_volunteers(actor)
    if request.status:
        if request.status not in Volunteer.Status.values:
            raise ValidationFailed({"status": [_("Choose a status.")]})
        qs = qs.filter(status=request.status)
    if request.region_id:
        region = Region.objects.filter(pk=request.region_id).only("path").first()
        if region is None:
            raise ValidationFailed({"region": [_("Choose a subdistrict or community.")]})
        qs = qs.filter(community_id__in=communities_under([region.path]))
    return qs


def _reveal_filter(actor, request: ExportRequest, qs, subject: str):
    """Which rows show full values; writes the audit event before anything is read."""
    if not request.reveal:
        return set()
    communities = selectors.revealable_communities(actor)
    if communities is not None and not communities:
        raise PermissionDenied(_("Only office admins may export full ID numbers and phones."))
    revealed = qs if communities is None else qs.filter(community_id__in=communities)
    count = revealed.count()
    record_reveal(
        actor=actor,
        subject_type=subject,
        subject_id=str(count),
        subject_label=_("%(count)d volunteers") % {"count": count},
        field="id_number,phone",
        reason=request.reason,
        ip_address=request.ip_address,
        action=AuditEvent.Action.EXPORT,
    )
    return communities


def _identity(row: dict, reveal, communities) -> tuple[str, str]:
    if reveal and (communities is None or row["community_id"] in communities):
        return crypto.decrypt(row["id_number_encrypted"]), crypto.decrypt(row["phone_encrypted"])
    return row["id_number_masked"], row["phone_masked"]


def _scope_label(actor, request: ExportRequest) -> str:
    """The title's scope: the chosen region, or the regions the caller may see."""
    if request.region_id:
        region = Region.objects.filter(pk=request.region_id).first()
        if region is not None:
            return _("Scope: %(scope)s") % {"scope": region.name}
    paths = scopes.admin_region_paths(actor)
    if "/" in paths:
        names = list(Region.objects.filter(parent__isnull=True).values_list("name", flat=True))
    elif paths:
        names = list(Region.objects.filter(path__in=paths).values_list("name", flat=True))
    else:
        names = list(
            Team.objects.filter(path__in=managed_team_paths(actor)).values_list("name", flat=True)
        )
    return _("Scope: %(scope)s") % {"scope": "、".join(sorted(names))}


def _regions() -> dict[int, tuple[str, str]]:
    """community id -> (subdistrict name, community name): a district has a few dozen."""
    return {
        r.pk: (r.parent.name if r.parent else "", r.name)
        for r in Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent")
    }


def _skill_names(volunteer_ids) -> dict[int, list[str]]:
    names = dict(Skill.objects.values_list("pk", "name"))
    result: dict[int, list[str]] = {}
    through = Volunteer.skills.through.objects.filter(volunteer_id__in=volunteer_ids)
    for volunteer_id, skill_id in through.values_list("volunteer_id", "skill_id").iterator(
        chunk_size=CHUNK
    ):
        result.setdefault(volunteer_id, []).append(names.get(skill_id, ""))
    return result


ROSTER_FIELDS = (
    "id",
    "volunteer_no",
    "real_name",
    "gender",
    "birth_date",
    "id_type",
    "id_number_encrypted",
    "id_number_masked",
    "phone_encrypted",
    "phone_masked",
    "community_id",
    "political_status",
    "status",
    "created_at",
)


def export_roster(*, actor, request: ExportRequest) -> Export:
    """The roster the caller may see, one volunteer a row."""
    qs = _filtered(actor, request)
    communities = _reveal_filter(actor, request, qs, "volunteer_roster")
    regions = _regions()
    skills = _skill_names(qs.values("pk"))
    genders, id_types = dict(Gender.choices), dict(IdType.choices)
    political, statuses = dict(PoliticalStatus.choices), dict(Volunteer.Status.choices)
    book = XlsxBook()
    sheet = book.sheet(
        _("Volunteers"),
        [
            _("Volunteer number"),
            _("Real name"),
            _("Gender"),
            _("Birth date"),
            _("ID type"),
            _("ID number"),
            _("Mobile phone"),
            _("Subdistrict"),
            _("Community"),
            _("Skills"),
            _("Political status"),
            _("Status"),
            _("Registered on"),
        ],
        title=export_title(_("Volunteer roster"), _scope_label(actor, request)),
    )
    count = 0
    for row in qs.order_by("volunteer_no").values(*ROSTER_FIELDS).iterator(chunk_size=CHUNK):
        id_number, phone = _identity(row, request.reveal, communities)
        subdistrict, community = regions.get(row["community_id"], ("", ""))
        sheet.append(
            [
                row["volunteer_no"],
                row["real_name"],
                str(genders.get(row["gender"], row["gender"])),
                row["birth_date"],
                str(id_types.get(row["id_type"], row["id_type"])),
                id_number,
                phone,
                subdistrict,
                community,
                "、".join(skills.get(row["id"], [])),
                str(political.get(row["political_status"], row["political_status"])),
                str(statuses.get(row["status"], row["status"])),
                row["created_at"].date(),
            ]
        )
        count += 1
    stamp = dt.date.today().strftime("%Y%m%d")
    return Export(f"roster-{stamp}.xlsx", book.save(), count)


def export_hours(*, actor, request: ExportRequest, date_from: dt.date, date_to: dt.date) -> Export:
    """Service hours in a period: a totals sheet (one volunteer a row) and a records sheet."""
    if date_from > date_to:
        raise ValidationFailed({"date_to": [_("The end of the period is before its start.")]})
    qs = _filtered(actor, request)
    communities = _reveal_filter(actor, request, qs, "service_hours")
    regions = _regions()
    records = ServiceRecord.objects.filter(
        volunteer__in=qs.values("pk"),
        is_current=True,
        served_on__gte=date_from,
        served_on__lte=date_to,
    )
    approved = Q(state=ServiceRecord.State.APPROVED)
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=9, decimal_places=2))
    totals = {
        t["volunteer_id"]: t
        for t in records.values("volunteer_id").annotate(
            records=Count("id", filter=approved),
            measured=Coalesce(
                Sum("hours", filter=approved & Q(source=ServiceRecord.Source.MEASURED)), zero
            ),
            entered=Coalesce(
                Sum("hours", filter=approved & Q(source=ServiceRecord.Source.ENTERED)), zero
            ),
            persons=Coalesce(Sum("persons_served", filter=approved), 0),
            pending=Coalesce(Sum("hours", filter=Q(state=ServiceRecord.State.PENDING)), zero),
        )
    }
    lifetime = dict(
        HoursTotal.objects.filter(volunteer_id__in=list(totals)).values_list(
            "volunteer_id", "approved_hours"
        )
    )
    stars = dict(
        HoursTotal.objects.filter(volunteer_id__in=list(totals)).values_list(
            "volunteer_id", "star_level"
        )
    )
    title = export_title(
        _("Service hours"),
        _scope_label(actor, request),
        _("Period: %(start)s to %(end)s") % {"start": date_from, "end": date_to},
    )
    book = XlsxBook()
    sheet = book.sheet(
        _("Hours by volunteer"),
        [
            _("Volunteer number"),
            _("Real name"),
            _("ID number"),
            _("Mobile phone"),
            _("Subdistrict"),
            _("Community"),
            _("Approved records"),
            _("Measured hours"),
            _("Entered hours"),
            _("Approved hours"),
            _("Hours waiting for approval"),
            _("Persons served"),
            _("Approved hours, all time"),
            _("Star level"),
        ],
        title=title,
    )
    people = (
        qs.filter(pk__in=list(totals))
        .order_by("volunteer_no")
        .values(*ROSTER_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    count = 0
    numbers: dict[int, tuple[str, str]] = {}
    for row in people:
        t = totals[row["id"]]
        id_number, phone = _identity(row, request.reveal, communities)
        subdistrict, community = regions.get(row["community_id"], ("", ""))
        numbers[row["id"]] = (row["volunteer_no"], row["real_name"])
        sheet.append(
            [
                row["volunteer_no"],
                row["real_name"],
                id_number,
                phone,
                subdistrict,
                community,
                t["records"],
                t["measured"],
                t["entered"],
                t["measured"] + t["entered"],
                t["pending"],
                t["persons"],
                lifetime.get(row["id"], Decimal(0)),
                stars.get(row["id"], 0),
            ]
        )
        count += 1
    detail = book.sheet(
        _("Service records"),
        [
            _("Date of service"),
            _("Volunteer number"),
            _("Real name"),
            _("Recording team"),
            _("Project"),
            _("Service content"),
            _("Hours"),
            _("Persons served"),
            _("Source"),
            _("State"),
        ],
        title=title,
    )
    sources, states = dict(ServiceRecord.Source.choices), dict(ServiceRecord.State.choices)
    for r in (
        records.order_by("served_on", "id")
        .values(
            "served_on",
            "volunteer_id",
            "team__name",
            "project__name",
            "content",
            "hours",
            "persons_served",
            "source",
            "state",
        )
        .iterator(chunk_size=CHUNK)
    ):
        number, name = numbers.get(r["volunteer_id"], ("", ""))
        detail.append(
            [
                r["served_on"],
                number,
                name,
                r["team__name"],
                r["project__name"] or "",
                r["content"],
                r["hours"],
                r["persons_served"],
                str(sources.get(r["source"], r["source"])),
                str(states.get(r["state"], r["state"])),
            ]
        )
    return Export(f"hours-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx", book.save(), count)
