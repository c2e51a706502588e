"""Article bodies keep their formatting and lose every script, whichever way it is smuggled in."""

import pytest

from zhiyuan.news.models import Article
from zhiyuan.news.sanitise import sanitise

PAYLOADS = [
    '<script>alert("x")</script><p>正文</p>',
    '<p>正文</p><img src="x" onerror="alert(1)">',
    '<p>正文</p><a href="javascript:alert(1)">点我</a>',
    '<p>正文</p><a href="JaVaScRiPt:alert(1)">点我</a>',
    '<p>正文</p><a href=" &#106;avascript:alert(1)">点我</a>',
    '<p style="width: expression(alert(1))">正文</p>',
    '<p>正文</p><iframe src="https://evil.example/"></iframe>',
    '<p>正文</p><svg onload="alert(1)"><circle/></svg>',
    '<p>正文</p><object data="x.swf"></object><embed src="x.swf">',
    '<p onclick="alert(1)">正文</p><body onload=alert(1)>',
    '<p>正文</p><img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<p>正文</p><style>body{background:url("javascript:alert(1)")}</style>',
    '<p>正文</p><math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<p>正文</p><!--<script>alert(1)</script>-->",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_script_survives(payload):
    clean = sanitise(payload).lower()
    assert "正文" in clean
    for bad in (
        "<script",
        "onerror",
        "onload",
        "onclick",
        "javascript:",
        "expression(",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "style=",
        "<style",
        "data:",
        "<!--",
    ):
        assert bad not in clean, (payload, clean)


def test_formatting_and_safe_links_are_kept():
    body = (
        "<h2>标题</h2><p><strong>粗</strong> <em>斜</em></p><ul><li>一</li></ul>"
        '<a href="https://www.wenming.cn/a.html">文明网</a><img src="/news/1/cover/" alt="图">'
    )
    clean = sanitise(body)
    for kept in (
        "<h2>",
        "<strong>",
        "<em>",
        "<ul><li>",
        'href="https://www.wenming.cn/a.html"',
        'rel="noopener noreferrer nofollow"',
        'src="/news/1/cover/"',
    ):
        assert kept in clean


def test_plain_text_becomes_paragraphs_and_is_escaped():
    assert sanitise("第一段\n第二行\n\n第二段 1<2") == "<p>第一段<br>第二行</p><p>第二段 1&lt;2</p>"


def test_api_stores_the_sanitised_body_and_refuses_an_empty_one(news, client_for):
    client = client_for(news.alice)
    response = client.post(
        "/api/v1/news/articles",
        {
            "column": "lei_feng",
            "title": "XSS",
            "body": "<p>好人好事</p><script>alert(1)</script>"
            '<img src=x onerror=alert(1)><a href="javascript:alert(2)">x</a>',
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    article = Article.objects.get(pk=response.json()["id"])
    assert "<script" not in article.body and "onerror" not in article.body
    assert "javascript:" not in article.body and "好人好事" in article.body

    response = client.post(
        "/api/v1/news/articles",
        {"column": "lei_feng", "title": "只有脚本", "body": "<script>alert(1)</script>"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert not Article.objects.filter(title="只有脚本").exists()


def test_article_page_renders_no_script_from_the_body(news, client):
    from zhiyuan.news import services

    article = services.create_article(
        actor=news.alice,
        column=news.lei_feng,
        title="页面",
        body='<p>ok</p><script>alert(1)</script><p onmouseover="alert(1)">hover</p>',
    )
    services.publish_article(actor=news.alice, article=article)
    html = client.get(f"/news/{article.pk}/").content.decode()
    body = html.split('class="news-body">', 1)[1].split("</div>", 1)[0]
    assert "alert" not in body and "<p>hover</p>" in body
