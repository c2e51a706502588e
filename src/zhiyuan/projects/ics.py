"""An iCalendar (RFC 5545) feed of a volunteer's confirmed and waitlisted shifts."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


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


def feed(signups, *, host: str, name: str) -> str:
    now = _stamp(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//zhiyuan//volunteer shifts//ZH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for signup in signups:
        shift, activity = signup.shift, signup.shift.activity
        waiting = signup.state == "waitlisted"
        lines += [
            "BEGIN:VEVENT",
            f"UID:signup-{signup.pk}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_stamp(shift.starts_at)}",
            f"DTEND:{_stamp(shift.ends_at)}",
            f"SUMMARY:{_escape(('[候补] ' if waiting else '') + activity.title + ' · ' + shift.role)}",
            f"LOCATION:{_escape(activity.place)}",
            f"STATUS:{'TENTATIVE' if waiting else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
