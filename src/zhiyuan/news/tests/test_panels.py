"""Stories linked to a volunteer, team, project or station show on that page."""

from zhiyuan.testing.factories import make_article


def test_team_page_lists_its_published_stories(news, client):
    story = make_article(news, title="分队的好故事", state="published")
    story.teams.add(news.squad_1a)
    draft = make_article(news, title="还没发布的")
    draft.teams.add(news.squad_1a)
    html = client.get(f"/teams/{news.squad_1a.pk}/").content.decode()
    assert 'id="news-panel"' in html
    assert f"/news/{story.pk}/" in html and "还没发布的" not in html
    other = client.get(f"/teams/{news.squad_1b.pk}/").content.decode()
    assert 'id="news-panel"' not in other


def test_volunteer_sees_stories_about_them_on_their_page(news, client_for):
    story = make_article(news, title="卡洛的事迹", state="published")
    story.volunteers.add(news.carol)
    html = client_for(news.carol_user).get("/volunteers/me/").content.decode()
    assert 'id="news-panel"' in html and f"/news/{story.pk}/" in html


def test_project_page_lists_its_stories(news, client):
    from zhiyuan.projects.models import Category, Project

    project = Project.objects.create(
        name="文明礼让日",
        category=Category.objects.first(),
        organiser=news.squad_1a,
        starts_on="2025-01-01",
        ends_on="2030-12-31",
        state="published",
    )
    story = make_article(news, title="礼让日报道", state="published", column=news.stories)
    story.projects.add(project)
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/news/{story.pk}/" in html
