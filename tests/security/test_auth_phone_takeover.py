"""Attack: take another account's phone, or an unverified one, as one's own.

A volunteer could set their phone to any number, even another account's login phone. A
new phone must now be no other active account's, and becomes the volunteer's phone and
login phone only once the code texted to it (through the SMS gateway) is entered.
"""

import re

import pytest

from conftest import PASSWORD
from zhiyuan.core.crypto import blind_index
from zhiyuan.notifications.channels import SmsGateway
from zhiyuan.volunteers.models import PhoneChange

pytestmark = pytest.mark.django_db

SENT: list[tuple[str, str]] = []


class RecordingGateway(SmsGateway):
    def send(self, *, phone: str, text: str) -> None:
        SENT.append((phone, text))


@pytest.fixture(autouse=True)
def gateway(settings, django_capture_on_commit_callbacks):
    settings.SMS_GATEWAY = f"{__name__}.RecordingGateway"
    SENT.clear()
    global _after_commit  # noqa: PLW0603 - the helpers below run each request's on_commit
    _after_commit = django_capture_on_commit_callbacks
    return SENT


_after_commit = None


def patch_phone(client, cast, phone):
    """The texts go out after commit (the test's transaction never commits): run them."""
    with _after_commit(execute=True):
        return client.patch(
            f"/api/v1/volunteers/{cast.carol.volunteer_no}",
            {"phone": phone},
            content_type="application/json",
        )


def confirm(client, cast, code):
    return client.post(
        f"/api/v1/volunteers/{cast.carol.volunteer_no}/phone/confirm",
        {"code": code},
        content_type="application/json",
    )


def signs_in(client, username):
    body = {"username": username, "password": PASSWORD}
    return client.post("/api/v1/auth/token", body, content_type="application/json").status_code


def code_sent_to(phone):
    texts = [text for number, text in SENT if number == phone]
    assert texts, SENT
    return re.search(r"\d{6}", texts[-1]).group()


def test_another_accounts_login_phone_is_refused(cast, client_for):
    cast.erin.phone_index = blind_index("phone", "13900000123")
    cast.erin.save(update_fields=["phone_index"])
    response = patch_phone(client_for(cast.carol_user), cast, "13900000123")
    assert response.status_code == 400
    assert "phone" in response.json()["errors"]
    cast.carol.refresh_from_db()
    assert cast.carol.phone_masked == "138****0001"
    assert not PhoneChange.objects.exists() and not SENT


def test_an_office_admin_cannot_give_a_volunteer_anothers_phone_either(cast, client_for):
    cast.erin.phone_index = blind_index("phone", "13900000124")
    cast.erin.save(update_fields=["phone_index"])
    response = patch_phone(client_for(cast.alice), cast, "13900000124")
    assert response.status_code == 400
    assert "phone" in response.json()["errors"]


def test_a_new_phone_counts_only_after_the_texted_code(cast, client, client_for):
    carol = client_for(cast.carol_user)
    response = patch_phone(carol, cast, "13900000125")
    assert response.status_code == 200
    assert response.json()["phone_masked"] == "138****0001"  # not yet
    assert signs_in(client, "13900000125") == 401
    code = code_sent_to("13900000125")
    wrong = "000000" if code != "000000" else "111111"
    assert confirm(carol, cast, wrong).status_code == 400
    response = confirm(carol, cast, code)
    assert response.status_code == 200
    assert response.json()["phone_masked"] == "139****0125"
    assert signs_in(client, "13900000125") == 201
    assert signs_in(client, "13800000001") == 401
    assert confirm(carol, cast, code).status_code == 400  # used once


def test_five_wrong_codes_end_the_change(cast, client_for):
    carol = client_for(cast.carol_user)
    patch_phone(carol, cast, "13900000126")
    code = code_sent_to("13900000126")
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        assert confirm(carol, cast, wrong).status_code == 400
    assert confirm(carol, cast, code).status_code == 400
    cast.carol.refresh_from_db()
    assert cast.carol.phone_masked == "138****0001"


def test_nobody_else_confirms_the_code(cast, client_for):
    patch_phone(client_for(cast.carol_user), cast, "13900000127")
    code = code_sent_to("13900000127")
    assert confirm(client_for(cast.alice), cast, code).status_code == 403


def test_the_profile_page_asks_for_the_code(cast, client_for):
    carol = client_for(cast.carol_user)
    form = {
        "phone": "13900000128",
        "community": cast.a1.pk,
        "political_status": "masses",
    }
    with _after_commit(execute=True):
        carol.post("/volunteers/me/", form)
    page = carol.get("/volunteers/me/").content.decode()
    assert 'id="phone-code"' in page
    response = carol.post("/volunteers/me/phone/confirm/", {"code": code_sent_to("13900000128")})
    assert response.status_code == 302
    cast.carol.refresh_from_db()
    assert cast.carol.phone_masked == "139****0128"
    cast.carol_user.refresh_from_db()
    assert cast.carol_user.phone_index == blind_index("phone", "13900000128")
