"""Public pages come from the cache for visitors without a session, and every write shows at once."""

import re

import pytest
from django.db import transaction
from django.test import Client

from zhiyuan.core import pagecache
from zhiyuan.news import services as news
from zhiyuan.news.models import Column
from zhiyuan.projects.models import Project, SignUp

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_the_second_anonymous_visit_runs_no_query(plan, django_assert_num_queries):  # noqa: F811
    visitor = Client()
    first = visitor.get("/projects/")
    with django_assert_num_queries(0):
        second = visitor.get("/projects/")
    assert second.status_code == 200
    assert second.content.count(b"csrfmiddlewaretoken") == first.content.count(
        b"csrfmiddlewaretoken"
    )
    assert "文明礼让日" in second.content.decode()


def test_a_sign_up_shows_on_the_next_anonymous_visit(plan, client_for):  # noqa: F811
    url = f"/projects/{plan.project.pk}/"
    assert "0 of 1 places taken" in english().get(url).content.decode()

    client_for(plan.carol_user).post(f"/projects/shifts/{plan.guide.pk}/signup/")

    assert SignUp.objects.filter(shift=plan.guide, state="confirmed").count() == 1
    assert "1 of 1 places taken" in english().get(url).content.decode()


def test_a_published_article_shows_on_the_next_anonymous_visit(plan):  # noqa: F811
    assert "新春送福进社区" not in Client().get("/news/").content.decode()
    assert "新春送福进社区" not in Client().get("/").content.decode()
    article = news.create_article(
        actor=plan.alice,
        column=Column.objects.get(code="lei_feng"),
        title="新春送福进社区",
        body="<p>正文</p>",
    )
    assert "新春送福进社区" not in Client().get("/news/").content.decode()  # a draft

    news.publish_article(actor=plan.alice, article=article)

    assert "新春送福进社区" in Client().get("/news/").content.decode()
    assert "新春送福进社区" in Client().get("/").content.decode()


def test_a_bulk_update_shows_on_the_next_anonymous_visit(plan):  # noqa: F811
    assert "文明礼让日" in Client().get("/projects/").content.decode()

    Project.objects.filter(pk=plan.project.pk).update(name="周末文明引导")

    page = Client().get("/projects/").content.decode()
    assert "周末文明引导" in page and "文明礼让日" not in page


def test_a_signed_in_visitor_neither_gets_nor_leaves_a_cached_page(plan, client_for):  # noqa: F811
    url = f"/projects/{plan.project.pk}/"
    assert b"Sign in to sign up" in english().get(url).content

    carol = client_for(plan.carol_user)
    mine = carol.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Sign in to sign up" not in mine and b"Sign out" in mine

    carol.post(f"/projects/shifts/{plan.guide.pk}/signup/")
    theirs = english().get(url).content
    assert b"Sign out" not in theirs and b"my-state" not in theirs
    assert b"Sign in to sign up" in theirs


def test_each_visitor_gets_their_own_csrf_token(plan):  # noqa: F811
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    first_token = TOKEN.search(first.get("/help/").content.decode()).group(1)
    page = second.get("/help/").content.decode()  # from the cache
    second_token = TOKEN.search(page).group(1)

    assert first_token not in page
    refused = second.post("/help/", {"csrfmiddlewaretoken": first_token})
    accepted = second.post("/help/", {"csrfmiddlewaretoken": second_token})
    assert refused.status_code == 403
    assert accepted.status_code == 200  # the form again, with its errors: not a CSRF refusal


def test_each_language_has_its_own_page(plan):  # noqa: F811
    assert b'<html lang="en">' in english().get("/stations/").content
    assert b'<html lang="zh-hans">' in Client().get("/stations/").content
    assert b'<html lang="en">' in english().get("/stations/").content


def test_a_visitor_with_a_pending_message_is_not_served_a_cached_page(plan, client_for):  # noqa: F811
    Client().get("/projects/")
    carol = client_for(plan.carol_user)
    carol.post(f"/projects/shifts/{plan.guide.pk}/signup/")  # queues "You are signed up"
    carol.post("/accounts/logout/")
    page = carol.get("/projects/").content.decode()
    assert "flash" in page


@pytest.mark.django_db(transaction=True)
def test_a_write_renews_the_stamp_again_when_its_transaction_commits():
    """A visitor who rendered the old rows between the write and the commit is not kept."""
    table = Column._meta.db_table
    with transaction.atomic():
        Column.objects.filter(code="lei_feng").update(name="学雷锋")
        during = pagecache.stamps().read(table)
    assert pagecache.stamps().read(table) != during


@pytest.mark.parametrize("path", ["/", "/coverage/", "/teams/", "/stations/map/", "/honours/"])
def test_public_pages_are_served_from_the_cache(plan, path, django_assert_num_queries):  # noqa: F811
    visitor = Client()
    assert visitor.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert visitor.get(path).status_code == 200


def test_the_cached_sign_in_page_still_signs_a_visitor_in(plan):  # noqa: F811
    from zhiyuan.testing.factories import PASSWORD

    Client().get("/accounts/login/")  # fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/accounts/login/").content.decode()
    token = TOKEN.search(page).group(1)

    signed_in = visitor.post(
        "/accounts/login/",
        {"username": "carol", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert signed_in.status_code == 302
    assert visitor.get("/volunteers/me/").status_code == 200


def test_a_stamp_that_cannot_be_renewed_stops_serving_cached_pages(plan, monkeypatch):  # noqa: F811
    Client().get("/projects/")

    def unwritable(self, table):
        raise PermissionError(table)

    monkeypatch.setattr(pagecache.FileStamps, "bump", unwritable)
    monkeypatch.setattr(pagecache, "_serving", True)
    Project.objects.filter(pk=plan.project.pk).update(name="周末文明引导")

    assert "周末文明引导" in Client().get("/projects/").content.decode()


def test_public_api_reads_come_from_the_cache_and_show_a_write_at_once(
    plan,  # noqa: F811
    django_assert_num_queries,
):
    Client().get("/api/v1/projects")
    with django_assert_num_queries(0):
        assert [p["name"] for p in Client().get("/api/v1/projects").json()] == ["文明礼让日"]

    Project.objects.filter(pk=plan.project.pk).update(name="周末文明引导")

    assert [p["name"] for p in Client().get("/api/v1/projects").json()] == ["周末文明引导"]


def test_a_connection_opened_while_a_page_renders_keeps_watching_writes():
    """A worker's first connection may open inside a page render (under the page's read
    watch); leaving that watch must not take the connection's write watch with it, or the
    worker would stop renewing stamps and serve stale pages."""
    from django.db import connection

    wrappers = connection.execute_wrappers
    saved = list(wrappers)
    wrappers.clear()
    try:
        with connection.execute_wrapper(pagecache._ReadWatch()):
            pagecache.install_write_watch(connection=connection)  # connection_created
        assert wrappers == [pagecache.watch_writes]
    finally:
        wrappers[:] = saved
