"""The matrix's vocabulary: role sets, one row per (resource, action), and how a cell is judged.

A cell is one role sending one row's request. It is judged *allowed* when the answer is
2xx/3xx (3xx not to the sign-in page), the row's `sees` marker is in the answer (lists:
"this object is in what I am shown") and the row's `effect` happened (writes whose page
answers with a redirect and a message either way); *denied* when the answer is 401/403/404
(or a redirect to sign in), or a 2xx whose list lacks the marker, or a write without its
effect. Anything else (a 400, 409 or 500) fails the cell: the request was not a clean test
of the permission.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from zhiyuan.testing.factories import ROLES

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
# Everyone with a volunteer profile (team admins are volunteers too).
VOLUNTEERS = frozenset(
    {"volunteer", "other_volunteer", "squad_admin", "detachment_admin", "sibling_admin"}
)
OFFICE_A = frozenset({"subdistrict_admin", "district_admin"})
DISTRICT = frozenset({"district_admin"})
# Who manages squad_1a: its admin, the detachment above it, the offices over A1.
SQUAD_A = frozenset({"squad_admin", "detachment_admin"}) | OFFICE_A
# Who manages the sibling squad_1b: its admin, the shared detachment, the offices over A2.
SIBLING = frozenset({"sibling_admin", "detachment_admin"}) | OFFICE_A
STATION_A = SQUAD_A | {"station_manager"}
TEAM_ADMINS = frozenset({"squad_admin", "detachment_admin", "sibling_admin"})

DENIED_STATUS = {401, 403, 404}


@dataclass(frozen=True)
class Row:
    resource: str
    action: str
    method: str
    url: Callable  # world -> str
    allowed: frozenset
    payload: Callable | None = None  # world -> dict (JSON for the API, form data for pages)
    sees: Callable | None = None  # world -> str that an allowed answer contains
    effect: Callable | None = None  # (world, user) -> bool, checked after the request
    also_denied: frozenset = field(default_factory=frozenset)  # statuses that also mean "no"
    multipart: bool = False  # send the payload as a form (uploads: a value may be a file)
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.resource}:{self.action}"


def judge(row: Row, response, world, user) -> str:
    """'allowed', 'denied', or 'error: …' for one answer."""
    status = response.status_code
    if status in DENIED_STATUS or status in row.also_denied:
        return "denied"
    if 300 <= status < 400:
        if "/accounts/login/" in response.get("Location", ""):
            return "denied"
    elif not 200 <= status < 300:
        return f"error: HTTP {status} {_body(response)[:300]}"
    if row.sees is not None and str(row.sees(world)) not in _body(response):
        return "denied"
    if row.effect is not None and not row.effect(world, user):
        return "denied"
    return "allowed"


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    content = response.content
    try:
        text = content.decode()
    except UnicodeDecodeError:
        return ""
    if response.get("Content-Type", "").startswith("application/json"):
        try:  # compare on the decoded text: json.dumps escapes non-ASCII
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def cells(rows: list[Row], holes: dict[tuple[str, str], str] | None = None):
    """One pytest.param per (row, role); a known hole is a strict xfail with its reason."""
    import pytest

    holes = holes or {}
    params = []
    for row in rows:
        for role in ROLES:
            reason = holes.get((row.id, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(row, role, id=f"{row.id}:{role}", marks=marks))
    return params
