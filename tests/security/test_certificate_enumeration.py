"""Attack: walking the certificate register by number (issue 13, item 6).

Numbers run in order (ZYZM-2026-000001, -000002 …) and the public check showed a masked
name, team and hours for each hit, without limit. Now the number alone shows nothing (the
volunteer number printed on the certificate is needed too) and checks per address are
limited, on the page and in the API alike.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from zhiyuan.service import certificates
from zhiyuan.service.tests.test_certificates import hours, issued  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_number_alone_shows_nothing(issued, client_for):  # noqa: F811
    number = issued.certificate.number
    page = client_for(None).get(reverse("service:certificate_check"), {"number": number})
    assert 'data-genuine="true"' not in page.content.decode()
    assert "葛*愿" not in page.content.decode()
    api = client_for(None).get("/api/v1/certificates/check", {"number": number})
    assert api.status_code in (400, 422) and "葛*愿" not in api.content.decode()


def test_a_wrong_volunteer_number_shows_nothing(issued, client_for):  # noqa: F811
    number = issued.certificate.number
    page = client_for(None).get(
        reverse("service:certificate_check"), {"number": number, "volunteer_no": "ZY99999999"}
    )
    assert page.status_code == 404 and "葛*愿" not in page.content.decode()
    api = client_for(None).get(
        "/api/v1/certificates/check", {"number": number, "volunteer_no": "ZY99999999"}
    )
    assert api.status_code == 404


def test_checks_by_number_are_rate_limited_per_address(issued, client_for):  # noqa: F811
    client = client_for(None)
    no = issued.gina.volunteer_no
    for serial in range(certificates.CHECKS_PER_HOUR):
        client.get(
            "/api/v1/certificates/check",
            {"number": certificates.format_number(2026, serial + 1), "volunteer_no": no},
        )
    api = client.get(
        "/api/v1/certificates/check", {"number": issued.certificate.number, "volunteer_no": no}
    )
    assert api.status_code == 429
    page = client.get(
        reverse("service:certificate_check"),
        {"number": issued.certificate.number, "volunteer_no": no},
    )
    assert page.status_code == 429 and 'data-genuine="true"' not in page.content.decode()
