"""Transfer in (转移接续): service records made in another volunteer-service information system,
for volunteers registered here, kept apart as transferred hours with their source named.

A file is checked whole before anything is written: one bad row refuses the file with every
row's reason, and nothing changes. The same record imported twice (the same file again, or
two offices at once) is held once: its key at the source is unique per source system in the
database (`transferred_record_once`), and the insert skips a key already held, so no
check-then-insert race can count it twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.accounts import scopes
from zhiyuan.core import crypto
from zhiyuan.core.errors import DomainError, PermissionDenied, ValidationFailed
from zhiyuan.core.text import starts_like_formula
from zhiyuan.places.models import Region
from zhiyuan.service.access import may_transfer_in
from zhiyuan.service.models import TransferBatch, TransferredRecord
from zhiyuan.service.services import DAY_HOURS, refresh_total
from zhiyuan.volunteers import validation
from zhiyuan.volunteers.idcard import IdType
from zhiyuan.volunteers.models import Volunteer

MAX_ROWS = 20_000
MAX_ERRORS = 200
HOUR = Decimal("0.01")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class TransferRow:
    """One record of a transfer file, as read (cells as text)."""

    row: int
    served_on: str = ""
    hours: str = ""
    organisation: str = ""
    national_no: str = ""
    id_number: str = ""
    id_type: str = ""
    real_name: str = ""
    project: str = ""
    content: str = ""
    record_no: str = ""


@dataclass(frozen=True)
class TransferOutcome:
    batch: TransferBatch
    added: int
    already_held: int
    added_hours: Decimal


def _text(value: str, limit: int) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").split())[:limit]


def source_key(source: str) -> str:
    """Spelling variants of one source system (width, spaces, case) are one source."""
    return "".join(unicodedata.normalize("NFKC", source or "").split()).lower()[:100]


def _date(raw: str) -> dt.date | None:
    text = (raw or "").strip()
    if len(text) > 10 and text[10] in " T":
        text = text[:10]  # a date and time: the day is what counts
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _hours(raw: str) -> Decimal | None:
    try:
        value = Decimal(unicodedata.normalize("NFKC", raw or "").strip())
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value > DAY_HOURS:
        return None
    return value.quantize(HOUR)


def _check_source(source: str) -> str:
    name = _text(source, 100)
    if len(name) < 2:
        raise ValidationFailed(
            {"source": [_("Name the system the records come from (e.g. 全国志愿服务信息系统).")]}
        )
    if starts_like_formula(name):
        raise ValidationFailed({"source": [_("The source name cannot start with =, +, - or @.")]})
    return name


def _home_region(actor) -> Region:
    paths = scopes.admin_region_paths(actor)
    if not paths:
        raise PermissionDenied(_("Only office admins may transfer service records in."))
    if "/" in paths:
        return Region.objects.filter(parent__isnull=True).order_by("pk").first()
    return Region.objects.filter(path__in=paths).order_by("path").first()


def _volunteers(actor, rows: list[TransferRow]) -> tuple[dict, dict]:
    """The volunteers the rows name, by ID-number index and by national number, among those
    the actor administers; and each row's parse errors of its identifiers."""
    errors: dict[int, str] = {}
    indexes: dict[int, str] = {}
    nationals: dict[int, str] = {}
    for r in rows:
        if not r.national_no.strip() and not r.id_number.strip():
            errors[r.row] = _("Give the volunteer's ID number or national volunteer number.")
            continue
        try:
            number = validation.national_number(r.national_no)
            if number:
                nationals[r.row] = number
            if r.id_number.strip():
                id_type = (r.id_type or "").strip() or IdType.RESIDENT_ID
                if id_type not in IdType.values:
                    id_type = {str(label): value for value, label in IdType.choices}.get(
                        id_type, id_type
                    )
                document = validation.document(id_type, r.id_number)
                indexes[r.row] = crypto.blind_index("id_number", document.index_value)
        except DomainError as exc:
            errors[r.row] = str(exc.message)
    ours = Volunteer.objects.filter(scopes.administered(actor, region="community__path"))
    by_index = {
        v.id_number_index: v
        for v in ours.filter(id_number_index__in=set(indexes.values())).only(
            "pk", "id_number_index", "national_no", "real_name", "community"
        )
    }
    by_national = {
        v.national_no: v
        for v in ours.filter(national_no__in=set(nationals.values())).only(
            "pk", "id_number_index", "national_no", "real_name", "community"
        )
    }
    found: dict[int, Volunteer] = {}
    for r in rows:
        if r.row in errors:
            continue
        by_id = by_index.get(indexes[r.row]) if r.row in indexes else None
        by_no = by_national.get(nationals[r.row]) if r.row in nationals else None
        if r.row in indexes and by_id is None:
            errors[r.row] = _("No volunteer registered in your region has this ID number.")
        elif r.row in nationals and by_no is None and by_id is None:
            errors[r.row] = _(
                "No volunteer registered in your region has this national volunteer number."
            )
        elif by_id is not None and by_no is not None and by_id.pk != by_no.pk:
            errors[r.row] = _("The ID number and the national number are two different people's.")
        else:
            volunteer = by_id or by_no
            name = _text(r.real_name, 50)
            if name and name != volunteer.real_name:
                errors[r.row] = _("The name does not match the volunteer registered here.")
            else:
                found[r.row] = volunteer
    return found, errors


def _record_key(r: TransferRow, volunteer: Volunteer, served_on, hours, organisation, content):
    """The source's record number, or a digest of what makes the record (no number given)."""
    number = _text(r.record_no, 64)
    if number:
        return number
    text = "|".join(
        [
            str(volunteer.pk),
            served_on.isoformat(),
            str(hours),
            organisation,
            _text(r.project, 200),
            content,
        ]
    )
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:57]


def transfer_in(*, actor, source: str, filename: str, rows: list[TransferRow]) -> TransferOutcome:
    """Add the records of a transfer file for volunteers of the actor's region.

    Every row is checked first; any bad row refuses the whole file with each row's reason
    and nothing is written. Records already held (same source, same record key) are skipped
    and counted; the new ones count in the volunteers' totals and star levels at once.
    """
    home = _home_region(actor)
    name = _check_source(source)
    if not rows:
        raise ValidationFailed({"file": [_("The file holds no service records.")]})
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(
            {"file": [_("A transfer file holds at most %(n)d records.") % {"n": MAX_ROWS}]}
        )
    today = timezone.localdate()
    volunteers, errors = _volunteers(actor, rows)
    records: dict[str, TransferredRecord] = {}
    key = source_key(name)
    for r in rows:
        served_on, hours = _date(r.served_on), _hours(r.hours)
        organisation = _text(r.organisation, 200)
        reason = None
        if served_on is None:
            reason = _("Write the date of service as YYYY-MM-DD.")
        elif served_on > today:
            reason = _("The date of service is in the future.")
        elif hours is None:
            reason = _("The hours must be a number above 0 and at most 24.")
        elif len(organisation) < 2:
            reason = _("Name the organisation that recorded the service.")
        elif any(starts_like_formula(_text(t, 300)) for t in (organisation, r.project, r.content)):
            reason = _("A text cell cannot start with =, +, - or @.")
        if reason is not None:
            errors.setdefault(r.row, reason)
        if r.row in errors:
            continue
        volunteer = volunteers[r.row]
        if not may_transfer_in(actor, volunteer):
            errors[r.row] = _("No volunteer registered in your region has this ID number.")
            continue
        content = _text(r.content, 300)
        record_key = _record_key(r, volunteer, served_on, hours, organisation, content)
        records.setdefault(
            record_key,
            TransferredRecord(
                volunteer=volunteer,
                source=name,
                source_key=key,
                record_key=record_key,
                organisation=organisation,
                project=_text(r.project, 200),
                content=content,
                served_on=served_on,
                hours=hours,
            ),
        )
    if errors:
        shown = sorted(errors.items())[:MAX_ERRORS]
        raise ValidationFailed(
            {
                f"row_{row}": [_("Row %(row)d: %(reason)s") % {"row": row, "reason": reason}]
                for row, reason in shown
            }
        )
    with transaction.atomic():
        batch = TransferBatch.objects.create(
            source=name,
            filename=_text(filename, 200) or "—",
            region=home,
            imported_by=actor,
            rows=len(rows),
        )
        for record in records.values():
            record.batch = batch
        # A key already held (an earlier import, or another one committing now) is skipped
        # by the database itself: ON CONFLICT DO NOTHING / INSERT OR IGNORE.
        TransferredRecord.objects.bulk_create(
            list(records.values()), batch_size=1000, ignore_conflicts=True
        )
        added = batch.records.aggregate(n=Count("pk"), hours=Sum("hours"))
        batch.added = added["n"]
        batch.already_held = len(rows) - added["n"]
        batch.save(update_fields=["added", "already_held"])
        for volunteer_id in batch.records.values_list("volunteer_id", flat=True).distinct():
            refresh_total(volunteer_id)
    return TransferOutcome(batch, batch.added, batch.already_held, added["hours"] or Decimal(0))
