"""Audits against the eight standards, compliance from the latest audit, and shortfalls."""

import pytest

from zhiyuan.stations.models import Criterion, Station
from zhiyuan.testing.factories import station_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(mapped, client_for):
    client_for(mapped.alice).post(
        "/api/v1/stations", station_data(mapped), content_type="application/json"
    )
    return Station.objects.get()


def items(**failures):
    return [
        {"criterion": c, "met": c not in failures, "note": failures.get(c, "")}
        for c in Criterion.values
    ]


def audit(client, station, date="2026-11-01", **failures):
    return client.post(
        f"/api/v1/stations/{station.pk}/audits",
        {"audited_on": date, "items": items(**failures)},
        content_type="application/json",
    )


def test_an_audit_meeting_all_eight_makes_the_station_compliant(mapped, station, client_for):
    response = audit(client_for(mapped.alice), station)
    assert response.status_code == 201, response.content
    assert response.json()["compliant"] is True
    assert (
        client_for(None).get(f"/api/v1/stations/{station.pk}").json()["compliance"] == "compliant"
    )


def test_a_failed_standard_needs_a_note_and_shows_in_the_shortfalls(mapped, station, client_for):
    client = client_for(mapped.alice)
    response = audit(client, station, records="")
    assert response.status_code == 400
    assert "items.records" in response.json()["errors"]
    response = audit(client, station, records="台账缺少下半年记录")
    assert response.json()["compliant"] is False
    shortfalls = client.get("/api/v1/stations/shortfalls").json()
    assert shortfalls[0]["station_id"] == station.pk
    assert [f["criterion"] for f in shortfalls[0]["failed"]] == ["records"]
    page = client.get("/stations/").content.decode()
    assert "台账缺少下半年记录" in page


def test_the_latest_audit_decides(mapped, station, client_for):
    client = client_for(mapped.alice)
    audit(client, station, date="2026-10-01", signage="标识牌破损")
    audit(client, station, date="2026-11-01")
    assert client.get(f"/api/v1/stations/{station.pk}").json()["compliance"] == "compliant"
    assert client.get("/api/v1/stations/shortfalls").json() == []
    assert len(client.get(f"/api/v1/stations/{station.pk}/audits").json()) == 2


def test_an_audit_must_answer_all_eight(mapped, station, client_for):
    response = client_for(mapped.alice).post(
        f"/api/v1/stations/{station.pk}/audits",
        {"audited_on": "2026-11-01", "items": items()[:7]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "items" in response.json()["errors"]
    assert not station.audits.exists()


def test_an_audit_in_the_future_is_refused(mapped, station, client_for):
    assert audit(client_for(mapped.alice), station, date="2099-01-01").status_code == 400


def test_a_closed_station_cannot_be_audited(mapped, station, client_for):
    Station.objects.filter(pk=station.pk).update(status="closed")
    response = audit(client_for(mapped.alice), station)
    assert response.status_code == 409
    assert not station.audits.exists()


def test_only_the_office_audits(mapped, station, client_for):
    station.managers.add(mapped.carol_user)
    assert audit(client_for(mapped.carol_user), station).status_code == 403
    assert audit(client_for(mapped.bob), station).status_code == 201  # subdistrict A's office


def test_audit_page_records_an_audit(mapped, station, client_for):
    data = {"audited_on": "2026-11-20", "note": "整体良好"}
    data.update({f"met_{c}": "on" for c in Criterion.values})
    response = client_for(mapped.alice).post(f"/stations/{station.pk}/audit/", data)
    assert response.status_code == 302
    assert station.audits.get().compliant


def test_audit_page_shows_the_missing_reason_next_to_the_standard(mapped, station, client_for):
    data = {"audited_on": "2026-11-20"}
    data.update({f"met_{c}": "on" for c in Criterion.values if c != "rules"})
    response = client_for(mapped.alice).post(f"/stations/{station.pk}/audit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["note_rules"]
