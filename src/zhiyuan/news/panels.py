"""The "in the news" section on volunteer, team, project and station pages."""

from __future__ import annotations

from django.template.loader import render_to_string

from zhiyuan.news import selectors


def in_the_news(request, obj) -> str:
    articles = selectors.linked_to(obj)
    if not articles:
        return ""
    return render_to_string("news/_panel.html", {"articles": articles}, request=request)
