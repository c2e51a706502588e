"""Roster and hours exports: scoped by the caller, masked unless revealed, reveals audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.service.models import ServiceRecord
from zhiyuan.teams.models import Membership, Team
from zhiyuan.testing.factories import id_number, read_xlsx

pytestmark = pytest.mark.django_db


def numbers(content: bytes, column: int = 0) -> set[str]:
    return {row[column] for row in read_xlsx(content)[1:]}


def test_masked_roster_export_is_scoped_to_the_admins_region(cast, client_for):
    alice = client_for(cast.alice).get(reverse("spreadsheets:export_roster"))
    assert alice.status_code == 200
    assert numbers(alice.content) == {cast.carol.volunteer_no, cast.dave.volunteer_no}
    rows = read_xlsx(alice.content)
    flat = " ".join(str(c) for row in rows for c in row)
    assert id_number(1) not in flat and "13800000001" not in flat
    assert cast.carol.id_number_masked in flat
    bob = client_for(cast.bob).get(reverse("spreadsheets:export_roster"))
    assert numbers(bob.content) == {cast.carol.volunteer_no}
    assert not AuditEvent.objects.exists()


def test_revealed_export_shows_full_values_and_writes_one_audit_event(cast, client_for):
    response = client_for(cast.alice).post(
        reverse("spreadsheets:export_roster"), {"reveal": "on", "reason": "报送市志愿服务平台"}
    )
    assert response.status_code == 200
    flat = " ".join(str(c) for row in read_xlsx(response.content) for c in row)
    assert id_number(1) in flat and "13800000001" in flat
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.subject_id) == (cast.alice, "export", "2")
    assert event.reason == "报送市志愿服务平台"


def test_reveal_needs_a_reason_and_a_post(cast, client_for):
    client = client_for(cast.alice)
    no_reason = client.post(reverse("spreadsheets:export_roster"), {"reveal": "on"})
    assert no_reason.status_code == 400
    by_link = client.get(reverse("spreadsheets:export_roster"), {"reveal": "on", "reason": "xx"})
    flat = " ".join(str(c) for row in read_xlsx(by_link.content) for c in row)
    assert id_number(1) not in flat
    assert not AuditEvent.objects.exists()


def _team_with_admin(cast):
    team = Team.objects.create(
        name="新兴社区分队", level="squad", region=cast.a1, kind="community", path=""
    )
    team.path = f"/{team.pk}/"
    team.save(update_fields=["path"])
    now = timezone.now()
    Membership.objects.create(
        team=team, volunteer=cast.carol, role="admin", state="active", joined_at=now
    )
    Membership.objects.create(
        team=team, volunteer=cast.dave, role="member", state="active", joined_at=now
    )
    return team


def test_team_admin_exports_their_members_masked_only(cast, client_for):
    _team_with_admin(cast)
    client = client_for(cast.carol_user)
    response = client.get(reverse("spreadsheets:export_roster"))
    assert numbers(response.content) == {cast.carol.volunteer_no, cast.dave.volunteer_no}
    denied = client.post(
        reverse("spreadsheets:export_roster"), {"reveal": "on", "reason": "想看看"}
    )
    assert denied.status_code == 403
    assert not AuditEvent.objects.exists()


def test_outsiders_cannot_export(cast, client_for):
    assert client_for(cast.erin).get(reverse("spreadsheets:export_roster")).status_code == 403
    assert client_for(cast.erin).get(reverse("spreadsheets:export_hours")).status_code == 403
    assert (
        client_for(cast.erin)
        .post("/api/v1/exports/roster", {}, content_type="application/json")
        .status_code
        == 403
    )
    assert client_for(None).get(reverse("spreadsheets:exports")).status_code == 302


def test_hours_export_totals_and_records_in_the_period(cast, client_for):
    team = _team_with_admin(cast)
    today = timezone.localdate()

    def record(volunteer, hours, source, state="approved", served_on=today):
        ServiceRecord.objects.create(
            volunteer=volunteer,
            team=team,
            served_on=served_on,
            hours=Decimal(hours),
            persons_served=3,
            content="文明引导",
            source=source,
            state=state,
            recorded_by=cast.alice,
        )

    record(cast.carol, "2.5", "measured")
    record(cast.carol, "1.5", "entered")
    record(cast.carol, "4", "measured", state="pending")
    record(cast.carol, "9", "measured", served_on=today - dt.timedelta(days=400))
    record(cast.dave, "3", "measured")
    response = client_for(cast.bob).post(
        reverse("spreadsheets:export_hours"),
        {"date_from": today.replace(month=1, day=1).isoformat(), "date_to": today.isoformat()},
    )
    assert response.status_code == 200
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content), read_only=True)
    totals = [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)][2:]
    records = [tuple(r) for r in book.worksheets[1].iter_rows(values_only=True)][2:]
    # bob sees subdistrict A only: carol, not dave.
    assert [(t[0], t[6], t[7], t[8], t[9], t[10], t[11]) for t in totals] == [
        (cast.carol.volunteer_no, 2, 2.5, 1.5, 4, 4, 6)
    ]
    assert len(records) == 3 and {r[1] for r in records} == {cast.carol.volunteer_no}


def test_api_export_reveal_is_audited(cast, client_for):
    response = client_for(cast.bob).post(
        "/api/v1/exports/roster",
        {"reveal": True, "reason": "核对名册"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response["X-Export-Rows"] == "1"
    assert AuditEvent.objects.get().subject_id == "1"
    bad = client_for(cast.bob).post(
        "/api/v1/exports/roster", {"reveal": True}, content_type="application/json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
