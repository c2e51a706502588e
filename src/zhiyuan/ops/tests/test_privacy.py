"""Personal data: a volunteer's export of everything held, and anonymising one who left."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from zhiyuan.accounts.models import AuditEvent, User
from zhiyuan.core import crypto
from zhiyuan.notifications.models import Message
from zhiyuan.ops.backup import write_backup
from zhiyuan.ops.models import Anonymisation
from zhiyuan.ops.privacy import AlreadyAnonymised, anonymise_volunteer, export_volunteer
from zhiyuan.projects.models import SignUp
from zhiyuan.service.models import Certificate, HoursTotal, ServiceRecord
from zhiyuan.teams.models import Membership
from zhiyuan.testing.factories import member
from zhiyuan.volunteers.models import Volunteer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("zhiyuan.ops.tests.urls")]


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_a_volunteer_downloads_everything_held_on_them(served, client_for):
    gina = served.gina
    member(served.squad_1a, gina)
    Message.objects.create(
        recipient=gina.user, channel="site", kind="test", subject="你好", body="b", dedupe_key="k1"
    )
    response = client_for(gina.user).get(reverse("ops:my_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    profile = data["volunteer"]
    assert profile["id_number"] == gina.decrypted("id_number")
    assert profile["phone"] == gina.decrypted("phone")
    assert profile["real_name"] == gina.real_name
    assert "id_number_encrypted" not in profile and "phone_index" not in profile
    held = data["held_about_the_volunteer"]
    assert len(held["service_records"]) == ServiceRecord.objects.filter(volunteer=gina).count() == 2
    assert {r["hours"] for r in held["service_records"]} == {"3.00", "2.50"}
    assert held["certificates"][0]["number"] == served.certificate.number
    assert len(held["signups"]) == 1 and len(held["memberships"]) == 1
    assert held["hours_total"][0]["approved_hours"] == "5.50"
    account = data["account"]
    assert account["username"] == "gina" and "password" not in account
    subjects = {m["subject"] for m in data["held_about_the_account"]["messages"]}
    assert "你好" in subjects
    event = AuditEvent.objects.get(subject_id=str(gina.pk), action="export")
    assert event.actor == gina.user and event.field == "all"


def test_the_export_covers_every_relation_to_a_volunteer(served):
    """A model pointing at volunteers (from any app, now or later) appears in the export."""
    relations = {r.get_accessor_name() for r in Volunteer._meta.related_objects if not r.hidden}
    data = export_volunteer(served.gina)
    assert set(data["held_about_the_volunteer"]) == relations
    assert {"service_records", "certificates", "memberships", "signups", "attendances"} <= relations


def test_export_lists_audit_events_about_the_volunteer(served):
    from zhiyuan.volunteers.services import reveal

    reveal(actor=served.alice, volunteer=served.gina, field="phone", reason="回访核实")
    data = export_volunteer(served.gina)
    assert [e["reason"] for e in data["audit_events_about_the_volunteer"]] == ["回访核实"]


def test_an_office_admin_exports_with_a_reason_through_the_api(served, client_for):
    url = f"/api/v1/privacy/volunteers/{served.gina.volunteer_no}/export"
    response = post_json(client_for(served.alice), url, {"reason": "本人书面申请"})
    assert response.status_code == 200
    assert response.json()["volunteer"]["id_number"] == served.gina.decrypted("id_number")
    assert AuditEvent.objects.filter(actor=served.alice, action="export", reason="本人书面申请")


@pytest.mark.parametrize("who", ["bob", "carol_user", "erin"])
def test_outsiders_cannot_export_someone_elses_data(served, client_for, who):
    # gina lives in B1: bob administers A only; carol and erin are not office admins.
    url = f"/api/v1/privacy/volunteers/{served.gina.volunteer_no}/export"
    response = post_json(client_for(getattr(served, who)), url, {"reason": "好奇"})
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_anonymous_gets_no_export(served, client_for):
    assert client_for(None).get("/api/v1/privacy/me/export").status_code == 401
    assert client_for(None).get(reverse("ops:my_export")).status_code == 302


def test_a_resident_without_profile_gets_not_found(served, client_for):
    assert client_for(served.erin).get("/api/v1/privacy/me/export").status_code == 404


def totals():
    return {
        "records": ServiceRecord.objects.count(),
        "hours": ServiceRecord.objects.filter(state="approved").values_list("hours", flat=True),
        "by_team": sorted(
            ServiceRecord.objects.values_list("team_id", "hours", "served_on", "persons_served")
        ),
        "totals": sorted(HoursTotal.objects.values_list("volunteer_id", "approved_hours")),
        "certificates": sorted(Certificate.objects.values_list("number", "total_hours", "team_id")),
        "volunteers": Volunteer.objects.count(),
    }


def anonymise(served, client_for, *, confirm=None, reason="本人申请注销"):
    url = reverse("ops:anonymise", args=[served.gina.volunteer_no])
    return client_for(served.alice).post(
        url, {"reason": reason, "confirm": confirm or served.gina.volunteer_no}
    )


def test_anonymising_keeps_the_statistics_and_removes_the_person(served, client_for, tmp_path):
    gina = served.gina
    secrets = [
        gina.real_name,
        gina.decrypted("id_number"),
        gina.decrypted("phone"),
        gina.id_number_encrypted,
        gina.phone_encrypted,
        gina.id_number_index,
        gina.phone_index,
        gina.id_number_masked,
        gina.volunteer_no,
    ]
    member(served.squad_1a, gina)
    before = totals()
    before_hours = {k: list(v) if k == "hours" else v for k, v in before.items()}

    response = anonymise(served, client_for)
    assert response.status_code == 302

    after = totals()
    assert {k: list(v) if k == "hours" else v for k, v in after.items()} == before_hours
    gina = Volunteer.objects.get(pk=gina.pk)
    assert response["Location"] == reverse("volunteers:manage_detail", args=[gina.volunteer_no])
    assert HoursTotal.objects.get(volunteer=gina).approved_hours == Decimal("5.50")
    assert gina.birth_date.year == 1980 and (gina.birth_date.month, gina.birth_date.day) == (1, 1)
    assert gina.id_number_encrypted == gina.phone_encrypted == ""
    assert gina.user is None and not gina.skills.exists()
    assert not Membership.objects.filter(volunteer=gina, state__in=["active", "pending"]).exists()
    assert not SignUp.objects.filter(volunteer=gina, state__in=["confirmed", "waitlisted"])
    account = User.objects.get(username=f"anonymised-{served.gina.user.pk}")
    assert not account.is_active and not account.has_usable_password()
    assert account.full_name == account.email == "" and account.phone_index is None
    # The blind index finds nobody any more.
    lookup = crypto.blind_index("id_number", served.gina.decrypted("id_number"))
    assert not Volunteer.objects.filter(id_number_index=lookup).exists()
    # Nowhere in the whole database: neither clear values nor ciphertexts nor hashes.
    path = tmp_path / "after.jsonl.gz"
    write_backup(path)
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as stream:
        everything = stream.read()
    for secret in secrets:
        assert secret not in everything, secret
    done = Anonymisation.objects.get(volunteer=gina)
    assert done.actor == served.alice and done.reason == "本人申请注销"
    assert done.records_kept == 2 and done.hours_kept == Decimal("5.50")
    assert done.certificates_kept == 1 and done.signups_released == 1


def test_the_public_certificate_check_still_says_genuine_after_anonymising(served, client_for):
    anonymise(served, client_for)
    token = served.certificate.verify_token
    response = client_for(None).get(f"/api/v1/certificates/verify/{token}")
    assert response.status_code == 200 and response.json()["genuine"] is True
    assert served.gina.real_name[0] not in response.json()["volunteer_name"]


def test_anonymising_is_refused_while_records_await_approval(served, client_for):
    from zhiyuan.testing.factories import record

    record(served, served.gina, hours="1.00", days=2, state="pending")
    response = anonymise(served, client_for)
    assert response.status_code == 200
    assert b'data-pending="records_awaiting_approval"' in response.content
    assert not Anonymisation.objects.exists()
    assert Volunteer.objects.get(pk=served.gina.pk).real_name == served.gina.real_name


def test_a_wrong_confirmation_or_no_reason_changes_nothing(served, client_for):
    assert anonymise(served, client_for, confirm="ZY00000001").status_code == 200
    assert anonymise(served, client_for, reason="").status_code == 200
    assert not Anonymisation.objects.exists()


@pytest.mark.parametrize("who", ["bob", "carol_user", "erin"])
def test_only_an_office_admin_of_the_region_may_anonymise(served, client_for, who):
    url = f"/api/v1/privacy/volunteers/{served.gina.volunteer_no}/anonymise"
    response = post_json(
        client_for(getattr(served, who)),
        url,
        {"reason": "离开", "confirm": served.gina.volunteer_no},
    )
    assert response.status_code in (403, 404)
    assert not Anonymisation.objects.exists()


def test_anonymising_twice_is_a_conflict(served):
    anonymise_volunteer(actor=served.alice, volunteer=served.gina, reason="离开本区")
    with pytest.raises(AlreadyAnonymised):
        anonymise_volunteer(
            actor=served.alice, volunteer=Volunteer.objects.get(pk=served.gina.pk), reason="再次"
        )


def test_the_api_anonymises_and_answers_with_what_was_kept(served, client_for):
    url = f"/api/v1/privacy/volunteers/{served.gina.volunteer_no}/anonymise"
    response = post_json(
        client_for(served.alice), url, {"reason": "离开本区", "confirm": served.gina.volunteer_no}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["records_kept"] == 2 and body["hours_kept"] == "5.50"
    assert body["volunteer_no"].startswith("ANON")
    wrong = post_json(client_for(served.alice), url, {"reason": "x" * 5, "confirm": "nope"})
    assert wrong.status_code == 404  # the old number leads nowhere


def test_the_profile_panel_offers_the_download_and_the_office_page_the_erasure(served, client_for):
    own = client_for(served.gina.user).get(reverse("volunteers:me"))
    assert b'id="export-own"' in own.content
    office = client_for(served.alice).get(
        reverse("volunteers:manage_detail", args=[served.gina.volunteer_no])
    )
    assert b'id="anonymise-link"' in office.content
