"""Writing and publishing: who may, the draft → published → withdrawn workflow, the pages."""

import pytest

from zhiyuan.news import services
from zhiyuan.news.models import Article
from zhiyuan.testing.factories import image_bytes, make_article, upload


def create(client, **data):
    payload = {"column": "lei_feng", "title": "学雷锋", "body": "<p>正文</p>", **data}
    return client.post("/api/v1/news/articles", payload, content_type="application/json")


def test_office_admin_writes_publishes_and_withdraws(news, client_for, client):
    alice = client_for(news.alice)
    response = create(alice, team_ids=[news.squad_1a.pk], volunteer_nos=[news.carol.volunteer_no])
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]
    assert response.json()["state"] == "draft"
    assert client.get(f"/news/{article_id}/").status_code == 404
    assert client.get(f"/api/v1/news/articles/{article_id}").status_code == 404

    published = alice.post(f"/api/v1/news/articles/{article_id}/publish").json()
    assert published["state"] == "published" and published["published_at"]
    assert client.get(f"/news/{article_id}/").status_code == 200
    assert [a["id"] for a in client.get("/api/v1/news/articles").json()] == [article_id]

    assert alice.post(f"/api/v1/news/articles/{article_id}/publish").status_code == 409
    assert alice.post(f"/api/v1/news/articles/{article_id}/unpublish").json()["state"] == (
        "unpublished"
    )
    assert client.get(f"/news/{article_id}/").status_code == 404
    republished = alice.post(f"/api/v1/news/articles/{article_id}/publish").json()
    assert republished["published_at"] == published["published_at"]


def test_subdistrict_admin_cannot_touch_district_articles(news, client_for):
    article = make_article(news, region=news.district)
    bob = client_for(news.bob)
    assert bob.post(f"/api/v1/news/articles/{article.pk}/publish").status_code == 404
    assert create(bob, region_id=news.district.pk).status_code == 403
    response = create(bob, region_id=news.sub_a.pk)
    assert response.status_code == 201 and response.json()["region_id"] == news.sub_a.pk


def test_bob_cannot_publish_an_article_of_the_other_subdistrict(news, client_for):
    article = make_article(news, region=news.sub_b, state="published")
    bob = client_for(news.bob)
    assert bob.post(f"/api/v1/news/articles/{article.pk}/unpublish").status_code == 403
    article.refresh_from_db()
    assert article.state == "published"


def test_team_admin_writes_a_draft_that_an_office_admin_publishes(news, client_for):
    carol = client_for(news.carol_user)  # admin of squad_1a
    response = create(carol, team_id=news.squad_1a.pk, title="分队故事")
    assert response.status_code == 201, response.content
    article_id = response.json()["id"]
    assert response.json()["region_id"] == news.a1.pk

    assert carol.post(f"/api/v1/news/articles/{article_id}/publish").status_code == 403
    assert (
        carol.patch(
            f"/api/v1/news/articles/{article_id}",
            {"title": "改过"},
            content_type="application/json",
        ).json()["title"]
        == "改过"
    )
    # bob administers subdistrict A, which holds squad_1a's community.
    assert (
        client_for(news.bob).post(f"/api/v1/news/articles/{article_id}/publish").status_code == 200
    )
    response = carol.patch(
        f"/api/v1/news/articles/{article_id}", {"title": "再改"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=article_id).title == "改过"


def test_team_admin_cannot_write_for_a_sibling_team(news, client_for):
    response = create(client_for(news.carol_user), team_id=news.squad_1b.pk)
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_volunteer_and_anonymous_cannot_write(news, client_for, client):
    assert create(client_for(news.erin)).status_code == 403
    assert create(client).status_code == 401
    assert client_for(news.erin).get("/news/manage/").status_code == 403


def test_bad_links_and_column_are_refused_with_the_field(news, client_for):
    alice = client_for(news.alice)
    news.dave.status = "suspended"
    news.dave.save(update_fields=["status"])
    cases = [
        ({"column": "nope"}, "column"),
        ({"title": "  "}, "title"),
        ({"team_ids": [999999]}, "team_ids"),
        ({"volunteer_nos": ["ZY-NOPE"]}, "volunteer_nos"),
        ({"volunteer_nos": [news.dave.volunteer_no]}, "volunteers"),
        ({"summary": "长" * 301}, "summary"),
    ]
    for data, field in cases:
        response = create(alice, **data)
        assert response.status_code == 400, (data, response.content)
        assert field in response.json()["errors"], (data, response.json())
    assert not Article.objects.exists()


def test_a_draft_project_cannot_be_linked(news, client_for):
    from zhiyuan.projects.models import Category, Project

    draft = Project.objects.create(
        name="未公开项目",
        category=Category.objects.first(),
        organiser=news.squad_1a,
        starts_on="2025-01-01",
        ends_on="2025-12-31",
    )
    response = create(client_for(news.alice), project_ids=[draft.pk])
    assert response.status_code == 400 and "projects" in response.json()["errors"]


def test_public_list_by_column_and_search(news, client):
    make_article(news, title="助老服务", state="published")
    make_article(news, title="五星志愿者", state="published", column=news.stories)
    make_article(news, title="草稿不见", state="draft")
    make_article(news, title="撤下不见", state="unpublished")
    html = client.get("/news/").content.decode()
    assert "助老服务" in html and "五星志愿者" in html
    assert "草稿不见" not in html and "撤下不见" not in html
    column = client.get("/news/column/volunteer_stories/").content.decode()
    assert "五星志愿者" in column and "助老服务" not in column
    assert client.get("/news/column/nope/").status_code == 404
    found = client.get("/api/v1/news/articles", {"q": "助老"}).json()
    assert [a["title"] for a in found] == ["助老服务"]


def test_admin_writes_and_publishes_through_the_pages(news, client_for, client):
    alice = client_for(news.alice)
    assert alice.get("/news/manage/new/").status_code == 200
    response = alice.post(
        "/news/manage/new/",
        {
            "owner": f"region:{news.district.pk}",
            "column": news.lei_feng.pk,
            "title": "页面写的文章",
            "summary": "摘要",
            "body": "第一段\n\n第二段",
            "teams": [news.squad_1a.pk],
            "volunteer_numbers": news.carol.volunteer_no,
            "cover": upload(image_bytes("JPEG"), "c.jpg", "image/jpeg"),
        },
    )
    article = Article.objects.get(title="页面写的文章")
    assert response.status_code == 302 and response["Location"] == f"/news/manage/{article.pk}/"
    assert article.cover and article.body == "<p>第一段</p><p>第二段</p>"
    assert list(article.volunteers.all()) == [news.carol]
    alice.post(f"/news/manage/{article.pk}/act/", {"action": "publish"})
    article.refresh_from_db()
    assert article.state == "published"
    page = client.get(f"/news/{article.pk}/").content.decode()
    assert article.cover_url in page and news.squad_1a.name in page


def test_page_refuses_a_text_file_as_cover_and_saves_nothing(news, client_for):
    response = client_for(news.alice).post(
        "/news/manage/new/",
        {
            "owner": f"region:{news.district.pk}",
            "column": news.lei_feng.pk,
            "title": "坏封面",
            "body": "正文",
            "cover": upload(b"just text", "evil.png"),
        },
    )
    assert response.status_code == 200
    assert "cover" in response.context["form"].errors
    assert not Article.objects.exists()


def test_team_admin_page_offers_only_their_teams(news, client_for):
    response = client_for(news.carol_user).get("/news/manage/new/")
    owners = [value for value, _label in response.context["form"].fields["owner"].choices]
    assert owners == [f"team:{news.squad_1a.pk}", f"team:{news.group_1a.pk}"]


def test_manage_list_is_scoped(news, client_for):
    make_article(news, title="区里的", region=news.district)
    make_article(news, title="南营门的", region=news.sub_b)
    make_article(news, title="新兴的", region=news.sub_a)
    titles = {a["title"] for a in client_for(news.bob).get("/api/v1/news/manage/articles").json()}
    assert titles == {"新兴的"}


@pytest.mark.parametrize("path", ["/news/manage/", "/news/manage/new/"])
def test_manage_pages_need_sign_in(client, path):
    assert client.get(path).status_code == 302


def test_new_column_only_for_district_admins(news, client_for):
    payload = {"code": "civility", "name": "文明实践"}
    assert (
        client_for(news.bob)
        .post("/api/v1/news/columns", payload, content_type="application/json")
        .status_code
        == 403
    )
    alice = client_for(news.alice)
    assert (
        alice.post("/api/v1/news/columns", payload, content_type="application/json").status_code
        == 201
    )
    again = alice.post("/api/v1/news/columns", payload, content_type="application/json")
    assert again.status_code == 409
    bad = alice.post(
        "/api/v1/news/columns", {"code": "有 空格", "name": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "code" in bad.json()["errors"]


def test_services_refuse_editing_by_outsiders(news):
    article = make_article(news)
    with pytest.raises(services.PermissionDenied):
        services.update_article(actor=news.erin, article=article, title="x")
