"""Permission-checked getters for articles and reprints."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.news.models import Article, Column, Reprint
from zhiyuan.teams.access import may_manage as may_manage_team


def may_publish(user, article: Article) -> bool:
    """Office admins over the article's region edit, publish and withdraw it."""
    return scopes.administers_region(user, article.region)


def may_edit(user, article: Article) -> bool:
    if may_publish(user, article):
        return True
    return (
        article.team_id is not None
        and article.state != Article.State.PUBLISHED
        and may_manage_team(user, article.team)
    )


def may_write_any(user) -> bool:
    """May the user write articles at all (the manage pages' door)?"""
    return scopes.is_district_admin(user) or bool(scopes.team_paths(user))


def check_may_write(user) -> None:
    if not may_write_any(user):
        raise PermissionDenied(_("Only office and team admins write news."))


def article_for(user, article_id, *, edit: bool = False, publish: bool = False) -> Article:
    """Published articles are public; drafts and withdrawn ones only for their editors."""
    try:
        article = Article.objects.select_related(
            "column", "region", "team", "team__region", "author"
        ).get(pk=int(article_id))
    except (Article.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such article.")) from None
    editor = may_edit(user, article)
    if not article.is_published and not editor and not may_publish(user, article):
        raise NotFound(_("No such article."))
    if edit and not editor:
        raise PermissionDenied(_("You may not edit this article."))
    if publish and not may_publish(user, article):
        raise PermissionDenied(_("Only office admins of the article's region may do this."))
    return article


def reprint_for(user, reprint_id) -> Reprint:
    try:
        reprint = Reprint.objects.select_related("article", "article__region").get(
            pk=int(reprint_id)
        )
    except (Reprint.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such reprint.")) from None
    if not may_publish(user, reprint.article):
        raise NotFound(_("No such reprint."))
    return reprint


def column_by_code(code: str) -> Column:
    column = Column.objects.filter(code=code).first()
    if column is None:
        raise NotFound(_("No such column."))
    return column
