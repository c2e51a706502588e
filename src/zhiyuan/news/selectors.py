"""Queries that read news: the public lists, an admin's articles in scope, stories linked to a page."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from zhiyuan.accounts import scopes
from zhiyuan.news.models import Article, Column, Reprint


def reprint_count():
    """A correlated count, so a list of articles stays one query without GROUP BY."""
    counts = (
        Reprint.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def columns(*, active_only: bool = False) -> QuerySet[Column]:
    qs = Column.objects.all()
    return qs.filter(is_active=True) if active_only else qs


@dataclass(frozen=True)
class ArticleFilter:
    column: str = ""
    q: str = ""
    state: str = ""


def _filtered(qs: QuerySet[Article], filters: ArticleFilter) -> QuerySet[Article]:
    if filters.column:
        qs = qs.filter(column__code=filters.column)
    text = filters.q.strip()
    if text:
        qs = qs.filter(Q(title__contains=text) | Q(summary__contains=text))
    return qs


def published_articles(filters: ArticleFilter | None = None) -> QuerySet[Article]:
    """Public articles, newest first, with their column and reprint count."""
    qs = Article.objects.filter(state=Article.State.PUBLISHED).select_related("column")
    return (
        _filtered(qs, filters or ArticleFilter())
        .annotate(reprint_count=reprint_count())
        .order_by("-published_at", "-id")
    )


def latest(limit: int = 5) -> list[Article]:
    return list(published_articles()[:limit])


def managed_articles(user, filters: ArticleFilter | None = None) -> QuerySet[Article]:
    """Every article the user may edit: their regions' and their teams' (drafts too)."""
    filters = filters or ArticleFilter()
    condition = scopes.administered(user, region="region__path", team="team__path")
    qs = Article.objects.filter(condition).select_related("column", "team", "region", "author")
    if filters.state:
        qs = qs.filter(state=filters.state)
    return (
        _filtered(qs, filters)
        .annotate(reprint_count=reprint_count())
        .order_by("-updated_at", "-id")
    )


def linked_to(obj, *, limit: int = 5) -> list[Article]:
    """Published stories that link to a volunteer, team, project or station."""
    relation = {
        "volunteers.volunteer": "volunteers",
        "teams.team": "teams",
        "projects.project": "projects",
        "stations.station": "stations",
    }[obj._meta.label_lower]
    return list(published_articles().filter(**{relation: obj})[:limit])


def reprints_of(article: Article) -> QuerySet[Reprint]:
    return article.reprints.all()


def links_of(article: Article) -> dict[str, list]:
    """The article's linked projects, teams, volunteers and stations (4 queries)."""
    return {
        "projects": list(article.projects.exclude(state="draft").only("pk", "name")),
        "teams": list(article.teams.only("pk", "name")),
        "volunteers": list(article.volunteers.only("pk", "real_name", "volunteer_no")),
        "stations": list(article.stations.only("pk", "name")),
    }
