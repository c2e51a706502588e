"""News over the corps: covers stored in a temporary MEDIA_ROOT, images made with Pillow."""

import io

import pytest
from PIL import Image

from zhiyuan.news.models import Article, Column
from zhiyuan.teams.tests.conftest import corps  # noqa: F401 - the corps fixture


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 40, 40), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name="cover.png", content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def news(corps):  # noqa: F811 - the imported fixture
    c = corps
    c.lei_feng = Column.objects.get(code="lei_feng")
    c.stories = Column.objects.get(code="volunteer_stories")
    return c


def make_article(c, *, title="社区助老", state="draft", region=None, team=None, **extra):
    from django.utils import timezone

    article = Article.objects.create(
        column=extra.pop("column", c.lei_feng),
        title=title,
        body="<p>正文</p>",
        region=region or c.district,
        team=team,
        author=c.alice,
        state=state,
        published_at=timezone.now() if state != "draft" else None,
        **extra,
    )
    return article
