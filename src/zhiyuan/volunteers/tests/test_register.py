"""Registering as a volunteer through the page and the API."""

import pytest

from zhiyuan.accounts.models import User
from zhiyuan.core.crypto import blind_index
from zhiyuan.testing.factories import PASSWORD, id_number
from zhiyuan.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def form_data(cast, **overrides):
    data = {
        "real_name": "王小明",
        "id_type": "resident_id",
        "id_number": id_number(100),
        "phone": "13900000100",
        "community": cast.a2.pk,
        "skills": ["guide", "elderly_care"],
        "availability": ["sat_am", "sat_pm"],
        "political_status": "cyl_member",
        "password": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return data


def api_data(cast, **overrides):
    data = {
        "real_name": "王小明",
        "id_type": "resident_id",
        "id_number": id_number(100),
        "phone": "13900000100",
        "community_id": cast.a2.pk,
        "skills": ["guide"],
        "availability": ["sun_eve"],
        "consent": True,
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def test_anonymous_person_registers_on_the_page_and_is_pending_and_signed_in(cast, client):
    response = client.post("/volunteers/register/", form_data(cast))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(real_name="王小明")
    assert volunteer.status == Volunteer.Status.PENDING
    assert volunteer.volunteer_no.startswith("ZY")
    assert volunteer.user.username == volunteer.volunteer_no
    assert volunteer.community == cast.a2
    assert sorted(volunteer.skills.values_list("code", flat=True)) == ["elderly_care", "guide"]
    assert volunteer.id_number_masked == id_number(100)[:3] + "*" * 11 + id_number(100)[-4:]
    assert volunteer.decrypted("id_number") == id_number(100)
    assert id_number(100) not in volunteer.id_number_encrypted
    page = client.get("/volunteers/me/")
    assert volunteer.volunteer_no in page.content.decode()


def test_birth_date_and_gender_come_from_the_id_number(cast, client):
    client.post("/volunteers/register/", form_data(cast))
    volunteer = Volunteer.objects.get(real_name="王小明")
    assert str(volunteer.birth_date) == "1990-05-17"
    assert volunteer.gender == ("M" if int(id_number(100)[16]) % 2 else "F")


def test_bad_check_digit_shows_a_chinese_error_and_saves_nothing(cast, client):
    number = id_number(100)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    before = (Volunteer.objects.count(), User.objects.count())
    response = client.post("/volunteers/register/", form_data(cast, id_number=wrong))
    assert response.status_code == 200
    assert "校验位" in response.content.decode()
    assert (Volunteer.objects.count(), User.objects.count()) == before


def test_all_bad_fields_are_reported_at_once(cast, client):
    response = client.post(
        "/volunteers/register/",
        form_data(cast, id_number="123", phone="999", consent="", real_name="王"),
    )
    errors = response.context["form"].errors
    assert {"id_number", "phone", "consent", "real_name"} <= set(errors)
    assert not Volunteer.objects.filter(real_name="王").exists()


def test_full_width_id_number_is_normalised_and_stored_half_width(cast, client):
    full = id_number(100).translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    client.post("/volunteers/register/", form_data(cast, id_number=f" {full} "))
    assert Volunteer.objects.get(real_name="王小明").decrypted("id_number") == id_number(100)


def test_second_registration_of_the_same_id_is_refused_without_saying_whose(cast, client):
    carol_id = id_number(1)
    response = client.post(
        "/volunteers/register/", form_data(cast, id_number=carol_id.lower(), phone="13900000999")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "无法登记" in body  # the neutral answer: not even that it is the ID number
    assert cast.carol.real_name not in body
    assert cast.carol.volunteer_no not in body
    assert Volunteer.objects.filter(id_number_index=cast.carol.id_number_index).count() == 1


def test_a_15_digit_number_counts_as_a_duplicate_of_its_18_digit_form(cast, client):
    client.post("/volunteers/register/", form_data(cast, id_number="110105491231002"))
    client.logout()
    response = client.post(
        "/volunteers/register/",
        form_data(cast, id_number="11010519491231002X", phone="13900000998", real_name="王二"),
    )
    assert response.status_code == 200
    assert Volunteer.objects.filter(real_name__in=["王小明", "王二"]).count() == 1


def test_document_without_birth_date_needs_it_entered(cast, client):
    response = client.post(
        "/volunteers/register/", form_data(cast, id_type="passport", id_number="E12345678")
    )
    assert "birth_date" in response.context["form"].errors
    response = client.post(
        "/volunteers/register/",
        form_data(
            cast, id_type="passport", id_number="E12345678", birth_date="1980-03-04", gender="F"
        ),
    )
    assert response.status_code == 302
    assert Volunteer.objects.get(real_name="王小明").gender == "F"


def test_phone_can_sign_in_after_registering(cast, client):
    client.post("/volunteers/register/", form_data(cast))
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"username": "139 0000 0100", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_api_registration_creates_a_pending_volunteer(cast, client):
    response = client.post("/api/v1/volunteers", api_data(cast), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending"
    assert body["id_number_masked"].count("*") == 11
    assert "id_number" not in body
    user = Volunteer.objects.get(volunteer_no=body["volunteer_no"]).user
    assert user.phone_index == blind_index("phone", "13900000100")


def test_api_bad_id_is_a_400_with_the_field_and_saves_nothing(cast, client):
    response = client.post(
        "/api/v1/volunteers",
        api_data(cast, id_number="11010519491301002X"),
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert "id_number" in body["errors"]
    assert not Volunteer.objects.filter(real_name="王小明").exists()


def test_api_malformed_body_is_a_400_not_a_500(cast, client):
    response = client.post(
        "/api/v1/volunteers",
        {"real_name": 5, "community_id": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "community_id" in response.json()["errors"]


def test_api_duplicate_is_a_409(cast, client):
    response = client.post(
        "/api/v1/volunteers",
        api_data(cast, id_number=id_number(1), phone="13900000555"),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "registration_refused"


def test_admin_registers_someone_without_account_and_it_is_active(cast, client_for):
    response = client_for(cast.alice).post("/volunteers/register/", form_data(cast, password=""))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(real_name="王小明")
    assert volunteer.status == Volunteer.Status.ACTIVE
    assert volunteer.user is None
    assert volunteer.reviewed_by == cast.alice


def test_signed_in_resident_registers_on_their_own_account(cast, client_for):
    client = client_for(cast.erin)
    response = client.post("/volunteers/register/", form_data(cast, password=""))
    assert response.status_code == 302
    assert Volunteer.objects.get(real_name="王小明").user == cast.erin
