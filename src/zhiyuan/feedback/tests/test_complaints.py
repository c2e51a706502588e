"""Complaints: filed by anyone, tracked by code, handled by the office in charge."""

import datetime as dt

import pytest
from django.utils import timezone

from zhiyuan.accounts.models import AuditEvent
from zhiyuan.feedback.models import Complaint, ComplaintEvent
from zhiyuan.notifications.models import Message

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def file(client, corps, **extra):
    data = {
        "subject_type": "team",
        "subject": str(corps.squad_1a.pk),
        "what": "志愿者服务态度生硬，未按约定时间到场",
        "happened_on": timezone.localdate().isoformat(),
        "place": "新兴街1号",
        "contact_name": "王先生",
        "contact": "13912345678",
    }
    data.update(extra)
    return post(client, "/api/v1/complaints", data)


def test_anonymous_complaint_is_filed_tracked_and_the_team_is_told(corps, client_for):
    response = file(client_for(None), corps)
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    complaint = Complaint.objects.get(code=code)
    assert complaint.region == corps.a1 and complaint.team == corps.squad_1a
    assert complaint.contact_masked == "139****5678"
    assert "13912345678" not in complaint.contact_encrypted
    assert complaint.due_on == timezone.localdate() + dt.timedelta(days=15)
    tracked = client_for(None).get(f"/api/v1/complaints/track/{code}")
    assert tracked.json()["status"] == "received"
    assert "contact" not in tracked.json() and "what" not in tracked.json()
    assert Message.objects.filter(recipient=corps.carol_user, kind="complaint_received").exists()


def test_bad_complaint_is_refused_field_by_field(corps, client_for):
    response = file(
        client_for(None),
        corps,
        subject="999999",
        what="差",
        happened_on=(timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        contact="12345",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"subject", "what", "happened_on", "contact"}
    assert not Complaint.objects.exists()


def test_office_handles_the_complaint_through_the_workflow(corps, client_for):
    complaint = Complaint.objects.get(code=file(client_for(None), corps).json()["code"])
    bob = client_for(corps.bob)
    base = f"/api/v1/complaints/{complaint.pk}"
    assert post(bob, f"{base}/move", {"to": "investigating"}).status_code == 200
    answered = post(client_for(corps.carol_user), f"{base}/answer", {"answer": "已批评教育"})
    assert answered.status_code == 200
    no_reason = post(bob, f"{base}/move", {"to": "resolved"})
    assert no_reason.status_code == 400
    closed = post(bob, f"{base}/move", {"to": "resolved", "note": "已核实并整改"})
    assert closed.json()["status"] == "resolved" and closed.json()["outcome"] == "已核实并整改"
    again = post(bob, f"{base}/move", {"to": "investigating"})
    assert again.status_code == 409
    steps = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("to_status"))
    assert [s for (s,) in steps] == ["received", "investigating", "investigating", "resolved"]


def test_team_admin_cannot_move_and_outsiders_cannot_see(corps, client_for):
    complaint = Complaint.objects.get(code=file(client_for(None), corps).json()["code"])
    base = f"/api/v1/complaints/{complaint.pk}"
    carol = client_for(corps.carol_user)
    assert post(carol, f"{base}/move", {"to": "dismissed", "note": "不属实"}).status_code == 403
    assert client_for(corps.gina.user).get(base).status_code == 404
    assert client_for(corps.erin).get("/api/v1/complaints").json() == []
    assert Complaint.objects.get().status == "received"


def test_contact_is_revealed_only_with_a_reason_and_audited(corps, client_for):
    complaint = Complaint.objects.get(code=file(client_for(None), corps).json()["code"])
    url = f"/api/v1/complaints/{complaint.pk}/reveal"
    assert post(client_for(corps.carol_user), url, {"reason": "回访"}).status_code == 403
    revealed = post(client_for(corps.bob), url, {"reason": "回访投诉人"})
    assert revealed.json() == {"contact": "13912345678"}
    assert AuditEvent.objects.filter(actor=corps.bob, subject_type="complaint").count() == 1


def test_complaint_pages_file_track_and_close(corps, client_for):
    anonymous = client_for(None)
    response = anonymous.post(
        "/feedback/complaints/new/",
        {
            "subject_type": "team",
            "subject": corps.squad_1a.pk,
            "what": "活动现场秩序混乱",
            "happened_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    complaint = Complaint.objects.get()
    assert complaint.code in response.content.decode()
    bob = client_for(corps.bob)
    assert complaint.code in bob.get("/feedback/complaints/").content.decode()
    bob.post(
        f"/feedback/complaints/{complaint.pk}/",
        {"action": "move", "to": "dismissed", "note": "经核实不属实"},
    )
    page = anonymous.get(f"/feedback/complaints/track/?code={complaint.code}").content.decode()
    assert "经核实不属实" in page
