"""What goes into the roster and service-hour exports: scoped by the caller, masked unless
revealed, streamed into an `XlsxBook` (the background job in export_jobs.py writes it).

A revealed export (full ID numbers and phones) is for office admins over their own
region, needs a reason, and writes one audit event with the number of people in it, when
it is asked for (`check`), before anything is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
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
# The job's progress is written every this many rows.
PROGRESS_EVERY = 5000
Progress = Callable[[int], None]


class Counted:
    """Rows written so far (`n`), one call a row, told to the job every `PROGRESS_EVERY`."""

    def __init__(self, progress: Progress):
        self.progress, self.n = progress, 0

    def __call__(self) -> None:
        self.n += 1
        if not self.n % PROGRESS_EVERY:
            self.progress(self.n)


@dataclass(frozen=True)
class ExportRequest:
    reveal: bool = False
    reason: str = ""
    ip_address: str | None = None
    status: str = ""
    region_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_params(self) -> dict:
        """The request as JSON (the job keeps it), without the address."""
        params = asdict(self)
        params.pop("ip_address")
        for name in ("date_from", "date_to"):
            if params[name] is not None:
                params[name] = params[name].isoformat()
        return params

    @classmethod
    def from_params(cls, params: dict) -> ExportRequest:
        values = dict(params)
        for name in ("date_from", "date_to"):
            if values.get(name):
                values[name] = dt.date.fromisoformat(values[name])
        return cls(**values)


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


def _revealed(actor, request: ExportRequest):
    """The communities whose people show full values (None: all of them; empty: none)."""
    if not request.reveal:
        return set()
    communities = selectors.revealable_communities(actor)
    if communities is not None and not communities:
        raise PermissionDenied(_("Only office admins may export full ID numbers and phones."))
    return communities


SUBJECTS = {"roster": "volunteer_roster", "hours": "service_hours"}


def check(*, actor, kind: str, request: ExportRequest) -> None:
    """Refuse a request that may not or cannot run, before it is queued; a reveal writes its
    audit event here, with the number of people it shows, before anything is read."""
    if kind not in SUBJECTS:
        raise ValidationFailed({"kind": [_("Choose the roster or the hours.")]})
    if request.date_from and request.date_to and request.date_from > request.date_to:
        raise ValidationFailed({"date_to": [_("The end of the period is before its start.")]})
    qs = _filtered(actor, request)
    communities = _revealed(actor, request)
    if not request.reveal:
        return
    revealed = qs if communities is None else qs.filter(community_id__in=communities)
    count = revealed.count()
    record_reveal(
        actor=actor,
        subject_type=SUBJECTS[kind],
        subject_id=str(count),
        subject_label=_("%(count)d volunteers") % {"count": count},
        field="id_number,phone",
        reason=request.reason,
        ip_address=request.ip_address,
        action=AuditEvent.Action.EXPORT,
    )


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
    "national_no",
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


def _month_name(month: dt.date) -> str:
    return f"{_('Service records')} {month:%Y-%m}"


def roster_total(*, actor, request: ExportRequest) -> int:
    return _filtered(actor, request).count()


def write_roster(*, actor, request: ExportRequest, book: XlsxBook, progress: Progress) -> str:
    """The roster the caller may see, one volunteer a row; returns the file name."""
    qs = _filtered(actor, request)
    communities = _revealed(actor, request)
    regions = _regions()
    skills = _skill_names(qs.values("pk"))
    genders, id_types = dict(Gender.choices), dict(IdType.choices)
    political, statuses = dict(PoliticalStatus.choices), dict(Volunteer.Status.choices)
    sheet = book.sheet(
        _("Volunteers"),
        [
            _("Volunteer number"),
            _("National volunteer number"),
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
    written = Counted(progress)
    for row in qs.order_by("volunteer_no").values(*ROSTER_FIELDS).iterator(chunk_size=CHUNK):
        id_number, phone = _identity(row, request.reveal, communities)
        subdistrict, community = regions.get(row["community_id"], ("", ""))
        sheet.append(
            [
                row["volunteer_no"],
                row["national_no"] or "",
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
        written()
    progress(written.n)
    return f"{_('Volunteer roster')}-{timezone.localdate():%Y%m%d}.xlsx"


def _period(request: ExportRequest) -> tuple[dt.date, dt.date]:
    """The request's period; this year up to today by default."""
    today = timezone.localdate()
    return request.date_from or today.replace(month=1, day=1), request.date_to or today


def _records(actor, request: ExportRequest):
    date_from, date_to = _period(request)
    return ServiceRecord.objects.filter(
        volunteer__in=_filtered(actor, request).values("pk"),
        is_current=True,
        served_on__gte=date_from,
        served_on__lte=date_to,
    )


def hours_total(*, actor, request: ExportRequest) -> int:
    """Rows of the hours export, for the progress bar: its records (and as many people at
    most; the people are counted as they are written)."""
    return _records(actor, request).count()


def write_hours(*, actor, request: ExportRequest, book: XlsxBook, progress: Progress) -> str:
    """Service hours in a period: a totals sheet (one volunteer a row), then the records,
    a sheet per month (and per `ROWS_PER_SHEET` rows within a month); returns the file name."""
    date_from, date_to = _period(request)
    qs = _filtered(actor, request)
    communities = _revealed(actor, request)
    regions = _regions()
    records = _records(actor, request)
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
    lifetime: dict[int, tuple[Decimal, int]] = {}
    ids = list(totals)
    for start in range(0, len(ids), CHUNK):
        lifetime.update(
            (v, (h, s))
            for v, h, s in HoursTotal.objects.filter(
                volunteer_id__in=ids[start : start + CHUNK]
            ).values_list("volunteer_id", "approved_hours", "star_level")
        )
    title = export_title(
        _("Service hours"),
        _scope_label(actor, request),
        _("Period: %(start)s to %(end)s") % {"start": date_from, "end": date_to},
    )
    sheet = book.sheet(
        _("Hours by volunteer"),
        [
            _("Volunteer number"),
            _("National volunteer number"),
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
        qs.filter(pk__in=records.values("volunteer_id"))
        .order_by("volunteer_no")
        .values(*ROSTER_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    numbers: dict[int, tuple[str, str]] = {}
    nothing = (Decimal(0), 0)
    for row in people:
        t = totals[row["id"]]
        id_number, phone = _identity(row, request.reveal, communities)
        subdistrict, community = regions.get(row["community_id"], ("", ""))
        numbers[row["id"]] = (row["volunteer_no"], row["real_name"])
        all_time, stars = lifetime.get(row["id"], nothing)
        sheet.append(
            [
                row["volunteer_no"],
                row["national_no"] or "",
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
                all_time,
                stars,
            ]
        )
    header = [
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
    ]
    sources = {k: str(v) for k, v in ServiceRecord.Source.choices}
    states = {k: str(v) for k, v in ServiceRecord.State.choices}
    year = month = 0
    detail = None
    written = Counted(progress)
    no_one = ("", "")
    for served_on, volunteer_id, team, project, content, hours, persons, source, state in (
        records.order_by("served_on", "id")
        .values_list(
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
        if detail is None or served_on.month != month or served_on.year != year:
            year, month = served_on.year, served_on.month
            detail = book.sheet(_month_name(served_on), header, title=title)
            append = detail.append
        number, name = numbers.get(volunteer_id, no_one)
        append(
            [
                served_on,
                number,
                name,
                team,
                project or "",
                content,
                hours,
                persons,
                sources.get(source, source),
                states.get(state, state),
            ]
        )
        written()
    if detail is None:
        book.sheet(_("Service records"), header, title=title)
    progress(written.n)
    return f"{_('Service hours')}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
