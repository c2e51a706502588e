"""News journeys in a real browser.

- an office admin writes an article with a cover image and publishes it; a visitor on a
  phone-sized screen opens the home page, sees the article with its cover among the
  latest news, and reads it.
"""

from __future__ import annotations

import importlib
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from zhiyuan.news.models import Article, Column
from zhiyuan.testing.factories import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def columns(db):
    """The data migration's columns (transactional tests flush them away)."""
    module = importlib.import_module("zhiyuan.news.migrations.0002_default_columns")
    for order, (code, name, description) in enumerate(module.DEFAULT_COLUMNS):
        Column.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "sort_order": order}
        )


def cover_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 450), (198, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_admin_publishes_an_article_and_a_visitor_reads_it_on_a_phone(
    new_page, sign_in, cast, columns, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    lei_feng = Column.objects.get(code="lei_feng")

    # alice writes the article at her desk, with a cover image.
    admin = new_page()
    # The first page of a session can take long on a loaded machine (browser start-up).
    admin.goto("/accounts/login/", timeout=60_000)
    sign_in(admin, "alice", PASSWORD)
    admin.goto("/news/manage/")
    admin.locator("#new-article").click()
    expect(admin).to_have_url(re.compile(r"/news/manage/new/$"))
    form = admin.locator("#article-form")
    form.locator("select[name=column]").select_option(str(lei_feng.pk))
    form.locator("input[name=title]").fill("学雷锋志愿服务进社区")
    form.locator("textarea[name=summary]").fill("新兴社区志愿者为居民义务理发、测血压。")
    form.locator("textarea[name=body]").fill(
        "三月五日，新兴社区志愿者为居民义务理发、测血压。\n\n居民纷纷点赞。"
    )
    form.locator("input[name=cover]").set_input_files(
        {"name": "cover.png", "mimeType": "image/png", "buffer": cover_png()}
    )
    form.locator("button[type=submit]").click()
    article = Article.objects.get(title="学雷锋志愿服务进社区")
    expect(admin).to_have_url(re.compile(rf"/news/manage/{article.pk}/$"))
    expect(admin.locator("#article-state")).to_have_attribute("data-state", "draft")
    expect(admin.locator("#current-cover")).to_be_visible()
    admin.locator("#publish").click()
    expect(admin.locator("#article-state")).to_have_attribute("data-state", "published")

    # A visitor on a phone finds it among the latest news on the home page.
    phone = new_page(phone=True)
    phone.goto("/")
    card = phone.locator("#latest-news .news-card").first
    expect(card.locator(".news-title")).to_have_text("学雷锋志愿服务进社区")
    cover = card.locator(".news-cover img")
    expect(cover).to_be_visible()
    # The cover may be lazy-loaded below the fold: bring it in and wait for the decoded image.
    cover.scroll_into_view_if_needed()
    phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=cover.element_handle()
    )
    assert cover.evaluate("img => img.naturalWidth") == 800
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # … and reads it.
    card.locator(".news-title").tap()
    expect(phone).to_have_url(re.compile(rf"/news/{article.pk}/$"))
    expect(phone.locator("main h1")).to_have_text("学雷锋志愿服务进社区")
    expect(phone.locator(".news-body p")).to_have_count(2)
    expect(phone.locator(".news-body p").first).to_contain_text("义务理发")
    assert phone.locator(".news-cover-full img").evaluate("img => img.naturalWidth") == 800
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
