"""What a scan did, in the volunteer's words: one source for the check-in page's messages and
the API's answer (which the page's script shows when it sends a scan itself)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.service.models import Attendance, ServiceRecord


@dataclass(frozen=True)
class Note:
    level: str  # a messages level tag: success, info, warning
    text: str


def was_repeated(attendance: Attendance, *, client_id: str | None = None) -> bool:
    """A scan after the check-out changed nothing (unless it is the check-out itself, sent
    again by a phone that never heard the first answer). checkin.scan marks the attendance
    it closed itself (`closed_now`)."""
    if attendance.checked_out_at is None or attendance.closed_now:
        return False
    return not (client_id and attendance.out_client_id == client_id)


def scan_notes(attendance: Attendance, *, repeated: bool) -> list[Note]:
    """What to tell the volunteer after a scan: checked in; or checked out with the hours
    now waiting for approval, with none (before the shift began), or nothing changed."""
    notes = [_check_out_note(attendance, repeated) if attendance.checked_out_at else None]
    if notes[0] is None:
        notes = [Note("success", _("Checked in. Scan again when you leave."))]
    if not attendance.position_verified and not repeated:
        notes.append(
            Note(
                "warning",
                _(
                    "Your position was not shared: the organiser must confirm you were here "
                    "before these hours count."
                ),
            )
        )
    return notes


def _check_out_note(attendance: Attendance, repeated: bool) -> Note:
    shift = attendance.shift
    times = {
        "out": timezone.localtime(attendance.checked_out_at).strftime("%H:%M"),
        "start": timezone.localtime(shift.starts_at).strftime("%H:%M"),
    }
    if repeated:
        return Note("info", _("You already checked out at %(out)s: nothing has changed.") % times)
    if attendance.checked_out_at <= shift.starts_at:
        return Note(
            "warning",
            _(
                "Checked out at %(out)s, before the shift began at %(start)s: no service hours "
                "are recorded."
            )
            % times,
        )
    record = ServiceRecord.objects.filter(
        volunteer_id=attendance.volunteer_id, shift=shift, is_current=True
    ).first()
    if record is None:
        return Note("success", _("Checked out at %(out)s.") % times)
    return Note(
        "success",
        _("Checked out. %(hours)s hours are recorded and wait for approval. Thank you!")
        % {"hours": record.hours},
    )
