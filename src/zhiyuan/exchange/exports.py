"""The exchange export: a scope's volunteers, teams, projects, activities, service records and
certificates for a period, in the versioned format of fields.py, as JSON Lines or .xlsx.

It is a background export job (spreadsheets/export_jobs.py, kind `exchange`, registered from
this app's `ready`): `check` runs when it is asked for, `write` in the worker, streaming the
file (JSON Lines a line at a time, .xlsx through `XlsxBook`) with its progress. Personal
numbers (ID numbers, phones) are masked unless an office admin asks for full values with a
reason, which writes one audit event (as the roster export does) when the export is asked
for, before anything is read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import IO

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import AuditEvent
from zhiyuan.accounts.services import record_reveal
from zhiyuan.core import crypto
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.exchange import fields
from zhiyuan.exchange.access import check_exchange, region_for
from zhiyuan.places.models import Region
from zhiyuan.projects.models import Activity, Project
from zhiyuan.service.models import Certificate, ServiceRecord
from zhiyuan.spreadsheets.export_jobs import ExportKind
from zhiyuan.spreadsheets.exports import Counted, Progress
from zhiyuan.spreadsheets.writing import XlsxBook, export_title
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Skill, Volunteer

FORMATS = ("jsonl", "xlsx")
MAX_DAYS = 3 * 366
CHUNK = 2000
GENDER_CODES = {"M": "1", "F": "2"}  # GB/T 2261.1


@dataclass(frozen=True)
class ExchangeRequest:
    region_id: int | None
    start: dt.date
    end: dt.date
    format: str = "jsonl"
    reveal: bool = False
    reason: str = ""
    ip_address: str | None = None

    def as_params(self) -> dict:
        """The request as JSON (the job keeps it), without the address."""
        params = asdict(self)
        params.pop("ip_address")
        params.update(start=self.start.isoformat(), end=self.end.isoformat())
        return params

    @classmethod
    def from_params(cls, params: dict) -> ExchangeRequest:
        return cls(
            **{
                **params,
                "start": dt.date.fromisoformat(params["start"]),
                "end": dt.date.fromisoformat(params["end"]),
            }
        )


def _check(request: ExchangeRequest) -> None:
    errors: dict[str, list[str]] = {}
    if request.format not in FORMATS:
        errors["format"] = [_("Choose JSON Lines (jsonl) or Excel (xlsx).")]
    if request.end < request.start:
        errors["end"] = [_("The end of the period is before its start.")]
    elif (request.end - request.start).days > MAX_DAYS:
        errors["end"] = [_("A period may be at most three years long.")]
    if errors:
        raise ValidationFailed(errors)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


class _Source:
    """The scope's rows, one record type at a time, as dicts keyed by element key."""

    def __init__(self, region: Region, start: dt.date, end: dt.date, reveal: bool):
        self.region, self.start, self.end, self.reveal = region, start, end, reveal
        self.since, self.until = _bounds(start, end)
        self.places = {
            r.pk: (r.code, f"{r.parent.name} · {r.name}" if r.parent else r.name)
            for r in Region.objects.select_related("parent")
        }
        in_scope = scopes.within("community__path", region.path)
        self.people = Volunteer.objects.filter(in_scope)
        self.volunteers = self.people.filter(
            created_at__lt=self.until,
            status__in=[Volunteer.Status.ACTIVE, Volunteer.Status.SUSPENDED],
        )
        self.teams = Team.objects.filter(
            scopes.within("region__path", region.path),
            Q(founded_on__lte=end) | Q(founded_on__isnull=True, created_at__lt=self.until),
        )
        self.projects = Project.objects.filter(
            organiser__in=self.teams.values("pk"),
            state__in=[Project.State.PUBLISHED, Project.State.CLOSED],
            starts_on__lte=end,
            ends_on__gte=start,
        )
        self.activities = Activity.objects.filter(
            project__in=self.projects.values("pk"),
            starts_at__gte=self.since,
            starts_at__lt=self.until,
        )
        self.records = ServiceRecord.objects.filter(
            volunteer__in=self.people.values("pk"),
            is_current=True,
            state=ServiceRecord.State.APPROVED,
            served_on__gte=start,
            served_on__lte=end,
        )
        self.certificates = Certificate.objects.filter(
            volunteer__in=self.people.values("pk"),
            state=Certificate.State.ISSUED,
            issued_on__gte=start,
            issued_on__lte=end,
        )

    def _personal(self, row: dict, field: str) -> str:
        if self.reveal:
            return crypto.decrypt(row[f"{field}_encrypted"])
        return row[f"{field}_masked"]

    def volunteer(self) -> Iterator[dict]:
        names = dict(Skill.objects.values_list("pk", "name"))
        skills: dict[int, list[str]] = {}
        through = Volunteer.skills.through.objects.filter(volunteer__in=self.volunteers)
        for volunteer_id, skill_id in through.values_list("volunteer_id", "skill_id").iterator(
            chunk_size=CHUNK
        ):
            skills.setdefault(volunteer_id, []).append(names.get(skill_id, ""))
        rows = self.volunteers.order_by("volunteer_no").values(
            "id",
            "national_no",
            "volunteer_no",
            "real_name",
            "gender",
            "birth_date",
            "id_type",
            "id_number_encrypted",
            "id_number_masked",
            "phone_encrypted",
            "phone_masked",
            "political_status",
            "community_id",
            "created_at",
            "status",
        )
        for row in rows.iterator(chunk_size=CHUNK):
            code, place = self.places.get(row["community_id"], ("", ""))
            yield {
                **row,
                "national_no": row["national_no"] or "",
                "gender": GENDER_CODES.get(row["gender"], ""),
                "id_number": self._personal(row, "id_number"),
                "phone": self._personal(row, "phone"),
                "division_code": code,
                "community": place,
                "skills": "、".join(skills.get(row["id"], [])),
                "registered_on": timezone.localtime(row["created_at"]).date(),
            }

    def team(self) -> Iterator[dict]:
        rows = self.teams.order_by("path").values(
            "id",
            "name",
            "parent_id",
            "level",
            "kind",
            "specialty__name",
            "sponsor_unit",
            "region_id",
            "founded_on",
            "contact_name",
            "contact_phone",
            "status",
        )
        for row in rows.iterator(chunk_size=CHUNK):
            code, place = self.places.get(row["region_id"], ("", ""))
            yield {
                **row,
                "team_id": row["id"],
                "specialty": row["specialty__name"] or "",
                "division_code": code,
                "region": place,
            }

    def project(self) -> Iterator[dict]:
        rows = self.projects.order_by("id").values(
            "id",
            "name",
            "category__name",
            "organiser_id",
            "organiser__name",
            "target_recipients",
            "starts_on",
            "ends_on",
            "state",
            "is_brand",
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield {
                **row,
                "project_id": row["id"],
                "category": row["category__name"],
                "team_id": row["organiser_id"],
                "team": row["organiser__name"],
            }

    def total(self) -> int:
        """Rows of the file (beside its header), for the progress bar."""
        return sum(
            qs.count()
            for qs in (
                self.volunteers,
                self.teams,
                self.projects,
                self.activities,
                self.records,
                self.certificates,
            )
        )

    def activity(self) -> Iterator[dict]:
        rows = self.activities.order_by("starts_at", "id").values(
            "id",
            "project_id",
            "title",
            "station__name",
            "address",
            "starts_at",
            "ends_at",
            "status",
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield {
                **row,
                "activity_id": row["id"],
                "place": row["station__name"] or row["address"],
                "starts_at": timezone.localtime(row["starts_at"]),
                "ends_at": timezone.localtime(row["ends_at"]),
            }

    def record(self) -> Iterator[dict]:
        rows = self.records.order_by("served_on", "id").values(
            "id",
            "volunteer__national_no",
            "volunteer__volunteer_no",
            "volunteer__real_name",
            "volunteer__id_type",
            "volunteer__id_number_encrypted",
            "volunteer__id_number_masked",
            "served_on",
            "hours",
            "content",
            "persons_served",
            "project_id",
            "project__name",
            "shift__activity_id",
            "team_id",
            "team__name",
            "source",
            "created_at",
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield {
                **row,
                "record_id": row["id"],
                "national_no": row["volunteer__national_no"] or "",
                "volunteer_no": row["volunteer__volunteer_no"],
                "real_name": row["volunteer__real_name"],
                "id_type": row["volunteer__id_type"],
                "id_number": self._personal(
                    {
                        "id_number_encrypted": row["volunteer__id_number_encrypted"],
                        "id_number_masked": row["volunteer__id_number_masked"],
                    },
                    "id_number",
                ),
                "project": row["project__name"] or "",
                "activity_id": row["shift__activity_id"],
                "team": row["team__name"],
                "recorded_on": timezone.localtime(row["created_at"]).date(),
            }

    def certificate(self) -> Iterator[dict]:
        rows = self.certificates.order_by("issued_on", "id").values(
            "number",
            "volunteer__national_no",
            "volunteer__volunteer_no",
            "volunteer__real_name",
            "volunteer__id_number_encrypted",
            "volunteer__id_number_masked",
            "team_id",
            "team__name",
            "period_from",
            "period_to",
            "total_hours",
            "content",
            "responsible_person",
            "handler_name",
            "issued_on",
        )
        for row in rows.iterator(chunk_size=CHUNK):
            yield {
                **row,
                "national_no": row["volunteer__national_no"] or "",
                "volunteer_no": row["volunteer__volunteer_no"],
                "real_name": row["volunteer__real_name"],
                "id_number": self._personal(
                    {
                        "id_number_encrypted": row["volunteer__id_number_encrypted"],
                        "id_number_masked": row["volunteer__id_number_masked"],
                    },
                    "id_number",
                ),
                "team": row["team__name"],
            }


def _values(kind: fields.RecordType, row: dict) -> list:
    """The row's values in the order of the record type's elements (the one field list)."""
    return [row[e.key] for e in kind.elements]


def _json_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _header(region: Region, request: ExchangeRequest) -> dict:
    return {
        fields.RECORD_TYPE: fields.HEADER,
        "格式": fields.FORMAT,
        "版本": fields.VERSION,
        "导出范围": region.name,
        "导出范围代码": region.code,
        "起始日期": request.start.isoformat(),
        "截止日期": request.end.isoformat(),
        "导出时间": timezone.localtime().isoformat(timespec="seconds"),
        "含完整证件号码": request.reveal,
    }


def check(*, actor, request: ExchangeRequest) -> None:
    """Refuse an export that may not or cannot run, before it is queued. Full values: the
    actor runs the scope's office (the getter checks) and gives a reason; the audit event is
    written here, before anything is read."""
    region = region_for(actor, request.region_id)
    _check(request)
    if not request.reveal:
        return
    count = _Source(region, request.start, request.end, request.reveal).volunteers.count()
    record_reveal(
        actor=actor,
        subject_type="exchange_export",
        subject_id=str(region.pk),
        subject_label=_("%(count)d volunteers of %(region)s")
        % {"count": count, "region": region.name},
        field="id_number,phone",
        reason=request.reason,
        ip_address=request.ip_address,
        action=AuditEvent.Action.EXPORT,
    )


def total(*, actor, request: ExchangeRequest) -> int:
    region = region_for(actor, request.region_id)
    return _Source(region, request.start, request.end, request.reveal).total()


def write(*, actor, request: ExchangeRequest, out: IO[bytes], progress: Progress) -> str:
    """The scope's exchange file streamed into `out`; returns its name. The scope is checked
    again (the worker runs later than the request)."""
    region = region_for(actor, request.region_id)
    _check(request)
    source = _Source(region, request.start, request.end, request.reveal)
    header = _header(region, request)
    written = Counted(progress)
    if request.format == "jsonl":
        out.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
        for kind in fields.RECORD_TYPES:
            for row in getattr(source, kind.key)():
                line = {fields.RECORD_TYPE: kind.name}
                line.update(
                    zip(kind.names, (_json_value(v) for v in _values(kind, row)), strict=True)
                )
                out.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
                written()
    else:
        book = XlsxBook()
        title = export_title(
            _("Exchange file %(format)s %(version)s")
            % {"format": fields.FORMAT, "version": fields.VERSION},
            _("Scope: %(scope)s") % {"scope": region.name},
            _("Period: %(start)s to %(end)s") % {"start": request.start, "end": request.end},
        )
        about = book.sheet(fields.HEADER, ["项", "值"], title=title)
        for key, value in header.items():
            if key != fields.RECORD_TYPE:
                about.append(
                    [key, "true" if value is True else "false" if value is False else value]
                )
        for kind in fields.RECORD_TYPES:
            sheet = book.sheet(kind.name, kind.names, title=title)
            for row in getattr(source, kind.key)():
                sheet.append([v if v is not None else "" for v in _values(kind, row)])
                written()
        book.save(out)
    progress(written.n)
    return f"exchange-{region.code}-{request.start:%Y%m%d}-{request.end:%Y%m%d}.{request.format}"


EXPORT = ExportKind(
    request=ExchangeRequest,
    check_access=check_exchange,
    check=check,
    total=total,
    write=write,
    page="exchange:index",
    title=gettext_lazy("Exchange with the national system"),
)
