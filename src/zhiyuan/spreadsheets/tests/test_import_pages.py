"""The import pages and API: upload, column check and correction, progress, error report."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhiyuan.spreadsheets.models import ImportJob
from zhiyuan.testing.factories import person_id, read_xlsx, xlsx
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "手机号", "所属社区"]


def roster(*rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("花名册.xlsx", xlsx([HEADER, *rows]))


def upload(client, file, **extra):
    data = {"file": file, "consent_confirmed": "on", **extra}
    return client.post(reverse("spreadsheets:import"), data)


def test_upload_check_start_and_download_the_error_report(
    cast, client_for, django_capture_on_commit_callbacks
):
    client = client_for(cast.alice)
    response = upload(
        client,
        roster(
            ["钱一", person_id(1), "13900000001", "新兴社区"],
            ["钱二", person_id(2), "12345", "新兴社区"],
        ),
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("spreadsheets:review", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="mapping-form"' in content
    # The preview masks ID numbers.
    assert person_id(1) not in content and person_id(1)[:3] + "*" in content
    form = {f"map_{k}": str(v) for k, v in job.mapping.items()}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            reverse("spreadsheets:review", args=[job.pk]),
            {**form, "header_row": job.header_row, "start": "1"},
        )
    assert started.url == reverse("spreadsheets:job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.imported, job.errors) == ("done", 1, 1)
    result = client.get(started.url)
    assert b'id="error-report-link"' in result.content
    assert b'data-status="done"' in result.content
    report = client.get(reverse("spreadsheets:error_report", args=[job.pk]))
    assert report.status_code == 200
    rows = read_xlsx(b"".join(report.streaming_content))
    assert rows[1][0] == 3 and rows[1][1] == "手机号"


def test_wrong_guess_is_corrected_on_the_page_before_running(cast, client_for):
    """Two phone-like columns: the office picks the mobile one."""
    client = client_for(cast.alice)
    file = SimpleUploadedFile(
        "r.xlsx",
        xlsx(
            [
                ["姓名", "身份证号", "联系电话", "手机号码", "社区"],
                ["孙一", person_id(3), "022-12345678", "13900000003", "新兴社区"],
            ]
        ),
    )
    upload(client, file)
    job = ImportJob.objects.get()
    assert job.mapping["phone"] == 2
    form = {f"map_{k}": str(v) for k, v in job.mapping.items()}
    form["map_phone"] = "3"
    response = client.post(
        reverse("spreadsheets:review", args=[job.pk]), {**form, "header_row": 1, "save": "1"}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.mapping["phone"] == 3


def test_a_column_used_twice_or_a_missing_required_field_is_refused(cast, client_for):
    client = client_for(cast.alice)
    upload(client, roster(["孙二", person_id(4), "13900000004", "新兴社区"]))
    job = ImportJob.objects.get()
    form = {f"map_{k}": str(v) for k, v in job.mapping.items()}
    response = client.post(
        reverse("spreadsheets:review", args=[job.pk]),
        {**form, "map_phone": form["map_id_number"], "header_row": 1, "start": "1"},
    )
    assert response.status_code == 400
    assert b"id_map_phone_errors" in response.content
    response = client.post(
        reverse("spreadsheets:review", args=[job.pk]),
        {**form, "map_id_number": "", "header_row": 1, "start": "1"},
    )
    assert response.status_code == 400
    assert b"id_map_id_number_errors" in response.content
    job.refresh_from_db()
    assert job.status == "uploaded"


def test_progress_partial_polls_while_running_and_refreshes_when_done(cast, client_for):
    client = client_for(cast.alice)
    upload(client, roster(["孙三", person_id(5), "13900000005", "新兴社区"]))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="running", processed=0)
    from django.utils import timezone

    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    partial = client.get(
        reverse("spreadsheets:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert b'hx-trigger="every 1s"' in partial.content
    assert b'id="job-progress-bar"' in partial.content
    ImportJob.objects.filter(pk=job.pk).update(status="done")
    done = client.get(reverse("spreadsheets:job_progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_bad_upload_shows_a_field_error_and_stores_nothing(cast, client_for):
    client = client_for(cast.alice)
    response = upload(client, SimpleUploadedFile("r.xlsx", b"not a spreadsheet"))
    assert response.status_code == 400
    assert b"errorlist" in response.content
    response = client.post(
        reverse("spreadsheets:import"), {"file": roster(["甲", person_id(6), "13900000006", ""])}
    )
    assert response.status_code == 400
    assert b"id_consent_confirmed_errors" in response.content
    assert not ImportJob.objects.exists()


def test_outsiders_cannot_open_imports(cast, client_for):
    upload(client_for(cast.alice), roster(["甲乙", person_id(7), "13900000007", "南营门社区"]))
    job = ImportJob.objects.get()
    assert client_for(cast.erin).get(reverse("spreadsheets:import")).status_code == 403
    assert client_for(cast.carol_user).get(reverse("spreadsheets:import")).status_code == 403
    # bob administers subdistrict A only; the job is into the whole district.
    bob = client_for(cast.bob)
    assert bob.get(reverse("spreadsheets:job", args=[job.pk])).status_code == 404
    assert bob.get(reverse("spreadsheets:error_report", args=[job.pk])).status_code == 404
    anonymous = client_for(None).get(reverse("spreadsheets:import"))
    assert anonymous.status_code == 302 and "login" in anonymous.url


def test_api_upload_start_status_and_download(cast, client_for, django_capture_on_commit_callbacks):
    client = client_for(cast.bob)
    file = SimpleUploadedFile(
        "r.xlsx",
        xlsx(
            [
                HEADER,
                ["周一", person_id(8), "13900000008", "朝阳社区"],
                ["周二", person_id(9), "13900000009", "南营门社区"],
            ]
        ),
    )
    response = client.post("/api/v1/imports", {"file": file, "consent_confirmed": "true"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "uploaded" and body["total"] == 2
    assert body["mapping"] == {"real_name": 0, "id_number": 1, "phone": 2, "community": 3}
    job_id = body["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/imports/{job_id}/start").status_code == 200
    status = client.get(f"/api/v1/imports/{job_id}").json()
    assert (status["status"], status["imported"], status["errors"], status["percent"]) == (
        "done",
        1,
        1,
        100,
    )
    report = client.get(status["error_report_url"])
    assert report.status_code == 200
    assert read_xlsx(b"".join(report.streaming_content))[1][1] == "所属社区"
    issues = client.get(f"/api/v1/imports/{job_id}/issues").json()
    assert [(i["row"], i["kind"]) for i in issues] == [(3, "error")]
    again = client.post(f"/api/v1/imports/{job_id}/start")
    assert again.status_code == 409
    assert client_for(cast.erin).get(f"/api/v1/imports/{job_id}").status_code == 404


def test_api_refuses_bad_input_without_500(cast, client_for):
    client = client_for(cast.alice)
    missing = client.post("/api/v1/imports", {"consent_confirmed": "true"})
    assert missing.status_code == 400
    bad = client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("r.txt", b"hello"), "consent_confirmed": "true"},
    )
    assert bad.status_code == 400 and "file" in bad.json()["errors"]
    client.post(
        "/api/v1/imports",
        {
            "file": roster(["甲丙", person_id(10), "13900000010", "新兴社区"]),
            "consent_confirmed": "true",
        },
    )
    job = ImportJob.objects.get()
    wrong = client.put(
        f"/api/v1/imports/{job.pk}/mapping",
        {"mapping": {"phone": 99}},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and "phone" in wrong.json()["errors"]
    assert client.get("/api/v1/imports/99999").status_code == 404
    assert not Volunteer.objects.filter(real_name="甲丙").exists()
