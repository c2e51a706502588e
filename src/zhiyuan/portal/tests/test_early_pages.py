"""A cached public page answered before the rest of the middleware (EarlyPageMiddleware) is
the answer the whole stack gives, header for header, and never a stale or private one."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, override_settings

from zhiyuan.core import pagecache
from zhiyuan.news import services as news
from zhiyuan.news.models import Column
from zhiyuan.projects.models import Project

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COOKIE = "csrftoken"


@pytest.fixture
def through_the_stack(monkeypatch):
    """Counts the requests that reached PageCacheMiddleware (not answered early)."""
    calls = []
    original = pagecache.PageCacheMiddleware.process_view

    def process_view(self, request, *args):
        calls.append(request.path)
        return original(self, request, *args)

    monkeypatch.setattr(pagecache.PageCacheMiddleware, "process_view", process_view)
    return calls


def visit(path, *, cookies=None, secure=False, **headers):
    """A new visitor's GET, as wrk sends it: no cookie but those given."""
    visitor = Client(**headers)
    for name, value in (cookies or {}).items():
        visitor.cookies[name] = value
    return visitor.get(path, secure=secure)


def comparable(response):
    """Status, headers (the request id aside), cookies (their value and date aside) and the
    body with the visitor's CSRF token (it unmasks to the visitor's cookie) cut out."""
    headers = {name: value for name, value in response.items() if name != "X-Request-ID"}
    cookies = {
        name: {attr: morsel[attr] for attr in morsel if attr != "expires"}
        for name, morsel in response.cookies.items()
    }
    body = response.content
    if COOKIE in response.cookies:
        secret = response.cookies[COOKIE].value
        for token in set(pagecache._MASKED_TOKEN.findall(body)):
            if _unmask_cipher_token(token.decode()) == secret:
                body = body.replace(token, b"<the visitor's token>")
    return response.status_code, headers, cookies, body


def public_paths(plan):
    article = news.create_article(
        actor=plan.alice,
        column=Column.objects.get(code="lei_feng"),
        title="新春送福进社区",
        body="<p>正文</p>",
    )
    news.publish_article(actor=plan.alice, article=article)
    return [
        "/accounts/login/",
        "/",
        "/coverage/",
        "/projects/",
        f"/projects/{plan.project.pk}/",
        "/news/",
        f"/news/{article.pk}/",
        "/honours/",
        "/teams/",
        "/stations/",
        "/stations/map/",
        "/help/",
        "/api/v1/projects",
        "/api/v1/skills",
    ]


VISITORS = {
    "new": {},
    "english": {"HTTP_ACCEPT_LANGUAGE": "en"},
    "language cookie": {"cookies": {"django_language": "en"}},
    "https": {"secure": True},
    "htmx": {"HTTP_HX_REQUEST": "true"},
    "with a CSRF cookie": {"cookies": {COOKIE: "a" * 32}},
    "with a bad CSRF cookie": {"cookies": {COOKIE: "not a token"}},
}


@pytest.mark.parametrize("visitor", VISITORS)
def test_an_early_answer_is_the_answer_the_whole_stack_gives(plan, through_the_stack, visitor):  # noqa: F811
    kind = VISITORS[visitor]
    for path in public_paths(plan):
        visit(path, **kind)  # rendered and cached
        del through_the_stack[:]
        stack = visit(path, **kind)  # from the cache, through every middleware
        assert through_the_stack == [path]
        early = visit(path, **kind)  # answered early
        assert through_the_stack == [path], f"{path} ({visitor}) was not answered early"
        assert comparable(early) == comparable(stack), f"{path} ({visitor})"
        if visitor == "with a CSRF cookie" and COOKIE in stack.cookies:
            assert early.cookies[COOKIE].value == stack.cookies[COOKIE].value == "a" * 32
        elif b"csrfmiddlewaretoken" in stack.content:  # a new secret for each new visitor
            assert early.cookies[COOKIE].value != stack.cookies[COOKIE].value


def test_an_early_answer_keeps_the_visitors_csrf_secret_and_their_token_works(plan):  # noqa: F811
    Client().get("/help/")
    Client().get("/help/")  # kept for early answers
    visitor = Client(enforce_csrf_checks=True)
    visitor.cookies[COOKIE] = "b" * 32
    page = visitor.get("/help/")
    token = TOKEN.search(page.content.decode()).group(1)
    assert page.cookies[COOKIE].value == "b" * 32
    assert _unmask_cipher_token(token) == "b" * 32

    other = Client(enforce_csrf_checks=True)
    other_token = TOKEN.search(other.get("/help/").content.decode()).group(1)
    assert visitor.post("/help/", {"csrfmiddlewaretoken": other_token}).status_code == 403
    assert visitor.post("/help/", {"csrfmiddlewaretoken": token}).status_code == 200


def test_a_write_shows_on_the_next_visit_after_early_answers(plan, through_the_stack):  # noqa: F811
    for _ in range(3):
        assert "文明礼让日" in Client().get("/projects/").content.decode()
    assert len(through_the_stack) == 2  # the third was answered early

    Project.objects.filter(pk=plan.project.pk).update(name="周末文明引导")

    page = Client().get("/projects/").content.decode()
    assert "周末文明引导" in page and "文明礼让日" not in page


def test_a_signed_in_visitor_is_never_answered_early(plan, client_for, through_the_stack):  # noqa: F811
    url = f"/projects/{plan.project.pk}/"
    for _ in range(3):
        Client(HTTP_ACCEPT_LANGUAGE="en").get(url)
    carol = client_for(plan.carol_user)
    mine = carol.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Sign out" in mine and b"Sign in to sign up" not in mine


def test_an_early_answer_refuses_a_host_not_allowed(plan):  # noqa: F811
    for _ in range(2):
        Client().get("/projects/")
    assert Client().get("/projects/", HTTP_HOST="evil.example").status_code == 400


def test_an_early_answer_is_counted_in_the_metrics(plan):  # noqa: F811
    from prometheus_client import REGISTRY

    labels = {"status": "200", "view": "projects:list", "method": "GET"}
    name = "django_http_responses_total_by_status_view_method_total"
    for _ in range(2):
        Client().get("/projects/")
    before = REGISTRY.get_sample_value(name, labels) or 0
    Client().get("/projects/")
    assert REGISTRY.get_sample_value(name, labels) == before + 1


def test_a_middleware_the_early_answer_does_not_know_stops_the_start():
    later = [*pagecache.REPLAYED, "zhiyuan.example.UnknownMiddleware"]
    with (
        override_settings(MIDDLEWARE=["zhiyuan.core.pagecache.EarlyPageMiddleware", *later]),
        pytest.raises(ImproperlyConfigured, match="UnknownMiddleware"),
    ):
        pagecache.EarlyPageMiddleware(lambda request: None)


def test_the_csrf_token_is_djangos_own_kind():
    from django.http import HttpRequest

    request = HttpRequest()
    token = pagecache.csrf_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert re.fullmatch("[A-Za-z0-9]{64}", token) and re.fullmatch("[A-Za-z0-9]{32}", secret)
    assert _unmask_cipher_token(token) == secret
    assert pagecache.csrf_token(request) != token  # masked anew each time
    assert _unmask_cipher_token(pagecache.csrf_token(request)) == secret
    drawn = "".join(pagecache._random_chars(32) for _ in range(300))
    assert set(drawn) == set(pagecache._CHARS)  # every character, none else


def test_a_changed_csrf_cookie_setting_shows_in_the_next_early_answer(plan, settings):  # noqa: F811
    visitor = Client()  # one handler: the same EarlyPageMiddleware throughout
    for _ in range(3):
        visitor.cookies.clear()
        assert visitor.get("/help/").cookies[COOKIE]["samesite"] == "Lax"

    settings.CSRF_COOKIE_SAMESITE = "Strict"

    for _ in range(3):
        visitor.cookies.clear()
        assert visitor.get("/help/").cookies[COOKIE]["samesite"] == "Strict"


def test_with_prepend_www_nothing_is_answered_early(plan, settings):  # noqa: F811
    settings.ALLOWED_HOSTS = ["testserver", "www.testserver"]
    settings.PREPEND_WWW = True
    for _ in range(3):
        assert Client().get("/projects/", HTTP_HOST="www.testserver").status_code == 200
    redirect = Client().get("/projects/", HTTP_HOST="testserver")
    assert redirect.status_code == 301
    assert redirect["Location"] == "http://www.testserver/projects/"


def test_with_a_shared_cache_a_write_shows_on_the_next_early_visit(plan, settings, tmp_path):  # noqa: F811
    """Stamps in the shared cache (Redis in production; a file-based cache here): the
    early answer checks them all in one round trip, and a write still shows at once."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    assert isinstance(pagecache.stamps(), pagecache.CacheStamps)
    for _ in range(3):
        assert "文明礼让日" in Client().get("/projects/").content.decode()

    Project.objects.filter(pk=plan.project.pk).update(name="周末文明引导")

    page = Client().get("/projects/").content.decode()
    assert "周末文明引导" in page and "文明礼让日" not in page
