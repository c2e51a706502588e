"""Attack: hammer a rate-limited public page until it breaks.

`/help/track/<code>/` raised its RateLimited past the limit and answered 500 (an error
logged as a crash, a page that says "our fault"). Every rate-limited page now answers 429
with a page that says to wait, and a Retry-After header.
"""

import pytest

from zhiyuan.testing.factories import id_number

pytestmark = pytest.mark.django_db


def test_tracking_codes_past_the_limit_get_the_429_page(cast, client):
    statuses = {client.get(f"/help/track/HZ{n:06d}/").status_code for n in range(120)}
    assert statuses == {404}
    response = client.get("/help/track/HZ999999/")
    assert response.status_code == 429
    assert b'id="rate-limited"' in response.content
    assert int(response["Retry-After"]) > 0


def test_registrations_past_the_limit_get_the_429_page(cast, client, settings):
    settings.REGISTRATIONS_PER_HOUR = 1
    form = {
        "real_name": "王小明",
        "id_type": "resident_id",
        "id_number": id_number(500),
        "phone": "13900000500",
        "community": cast.a1.pk,
        "password": "a-long-passphrase-9",
        "political_status": "masses",
        "consent": "on",
    }
    assert client.post("/volunteers/register/", form).status_code == 302
    client.logout()
    response = client.post(
        "/volunteers/register/", {**form, "id_number": id_number(501), "phone": "13900000501"}
    )
    assert response.status_code == 429
    assert b'id="rate-limited"' in response.content
