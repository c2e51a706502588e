"""Reprints by outside sites: recorded by admins, checked, counted per article and in statistics."""

import datetime as dt

from django.utils import timezone

from zhiyuan.news import statistics
from zhiyuan.news.models import Reprint
from zhiyuan.testing.factories import make_article


def record(client, article, **data):
    payload = {
        "site_name": "中国文明网",
        "url": "https://www.wenming.cn/a/1.html",
        "reprinted_on": timezone.localdate().isoformat(),
        **data,
    }
    return client.post(
        f"/api/v1/news/articles/{article.pk}/reprints", payload, content_type="application/json"
    )


def test_reprints_are_recorded_and_counted(news, client_for, client):
    article = make_article(news, state="published")
    alice = client_for(news.alice)
    assert record(alice, article).status_code == 201
    assert (
        record(alice, article, site_name="北方网", url="http://www.enorth.com.cn/x").status_code
        == 201
    )
    listed = client.get("/api/v1/news/articles").json()
    assert listed[0]["reprint_count"] == 2
    assert len(client.get(f"/api/v1/news/articles/{article.pk}/reprints").json()) == 2
    page = client.get(f"/news/{article.pk}/").content.decode()
    assert 'id="reprints"' in page and "北方网" in page


def test_bad_reprints_are_refused_with_the_field(news, client_for):
    article = make_article(news, state="published")
    alice = client_for(news.alice)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    before = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    cases = [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"site_name": " "}, "site_name"),
        ({"reprinted_on": tomorrow}, "reprinted_on"),
        ({"reprinted_on": before}, "reprinted_on"),
        ({"reprinted_on": "2025-02-30"}, "reprinted_on"),
    ]
    for data, field in cases:
        response = record(alice, article, **data)
        assert response.status_code == 400, (data, response.content)
        assert field in response.json()["errors"], (data, response.json())
    assert not Reprint.objects.exists()


def test_a_duplicate_reprint_is_a_conflict(news, client_for):
    article = make_article(news, state="published")
    alice = client_for(news.alice)
    assert record(alice, article).status_code == 201
    response = record(alice, article)
    assert response.status_code == 409 and response.json()["code"] == "duplicate_reprint"
    assert Reprint.objects.count() == 1


def test_a_draft_cannot_have_reprints(news, client_for):
    article = make_article(news)
    assert record(client_for(news.alice), article).status_code == 409


def test_only_office_admins_of_the_region_record_reprints(news, client_for):
    article = make_article(news, state="published", region=news.sub_b)
    assert record(client_for(news.bob), article).status_code == 403
    assert record(client_for(news.carol_user), article).status_code == 403
    assert not Reprint.objects.exists()


def test_reprint_form_on_the_edit_page(news, client_for):
    article = make_article(news, state="published")
    alice = client_for(news.alice)
    act = f"/news/manage/{article.pk}/act/"
    bad = alice.post(
        act,
        {
            "action": "reprint",
            "site_name": "x",
            "url": "javascript:1",
            "reprinted_on": timezone.localdate().isoformat(),
        },
    )
    assert bad.status_code == 400 and "url" in bad.context["reprint_form"].errors
    ok = alice.post(
        act,
        {
            "action": "reprint",
            "site_name": "北方网",
            "url": "https://enorth.com.cn/1",
            "reprinted_on": timezone.localdate().isoformat(),
        },
    )
    assert ok.status_code == 302
    reprint = Reprint.objects.get()
    alice.post(act, {"action": "delete_reprint", "reprint": reprint.pk})
    assert not Reprint.objects.exists()


def test_statistics_count_articles_by_column_and_reprints(news):
    today = timezone.localdate()
    a = make_article(news, state="published", region=news.sub_a)
    b = make_article(news, state="published", column=news.stories, region=news.sub_b)
    make_article(news, state="published", region=news.district)
    make_article(news)  # a draft
    make_article(news, state="unpublished")
    for article, site, url in [
        (a, "中国文明网", "https://a/1"),
        (a, "北方网", "https://a/2"),
        (b, "中国文明网", "https://b/1"),
    ]:
        Reprint.objects.create(
            article=article, site_name=site, url=url, reprinted_on=today, recorded_by=news.alice
        )
    start, end = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    assert statistics.figures(start, end) == {
        "articles_published": 3,
        "articles_by_column": {"lei_feng": 2, "volunteer_stories": 1},
        "reprints": 3,
        "reprint_sites": 2,
    }
    assert statistics.figures(start, end, news.sub_a) == {
        "articles_published": 1,
        "articles_by_column": {"lei_feng": 1},
        "reprints": 2,
        "reprint_sites": 2,
    }
    assert statistics.figures(end, end + dt.timedelta(days=30))["articles_published"] == 0
