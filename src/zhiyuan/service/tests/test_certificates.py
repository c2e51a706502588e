"""Certificates of service: request, issue or refuse, the PDF/PNG, and the public check."""

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from zhiyuan.core.errors import ValidationFailed
from zhiyuan.service import certificates
from zhiyuan.service.models import Certificate, ServiceRecord

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def record(c, volunteer, *, hours, days, team=None, state="approved", content="义务指路", **extra):
    extra.setdefault("project", c.project)
    return ServiceRecord.objects.create(
        volunteer=volunteer,
        team=team or c.squad_1a,
        served_on=days_ago(days),
        hours=Decimal(hours),
        content=content,
        source=ServiceRecord.Source.ENTERED,
        state=state,
        recorded_by=c.carol_user,
        **extra,
    )


@pytest.fixture
def hours(plan):  # noqa: F811 - the imported fixture
    """gina and carol each have approved hours with squad_1a in the last weeks."""
    record(plan, plan.gina, hours="3.00", days=20)
    record(plan, plan.gina, hours="2.50", days=10)
    record(plan, plan.carol, hours="4.00", days=15)
    return plan


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def ask(c, client, volunteer_user, *, team=None, since=30, until=1):
    return post(
        client(volunteer_user),
        "/api/v1/certificates",
        {
            "team_id": (team or c.squad_1a).pk,
            "period_from": days_ago(since).isoformat(),
            "period_to": days_ago(until).isoformat(),
        },
    )


@pytest.fixture
def issued(hours, client_for):
    """gina's certificate, asked for and issued by carol (squad_1a's admin)."""
    asked = ask(hours, client_for, hours.gina.user)
    assert asked.status_code == 201, asked.content
    done = post(
        client_for(hours.carol_user),
        f"/api/v1/certificates/{asked.json()['id']}/issue",
        {"responsible_person": "张卡洛", "contact": "022-12345678"},
    )
    assert done.status_code == 200, done.content
    hours.certificate = Certificate.objects.get(pk=asked.json()["id"])
    return hours


def test_the_team_admin_issues_what_the_volunteer_asked_for(issued):
    cert = issued.certificate
    assert cert.state == "issued"
    assert cert.total_hours == Decimal("5.50")
    assert cert.content == "文明礼让日"
    assert re.fullmatch(rf"ZYZM-{timezone.localdate().year}-\d{{6}}", cert.number)
    assert cert.issued_on == timezone.localdate()
    assert cert.handler == issued.carol_user
    assert cert.responsible_person == "张卡洛"


def test_asking_through_the_page_lists_the_request(hours, client_for):
    client = client_for(hours.gina.user)
    response = client.post(
        reverse("service:certificate_request"),
        {
            "team": hours.squad_1a.pk,
            "period_from": days_ago(30).isoformat(),
            "period_to": days_ago(1).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("service:certificate_list"))
    assert hours.squad_1a.name in page.content.decode()
    assert Certificate.objects.get().state == "requested"


def test_the_request_form_offers_only_teams_that_recorded_approved_hours(hours, client_for):
    record(hours, hours.gina, hours="1.00", days=5, team=hours.squad_1b, state="pending")
    page = client_for(hours.gina.user).get(reverse("service:certificate_list"))
    teams = list(page.context["form"].fields["team"].queryset)
    assert teams == [hours.squad_1a]


def test_the_admin_issues_from_the_queue_page(hours, client_for):
    ask(hours, client_for, hours.gina.user)
    cert = Certificate.objects.get()
    carol = client_for(hours.carol_user)
    queue = carol.get(reverse("service:certificate_queue"))
    assert hours.gina.real_name in queue.content.decode()
    response = carol.post(
        reverse("service:certificate_issue", args=[cert.pk]),
        {"responsible_person": "张卡洛", "contact": "022-12345678"},
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.state == "issued"


def test_the_pdf_is_a_real_pdf_and_the_png_an_a4_page(issued, client_for):
    client = client_for(issued.gina.user)
    pdf = client.get(reverse("service:certificate_pdf", args=[issued.certificate.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    png = client.get(reverse("service:certificate_png", args=[issued.certificate.pk]))
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG"
    assert image.size == (1240, 1754)  # A4 at 150 dpi


def test_the_issuing_teams_admins_may_download_it_too(issued, client_for):
    url = reverse("service:certificate_pdf", args=[issued.certificate.pk])
    assert client_for(issued.frank.user).get(url).status_code == 200


@pytest.mark.parametrize("who", ["dave_user", "erin"])
def test_an_outsider_cannot_download_a_certificate(issued, client_for, who):
    url = reverse("service:certificate_pdf", args=[issued.certificate.pk])
    response = client_for(getattr(issued, who)).get(url)
    assert response.status_code in (403, 404)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils (pdftotext)")
def test_the_pdf_is_vector_with_selectable_chinese_text_and_a_seal_place(
    issued, client_for, tmp_path
):
    pdf = client_for(issued.gina.user).get(
        reverse("service:certificate_pdf", args=[issued.certificate.pk])
    )
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(  # noqa: S603 - fixed arguments
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for expected in (
        "志愿服务记录证明",
        "葛志愿",
        issued.certificate.number,
        issued.gina.volunteer_no,
        "（盖章）",
        "张卡洛",
        "022-12345678",
    ):
        assert expected in flat, expected
    images = subprocess.run(  # noqa: S603 - fixed arguments
        [shutil.which("pdfimages"), "-list", str(path)], capture_output=True, text=True
    ).stdout
    assert len(images.strip().splitlines()) <= 2  # no page image: only the header lines


def test_an_unissued_certificate_has_no_pdf(hours, client_for):
    ask(hours, client_for, hours.gina.user)
    url = reverse("service:certificate_pdf", args=[Certificate.objects.get().pk])
    assert client_for(hours.gina.user).get(url).status_code == 404


def test_the_public_check_says_genuine_and_shows_no_personal_data(issued, client_for):
    cert = issued.certificate
    response = client_for(None).get(reverse("service:certificate_verify", args=[cert.verify_token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-genuine="true"' in html
    assert cert.number in html
    assert "葛*愿" in html
    assert issued.gina.volunteer_no in html
    assert "5.50" in html
    gina = issued.gina
    for secret in (gina.decrypted("id_number"), gina.id_number_masked, gina.decrypted("phone")):
        assert secret not in html
    assert gina.phone_masked not in html
    assert gina.real_name not in html


def test_the_public_check_by_number_shows_the_same(issued, client_for):
    cert = issued.certificate
    response = client_for(None).get(
        reverse("service:certificate_check"),
        {"number": cert.number, "volunteer_no": issued.gina.volunteer_no},
    )
    assert response.status_code == 200
    assert 'data-genuine="true"' in response.content.decode()
    assert "葛*愿" in response.content.decode()


def test_an_unknown_number_is_not_genuine(issued, client_for):
    response = client_for(None).get(
        reverse("service:certificate_check"),
        {"number": "ZYZM-1999-000001", "volunteer_no": issued.gina.volunteer_no},
    )
    assert response.status_code == 404
    assert 'data-genuine="false"' in response.content.decode()


def test_an_unknown_verify_token_is_a_404_page(db, client_for):
    response = client_for(None).get(reverse("service:certificate_verify", args=["forged-token"]))
    assert response.status_code == 404
    assert 'data-genuine="false"' in response.content.decode()


def test_a_requested_certificate_is_not_genuine_yet(hours, client_for):
    ask(hours, client_for, hours.gina.user)
    token = Certificate.objects.get().verify_token
    response = client_for(None).get(reverse("service:certificate_verify", args=[token]))
    assert response.status_code == 404


def test_the_api_check_is_public_and_masked(issued, client_for):
    cert = issued.certificate
    response = client_for(None).get(f"/api/v1/certificates/verify/{cert.verify_token}")
    assert response.status_code == 200
    body = response.json()
    assert body["genuine"] is True
    assert body["volunteer_name"] == "葛*愿"
    assert body["number"] == cert.number
    assert set(body) == {
        "genuine",
        "number",
        "issued_on",
        "issuer",
        "volunteer_no",
        "volunteer_name",
        "period_from",
        "period_to",
        "total_hours",
    }
    assert client_for(None).get("/api/v1/certificates/verify/nope").status_code == 404


def test_refusing_needs_a_reason(hours, client_for):
    cert_id = ask(hours, client_for, hours.gina.user).json()["id"]
    url = f"/api/v1/certificates/{cert_id}/refuse"
    response = post(client_for(hours.carol_user), url, {"reason": " "})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert Certificate.objects.get().state == "requested"
    response = post(client_for(hours.carol_user), url, {"reason": "时段内记录有误，请先申请更正"})
    assert response.status_code == 200
    assert Certificate.objects.get().state == "refused"


@pytest.mark.parametrize("who", ["dave_user", "gina_user"])
def test_an_outsider_cannot_issue(hours, client_for, who):
    hours.gina_user = hours.gina.user
    cert_id = ask(hours, client_for, hours.gina.user).json()["id"]
    response = post(
        client_for(getattr(hours, who)),
        f"/api/v1/certificates/{cert_id}/issue",
        {"responsible_person": "某人", "contact": "110"},
    )
    assert response.status_code == 403
    assert Certificate.objects.get().state == "requested"


def test_an_outsider_cannot_issue_through_the_page(hours, client_for):
    ask(hours, client_for, hours.gina.user)
    cert = Certificate.objects.get()
    response = client_for(hours.dave_user).post(
        reverse("service:certificate_issue", args=[cert.pk]),
        {"responsible_person": "某人", "contact": "110"},
    )
    assert response.status_code == 403
    cert.refresh_from_db()
    assert cert.state == "requested"


def test_nobody_issues_their_own_certificate(hours, client_for):
    cert_id = ask(hours, client_for, hours.carol_user).json()["id"]
    url = f"/api/v1/certificates/{cert_id}/issue"
    payload = {"responsible_person": "冯支队", "contact": "022-12345678"}
    assert post(client_for(hours.carol_user), url, payload).status_code == 403
    assert Certificate.objects.get().state == "requested"
    assert post(client_for(hours.frank.user), url, payload).status_code == 200


def test_a_period_without_approved_hours_is_refused(hours, client_for):
    record(hours, hours.gina, hours="2.00", days=60, state="pending")
    response = ask(hours, client_for, hours.gina.user, since=90, until=40)
    assert response.status_code == 400
    assert response.json()["code"] == "no_approved_hours"
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("since", "until", "field"), [(5, 10, "period_from"), (5, -1, "period_to")]
)
def test_a_bad_period_is_refused(hours, client_for, since, until, field):
    response = ask(hours, client_for, hours.gina.user, since=since, until=until)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_asking_twice_for_the_same_period_conflicts(hours, client_for):
    assert ask(hours, client_for, hours.gina.user).status_code == 201
    assert ask(hours, client_for, hours.gina.user).status_code == 409
    assert Certificate.objects.count() == 1


def test_numbers_are_unique_and_sequential(hours, client_for):
    ids = [
        ask(hours, client_for, hours.gina.user, since=since).json()["id"] for since in (28, 29, 30)
    ]
    for cert_id in ids:
        post(
            client_for(hours.carol_user),
            f"/api/v1/certificates/{cert_id}/issue",
            {"responsible_person": "张卡洛", "contact": "022-12345678"},
        )
    numbers = [Certificate.objects.get(pk=pk).number for pk in ids]
    serials = [int(number.rsplit("-", 1)[1]) for number in numbers]
    assert len(set(numbers)) == 3
    assert serials == [serials[0], serials[0] + 1, serials[0] + 2]


def test_issuing_twice_conflicts(issued, client_for):
    response = post(
        client_for(issued.frank.user),
        f"/api/v1/certificates/{issued.certificate.pk}/issue",
        {"responsible_person": "冯支队", "contact": "022-12345678"},
    )
    assert response.status_code == 409


def test_the_total_counts_only_approved_current_hours_of_the_team_in_the_period(hours):
    old = record(hours, hours.gina, hours="1.00", days=12)
    record(hours, hours.gina, hours="1.50", days=12, supersedes=old, version=2)
    old.is_current = False
    old.save(update_fields=["is_current"])
    record(hours, hours.gina, hours="7.00", days=8, state="pending")
    record(hours, hours.gina, hours="7.00", days=8, state="rejected")
    record(hours, hours.gina, hours="7.00", days=8, team=hours.squad_1b)
    record(hours, hours.gina, hours="7.00", days=45)
    record(hours, hours.gina, hours="1.00", days=9, content="助老服务", project=None)
    cert = certificates.request_certificate(
        actor=hours.gina.user, team=hours.squad_1a, period_from=days_ago(30), period_to=days_ago(1)
    )
    cert = certificates.issue_certificate(
        actor=hours.carol_user,
        certificate=cert,
        responsible_person="张卡洛",
        contact="022-12345678",
    )
    assert cert.total_hours == Decimal("8.00")  # 3 + 2.5 + 1.5 + 1
    assert cert.content == "文明礼让日、助老服务"


@pytest.mark.parametrize("contact", ["022-1", "110", "abc", "1234567", "联系我"])
def test_a_contact_must_be_a_phone_or_an_address(hours, contact):
    cert = certificates.request_certificate(
        actor=hours.gina.user, team=hours.squad_1a, period_from=days_ago(30), period_to=days_ago(1)
    )
    with pytest.raises(ValidationFailed) as caught:
        certificates.issue_certificate(
            actor=hours.carol_user, certificate=cert, responsible_person="张卡洛", contact=contact
        )
    assert set(caught.value.errors) == {"contact"}


def test_the_handler_is_a_person_named_at_issue(hours):
    cert = certificates.request_certificate(
        actor=hours.gina.user, team=hours.squad_1a, period_from=days_ago(30), period_to=days_ago(1)
    )
    cert = certificates.issue_certificate(
        actor=hours.carol_user,
        certificate=cert,
        responsible_person="张卡洛",
        contact="新兴路12号",
        handler_name="李经办",
    )
    assert certificates.handler_name(cert) == "李经办"


def test_issuing_needs_a_responsible_person_and_a_contact(hours):
    cert = certificates.request_certificate(
        actor=hours.gina.user, team=hours.squad_1a, period_from=days_ago(30), period_to=days_ago(1)
    )
    with pytest.raises(ValidationFailed) as caught:
        certificates.issue_certificate(
            actor=hours.carol_user, certificate=cert, responsible_person="", contact=""
        )
    assert set(caught.value.errors) == {"responsible_person", "contact"}


def test_the_queue_shows_only_the_teams_the_admin_manages(hours, client_for):
    ask(hours, client_for, hours.gina.user)
    response = client_for(hours.dave_user).get(reverse("service:certificate_queue"))
    assert response.status_code == 403
    assert list(certificates.certificate_queue(hours.dave_user)) == []
    assert len(certificates.certificate_queue(hours.carol_user)) == 1


def test_managers_list_a_teams_certificates_through_the_api(issued, client_for):
    url = f"/api/v1/certificates?team_id={issued.squad_1a.pk}"
    response = client_for(issued.frank.user).get(url)
    assert [row["number"] for row in response.json()] == [issued.certificate.number]
    assert client_for(issued.dave_user).get(url).status_code == 403
    mine = client_for(issued.gina.user).get("/api/v1/certificates").json()
    assert mine[0]["verify_url"].endswith(
        f"/certificates/verify/{issued.certificate.verify_token}/"
    )


@pytest.mark.parametrize(
    ("name", "masked"), [("张三明", "张*明"), ("欧阳小明", "欧**明"), ("张三", "张*"), ("张", "*")]
)
def test_names_are_masked_for_the_public(name, masked):
    assert certificates.mask_name(name) == masked
