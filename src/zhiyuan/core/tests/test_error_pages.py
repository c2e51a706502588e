"""Error pages speak the reader's language: no bare English "Not Found" / "Forbidden"."""

import pytest

pytestmark = pytest.mark.django_db
URL_403 = "/service/certificates/queue/"  # only team admins handle certificate requests


@pytest.mark.parametrize(
    ("language", "words", "not_words"),
    [("zh-hans", "页面不存在", "Not Found"), ("en", "Page not found", "页面不存在")],
)
def test_404_page_in_the_readers_language(client, settings, language, words, not_words):
    settings.DEBUG = False
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 404
    assert words in html and not_words not in html and 'data-status="404"' in html


def test_403_page_says_why_in_chinese(cast, client_for, settings):
    settings.DEBUG = False
    response = client_for(cast.erin).get(URL_403, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in html and "Forbidden" not in html and 'data-status="403"' in html


def test_csrf_failure_page_in_chinese(client, settings):
    from django.test import Client

    settings.DEBUG = False
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/help/", {}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 403
    assert "表单已过期" in html and "Forbidden" not in html
