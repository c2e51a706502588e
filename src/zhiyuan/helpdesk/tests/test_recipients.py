"""Service recipients: scoped to the office, encrypted at rest, masked, reveals audited."""

from django.db import connection

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.helpdesk.models import Recipient

API = "/api/v1"


def body(cast, **overrides):
    data = {
        "name": "赵奶奶",
        "category": "empty_nest_elderly",
        "community_id": cast.a1.pk,
        "address": "新兴街8号2门101",
        "health": "轻度失智，行动不便",
        "contact_name": "赵先生",
        "phone": "13700001111",
        "consent": True,
    }
    data.update(overrides)
    return data


def test_office_records_a_recipient_encrypted_and_masked(desk, client_for):
    response = client_for(desk.bob).post(
        f"{API}/recipients", body(desk), content_type="application/json"
    )
    assert response.status_code == 201
    out = response.json()
    assert out["phone_masked"] == "137****1111" and out["has_health"] is True
    assert "health" not in out and "address" not in out
    assert out["address_masked"].endswith("****") and "101" not in out["address_masked"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT address_encrypted, health_encrypted, phone_encrypted "
            "FROM helpdesk_recipient WHERE id = %s",
            [out["id"]],
        )
        raw = " ".join(cursor.fetchone())
    assert "新兴街8号" not in raw and "失智" not in raw and "13700001111" not in raw


def test_consent_is_required(desk, client_for):
    response = client_for(desk.bob).post(
        f"{API}/recipients", body(desk, consent=False, phone="12"), content_type="application/json"
    )
    assert response.status_code == 400
    assert {"consent", "phone"} <= set(response.json()["errors"])
    assert not Recipient.objects.exists()


def test_sibling_office_cannot_record_or_see_recipients(desk, client_for):
    alice = client_for(desk.alice)
    made = alice.post(
        f"{API}/recipients", body(desk, community_id=desk.b1.pk), content_type="application/json"
    ).json()
    bob = client_for(desk.bob)
    assert bob.get(f"{API}/recipients/{made['id']}").status_code == 404
    assert bob.get(f"{API}/recipients").json() == []
    refused = bob.post(
        f"{API}/recipients", body(desk, community_id=desk.b1.pk), content_type="application/json"
    )
    assert refused.status_code == 403
    assert client_for(desk.carol_user).get(f"{API}/recipients").json() == []
    assert client_for(desk.carol_user).get("/help/recipients/").status_code == 403


def test_help_requests_page_offers_the_recipients_only_to_the_office(desk, client_for):
    # carol administers squad_1a: she handles its help requests but not the recipients.
    carol = client_for(desk.carol_user)
    assert carol.get("/help/recipients/").status_code == 403
    assert 'href="/help/recipients/"' not in carol.get("/help/requests/").content.decode()
    alice = client_for(desk.alice)
    assert 'href="/help/recipients/"' in alice.get("/help/requests/").content.decode()


def test_reveal_needs_a_reason_and_is_audited(desk, client_for):
    bob = client_for(desk.bob)
    made = bob.post(f"{API}/recipients", body(desk), content_type="application/json").json()
    url = f"{API}/recipients/{made['id']}/reveal"
    no_reason = bob.post(url, {"field": "health", "reason": ""}, content_type="application/json")
    assert no_reason.status_code == 400 and not AuditEvent.objects.exists()
    shown = bob.post(
        url, {"field": "health", "reason": "安排陪护"}, content_type="application/json"
    )
    assert shown.json()["value"] == "轻度失智，行动不便"
    event = AuditEvent.objects.get()
    assert (event.actor, event.subject_type, event.field) == (desk.bob, "recipient", "health")


def test_update_reseals_the_address(desk, client_for):
    bob = client_for(desk.bob)
    made = bob.post(f"{API}/recipients", body(desk), content_type="application/json").json()
    response = bob.patch(
        f"{API}/recipients/{made['id']}",
        {"address": "朝阳路5号", "is_active": False},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert Recipient.objects.get().decrypted("address") == "朝阳路5号"


def test_recipient_pages_show_masked_values(desk, client_for):
    bob = client_for(desk.bob)
    made = bob.post(f"{API}/recipients", body(desk), content_type="application/json").json()
    html = bob.get(f"/help/recipients/{made['id']}/").content.decode()
    assert "137****1111" in html and "13700001111" not in html and "失智" not in html
    html = bob.post(
        f"/help/recipients/{made['id']}/reveal/", {"field": "phone", "reason": "电话回访"}
    ).content.decode()
    assert 'id="revealed-value">13700001111' in html
