"""Article bodies: an allow-list of tags and attributes (nh3), so no script survives.

No style or class attributes (the Content-Security-Policy blocks inline styles anyway,
and CSS expressions are a script vector in old browsers), no event handlers, no iframes
or embeds, and links only to http(s), mailto or the site itself.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with everything inside them (a plain allow-list would keep their text).
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}

_TAG = re.compile(r"<[a-zA-Z/!]")


def sanitise(body: str) -> str:
    """Safe HTML for an article body; plain text becomes paragraphs."""
    body = (body or "").strip()
    if body and not _TAG.search(body):
        body = paragraphs(body)
    return nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def paragraphs(text: str) -> str:
    """Plain text → <p> per blank-line-separated block, <br> for single line breaks."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
    )


def has_text(body: str) -> bool:
    """True if the sanitised body shows something (text or an image)."""
    if "<img" in body:
        return True
    return bool(re.sub(r"<[^>]+>|&nbsp;|\s", "", body))
