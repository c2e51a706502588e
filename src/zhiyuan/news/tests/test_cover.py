"""Covers are checked by content, re-encoded without metadata, and served only when visible."""

import io

import pytest
from PIL import Image

from zhiyuan.core import images
from zhiyuan.news import services
from zhiyuan.news.models import Article
from zhiyuan.testing.factories import image_bytes, make_article, upload


def post_cover(client, article, data, name="cover.png", content_type="image/png"):
    return client.post(
        f"/api/v1/news/articles/{article.pk}/cover", {"cover": upload(data, name, content_type)}
    )


def test_a_png_is_stored_reencoded_and_served(news, client_for, client):
    article = make_article(news, state="published")
    response = post_cover(client_for(news.alice), article, image_bytes("PNG", (300, 200)))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["cover_width"], body["cover_height"]) == (300, 200)
    served = client.get(body["cover_url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (300, 200)


def test_exif_metadata_is_stripped(news, client_for):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (39.0, 7.0, 12.0)}  # a GPS latitude
    data = image_bytes("JPEG", (120, 80), exif=exif.tobytes())
    assert b"PhoneMaker" in data
    article = make_article(news)
    assert (
        post_cover(client_for(news.alice), article, data, "p.jpg", "image/jpeg").status_code == 200
    )
    article.refresh_from_db()
    stored = article.cover.read()
    assert b"PhoneMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"this is not an image, just text", "cover.png"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "cover.svg"),
        (b"%PDF-1.4 fake", "cover.jpg"),
        (image_bytes("PNG")[:60], "truncated.png"),
    ],
)
def test_a_file_that_is_not_a_valid_image_is_refused(news, client_for, data, name):
    article = make_article(news)
    response = post_cover(client_for(news.alice), article, data, name)
    assert response.status_code == 400
    assert "cover" in response.json()["errors"]
    article.refresh_from_db()
    assert not article.cover


def test_a_gif_is_refused_as_the_wrong_format(news, client_for):
    article = make_article(news)
    response = post_cover(client_for(news.alice), article, image_bytes("GIF"), "a.gif", "image/gif")
    assert response.status_code == 400 and "cover" in response.json()["errors"]


def test_a_file_over_5_mb_is_refused(news, client_for, monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 10_000)
    noise = Image.effect_noise((200, 200), 100).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(out.getvalue()) > 10_000
    article = make_article(news)
    response = post_cover(client_for(news.alice), article, out.getvalue())
    assert response.status_code == 400 and "cover" in response.json()["errors"]


def test_too_many_pixels_is_refused_before_decoding(news, client_for):
    # 9000 x 9000 of one colour compresses to a tiny PNG: a decompression bomb.
    data = image_bytes("PNG", (9000, 9000), (0, 0, 0))
    assert len(data) < images.MAX_BYTES
    article = make_article(news)
    response = post_cover(client_for(news.alice), article, data)
    assert response.status_code == 400 and "cover" in response.json()["errors"]


def test_large_images_are_scaled_down(news):
    article = make_article(news)
    services.set_cover(
        actor=news.alice, article=article, upload=upload(image_bytes("WEBP", (4000, 1000)))
    )
    assert (article.cover_width, article.cover_height) == (1920, 480)
    assert article.cover_type == "image/webp"


def test_draft_cover_is_not_public(news, client, client_for):
    article = make_article(news)
    services.set_cover(actor=news.alice, article=article, upload=upload(image_bytes()))
    assert client.get(article.cover_url).status_code == 404
    assert client_for(news.alice).get(article.cover_url).status_code == 200


def test_replacing_a_cover_deletes_the_old_file(news, django_capture_on_commit_callbacks):
    article = make_article(news)
    services.set_cover(actor=news.alice, article=article, upload=upload(image_bytes()))
    old = article.cover.name
    with django_capture_on_commit_callbacks(execute=True):
        services.set_cover(actor=news.alice, article=article, upload=upload(image_bytes()))
    assert article.cover.name != old
    assert not article.cover.storage.exists(old)
    assert Article.objects.get(pk=article.pk).cover.name == article.cover.name


def test_outsider_cannot_upload_a_cover(news, client_for):
    article = make_article(news)
    response = post_cover(client_for(news.erin), article, image_bytes())
    assert response.status_code == 404
