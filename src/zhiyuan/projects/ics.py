"""An iCalendar (RFC 5545) feed of a volunteer's confirmed and waitlisted shifts, in Asia/Shanghai
time (with its VTIMEZONE), each with a description and a link back to the shift."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _stamp(value) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 74:
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


TZID = "Asia/Shanghai"
# China Standard Time: UTC+8 all year, no daylight saving since 1991.
VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    f"X-LIC-LOCATION:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def _local(value) -> str:
    """A time in Asia/Shanghai, for DTSTART;TZID=… (what a phone shows, whatever its zone)."""
    return timezone.localtime(value, ZoneInfo(TZID)).strftime("%Y%m%dT%H%M%S")


def _description(activity, shift) -> str:
    project, team = activity.project, activity.project.organiser
    contact = " ".join(x for x in (team.contact_name, team.contact_phone) if x)
    lines = [
        f"{_('Project')}: {project.name}",
        f"{_('Role')}: {shift.role}",
        f"{_('Address')}: {activity.place}",
        f"{_('Organiser')}: {team.name}",
    ]
    if contact:
        lines.append(f"{_('Contact')}: {contact}")
    return "\n".join(lines)


def feed(signups, *, host: str, name: str, base_url: str) -> str:
    """The feed of `signups` (with shift, activity, project and organiser selected); each event
    in Asia/Shanghai time with a description and a link back to its shift on `base_url`."""
    now = _stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//zhiyuan//volunteer shifts//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    for signup in signups:
        shift, activity = signup.shift, signup.shift.activity
        waiting = signup.state == "waitlisted"
        link = base_url.rstrip("/") + (
            reverse("projects:detail", args=[activity.project_id]) + f"#shift-{shift.pk}"
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:signup-{signup.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART;TZID={TZID}:{_local(shift.starts_at)}",
            f"DTEND;TZID={TZID}:{_local(shift.ends_at)}",
            f"SUMMARY:{_escape(('[候补] ' if waiting else '') + activity.title + ' · ' + shift.role)}",
            f"LOCATION:{_escape(activity.place)}",
            f"DESCRIPTION:{_escape(_description(activity, shift) + chr(10) + link)}",
            f"URL:{link}",
            f"STATUS:{'TENTATIVE' if waiting else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
