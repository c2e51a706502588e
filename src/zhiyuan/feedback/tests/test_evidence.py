"""A complaint's photo: checked like news covers, kept encrypted, seen only by those acting on it."""

import io

import pytest
from django.utils import timezone
from PIL import Image

from zhiyuan.feedback.models import Complaint, ComplaintEvidence
from zhiyuan.testing.factories import image_bytes, upload

pytestmark = pytest.mark.django_db


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 7.0, 0.0)}  # GPSInfo: where the phone was
    return image_bytes("JPEG", (400, 300), exif=exif)


def file_page(client, corps, evidence=None):
    data = {
        "subject_type": "team",
        "subject": corps.squad_1a.pk,
        "what": "活动现场秩序混乱",
        "happened_on": timezone.localdate().isoformat(),
    }
    if evidence is not None:
        data["evidence"] = evidence
    return client.post("/feedback/complaints/new/", data, follow=True)


def test_photo_filed_anonymously_is_encrypted_and_shown_to_office_and_team(corps, client_for):
    file_page(client_for(None), corps, upload(photo_with_gps(), "scene.jpg", "image/jpeg"))
    complaint = Complaint.objects.get()
    stored = ComplaintEvidence.objects.get(complaint=complaint)
    assert stored.content_type == "image/jpeg" and (stored.width, stored.height) == (400, 300)
    assert b"\xff\xd8" not in stored.image_encrypted.encode()  # not the JPEG in the clear
    page = client_for(corps.bob).get(f"/feedback/complaints/{complaint.pk}/").content.decode()
    assert 'id="evidence"' in page
    url = f"/feedback/complaints/{complaint.pk}/evidence/"
    for user in (corps.bob, corps.carol_user):  # the office over A1, squad_1a's admin
        served = client_for(user).get(url)
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
        assert served["Cache-Control"] == "private, no-store"
        image = Image.open(io.BytesIO(served.content))
        assert image.size == (400, 300) and not image.getexif().get(0x8825)
    assert client_for(corps.gina.user).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302  # to the sign-in page
    anonymous_track = client_for(None).get(f"/feedback/complaints/track/?code={complaint.code}")
    assert url not in anonymous_track.content.decode()


def test_the_filer_reads_the_complaint_but_not_the_photo(corps, client_for):
    erin = client_for(corps.erin)
    file_page(erin, corps, upload(image_bytes("PNG"), "a.png"))
    complaint = Complaint.objects.get(filed_by=corps.erin)
    assert erin.get(f"/api/v1/complaints/{complaint.pk}").json()["has_evidence"] is True
    assert erin.get(f"/api/v1/complaints/{complaint.pk}/evidence").status_code == 403
    page = erin.get(f"/feedback/complaints/{complaint.pk}/").content.decode()
    assert 'id="evidence"' not in page


def test_a_file_that_is_not_an_image_refuses_the_whole_complaint(corps, client_for):
    response = file_page(client_for(None), corps, upload(b"%PDF-1.4 fake", "scene.jpg"))
    assert "该文件不是图片" in response.content.decode()
    assert not Complaint.objects.exists() and not ComplaintEvidence.objects.exists()


def test_photo_added_by_code_once_and_only_before_the_office_starts(corps, client_for):
    filed = client_for(None).post(
        "/api/v1/complaints",
        {
            "subject_type": "team",
            "subject": str(corps.squad_1a.pk),
            "what": "志愿者未按约定时间到场",
            "happened_on": timezone.localdate().isoformat(),
        },
        content_type="application/json",
    )
    code = filed.json()["code"]
    url = f"/api/v1/complaints/track/{code}/evidence"
    bad = client_for(None).post(url, {"evidence": upload(b"not an image", "x.png")})
    assert bad.status_code == 400 and "evidence" in bad.json()["errors"]
    added = client_for(None).post(url, {"evidence": upload(image_bytes("PNG"), "x.png")})
    assert added.status_code == 200, added.content
    again = client_for(None).post(url, {"evidence": upload(image_bytes("PNG"), "y.png")})
    assert again.status_code == 409
    complaint = Complaint.objects.get(code=code)
    bob = client_for(corps.bob)
    served = bob.get(f"/api/v1/complaints/{complaint.pk}/evidence")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert (
        client_for(corps.gina.user).get(f"/api/v1/complaints/{complaint.pk}/evidence").status_code
        == 404
    )

    other = Complaint.objects.get(
        code=client_for(None)
        .post(
            "/api/v1/complaints",
            {
                "subject_type": "team",
                "subject": str(corps.squad_1a.pk),
                "what": "现场无人引导",
                "happened_on": timezone.localdate().isoformat(),
            },
            content_type="application/json",
        )
        .json()["code"]
    )
    bob.post(
        f"/api/v1/complaints/{other.pk}/move",
        {"to": "investigating"},
        content_type="application/json",
    )
    late = client_for(None).post(
        f"/api/v1/complaints/track/{other.code}/evidence",
        {"evidence": upload(image_bytes("PNG"), "z.png")},
    )
    assert late.status_code == 409
    assert not ComplaintEvidence.objects.filter(complaint=other).exists()
