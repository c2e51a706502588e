"""Publicity figures for the reports: articles published by column, reprints and reprinting sites."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from zhiyuan.accounts import scopes
from zhiyuan.news.models import Article, Reprint

if TYPE_CHECKING:
    from zhiyuan.places.models import Region


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def figures(start: dt.date, end: dt.date, region: Region | None = None) -> dict:
    """Articles published in [start, end) and still public, and reprints dated in the period.

    An article counts for the region that owns it (its office or its team's region), so a
    subdistrict's figures leave out the district office's own articles. Withdrawn articles
    do not count; their reprints do (the outside site did reprint them).
    """
    articles = Article.objects.filter(
        state=Article.State.PUBLISHED,
        published_at__gte=_moment(start),
        published_at__lt=_moment(end),
    )
    reprints = Reprint.objects.filter(reprinted_on__gte=start, reprinted_on__lt=end)
    if region is not None:
        articles = articles.filter(scopes.within("region__path", region.path))
        reprints = reprints.filter(scopes.within("article__region__path", region.path))
    by_column = {
        row["column__code"]: row["n"]
        for row in articles.order_by().values("column__code").annotate(n=Count("pk"))
    }
    totals = reprints.aggregate(
        reprints=Count("pk"), reprint_sites=Count("site_name", distinct=True)
    )
    return {
        "articles_published": sum(by_column.values()),
        "articles_by_column": by_column,
        "reprints": totals["reprints"],
        "reprint_sites": totals["reprint_sites"],
    }
