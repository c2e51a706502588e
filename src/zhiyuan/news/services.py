"""Use cases that write news: draft, edit, cover, publish and withdraw articles; reprints; columns.

Who writes: district and subdistrict office admins write, edit and publish the articles
of their region (and the regions below it). Team admins write their own team's stories
as drafts (the article's region is the team's) and may edit them until they are
published; an office admin over the team's region reviews and publishes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.core.images import check_image
from zhiyuan.news.access import may_edit, may_publish
from zhiyuan.news.models import Article, Column, Reprint
from zhiyuan.news.sanitise import has_text, sanitise
from zhiyuan.places.models import Region
from zhiyuan.places.selectors import administered_regions
from zhiyuan.projects.models import Project
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.models import Volunteer

LINK_FIELDS = ("projects", "teams", "volunteers", "stations")


def writer_regions(user):
    """Regions whose articles the user may own as an office admin, broadest first."""
    return administered_regions(user)


# Articles -------------------------------------------------------------------------------


def _text_errors(*, column, title, summary, body, kept_column_id=None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if column is None:
        errors["column"] = [gettext("Choose a column.")]
    elif not column.is_active and column.pk != kept_column_id:
        # An article may stay in a column that closed after it was written.
        errors["column"] = [gettext("This column no longer takes new articles.")]
    if not (title or "").strip():
        errors["title"] = [gettext("The title is required.")]
    elif len(title.strip()) > 200:
        errors["title"] = [gettext("The title is longer than 200 characters.")]
    if len((summary or "").strip()) > 300:
        errors["summary"] = [gettext("The summary is longer than 300 characters.")]
    if not has_text(body):
        errors["body"] = [
            gettext("The article has no text (scripts and unsafe markup are removed).")
        ]
    return errors


def _link_errors(links: dict[str, list]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for project in links.get("projects", []):
        if project.state == Project.State.DRAFT:
            errors["projects"] = [
                gettext("%(name)s is not published yet.") % {"name": project.name}
            ]
    for team in links.get("teams", []):
        if team.status != Team.Status.ACTIVE:
            errors["teams"] = [gettext("%(name)s is dissolved.") % {"name": team.name}]
    for volunteer in links.get("volunteers", []):
        if volunteer.status != Volunteer.Status.ACTIVE:
            errors["volunteers"] = [
                gettext("Volunteer %(no)s is not active.") % {"no": volunteer.volunteer_no}
            ]
    return errors


def _set_links(article: Article, links: dict[str, list]) -> None:
    for name in LINK_FIELDS:
        if name in links:
            getattr(article, name).set(list(links[name]))


def create_article(
    *,
    actor: User,
    column: Column | None,
    title: str,
    body: str,
    summary: str = "",
    region: Region | None = None,
    team: Team | None = None,
    cover=None,
    projects: Iterable[Project] = (),
    teams: Iterable[Team] = (),
    volunteers: Iterable[Volunteer] = (),
    stations: Iterable[Station] = (),
) -> Article:
    """A new draft. With `team`, a team admin's story (its region is the team's)."""
    if team is not None:
        if not may_manage_team(actor, team):
            raise PermissionDenied(_("Only admins of this team may write its stories."))
        region = team.region
    else:
        if region is None:
            region = writer_regions(actor).first()
        if region is None or not scopes.administers_region(actor, region):
            raise PermissionDenied(_("Only office admins of this region may write its articles."))
    body = sanitise(body)
    links: dict[str, list] = {
        "projects": list(projects),
        "teams": list(teams),
        "volunteers": list(volunteers),
        "stations": list(stations),
    }
    errors = _text_errors(column=column, title=title, summary=summary, body=body)
    errors.update(_link_errors(links))
    checked = None
    if cover:
        try:
            checked = check_image(cover, field="cover")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        article = Article.objects.create(
            column=column,
            title=title.strip(),
            summary=(summary or "").strip(),
            body=body,
            region=region,
            team=team,
            author=actor,
        )
        _set_links(article, links)
        if checked is not None:
            _store_cover(article, checked)
    return article


def update_article(*, actor: User, article: Article, **changes) -> Article:
    """Change the text, column or links; keys: column, title, summary, body and LINK_FIELDS."""
    if not may_edit(actor, article):
        raise PermissionDenied(_("You may not edit this article."))
    unknown = set(changes) - {"column", "title", "summary", "body", *LINK_FIELDS}
    if unknown:
        raise ValueError(f"unknown article fields: {sorted(unknown)}")
    if "body" in changes:
        changes["body"] = sanitise(changes["body"])
    errors = _text_errors(
        column=changes.get("column", article.column),
        kept_column_id=article.column_id,
        title=changes.get("title", article.title),
        summary=changes.get("summary", article.summary),
        body=changes.get("body", article.body),
    )
    links = {name: list(changes.pop(name)) for name in LINK_FIELDS if name in changes}
    errors.update(_link_errors(links))
    if errors:
        raise ValidationFailed(errors)
    fields: list[str] = []
    for name in ("column", "title", "summary"):
        if name in changes:
            value = changes[name].strip() if isinstance(changes[name], str) else changes[name]
            setattr(article, name, value)
            fields.append(name)
    if "body" in changes:
        article.body = changes["body"]
        fields.append("body")
    with transaction.atomic():
        if fields:
            article.save(update_fields=[*fields, "updated_at"])
        _set_links(article, links)
    return article


def _store_cover(article: Article, checked) -> None:
    old = article.cover.name if article.cover else ""
    article.cover.save(checked.content.name, checked.content, save=False)
    article.cover_width = checked.width
    article.cover_height = checked.height
    article.cover_type = checked.content_type
    article.save(update_fields=["cover", "cover_width", "cover_height", "cover_type", "updated_at"])
    if old:
        # The new cover is committed with the row; the old file is dropped after it.
        storage = article.cover.storage
        transaction.on_commit(lambda: storage.delete(old))


def set_cover(*, actor: User, article: Article, upload) -> Article:
    """Replace the cover with a checked, re-encoded image."""
    if not may_edit(actor, article):
        raise PermissionDenied(_("You may not edit this article."))
    checked = check_image(upload, field="cover")
    with transaction.atomic():
        _store_cover(article, checked)
    return article


def remove_cover(*, actor: User, article: Article) -> Article:
    if not may_edit(actor, article):
        raise PermissionDenied(_("You may not edit this article."))
    if not article.cover:
        return article
    old, storage = article.cover.name or "", article.cover.storage
    article.cover = ""
    article.cover_width = article.cover_height = None
    article.cover_type = ""
    with transaction.atomic():
        article.save(
            update_fields=["cover", "cover_width", "cover_height", "cover_type", "updated_at"]
        )
        transaction.on_commit(lambda: storage.delete(old))
    return article


def publish_article(*, actor: User, article: Article) -> Article:
    """Draft or withdrawn → published; the first publication date is kept on republishing."""
    if not may_publish(actor, article):
        raise PermissionDenied(_("Only office admins of the article's region may publish it."))
    if article.state == Article.State.PUBLISHED:
        raise Conflict(_("The article is already published."))
    article.state = Article.State.PUBLISHED
    if article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["state", "published_at", "updated_at"])
    return article


def unpublish_article(*, actor: User, article: Article) -> Article:
    """Published → withdrawn: off the public site, its reprints stay recorded."""
    if not may_publish(actor, article):
        raise PermissionDenied(_("Only office admins of the article's region may withdraw it."))
    if article.state != Article.State.PUBLISHED:
        raise Conflict(_("Only a published article can be withdrawn."))
    article.state = Article.State.UNPUBLISHED
    article.save(update_fields=["state", "updated_at"])
    return article


# Reprints -------------------------------------------------------------------------------


def record_reprint(
    *, actor: User, article: Article, site_name: str, url: str, reprinted_on: dt.date | None
) -> Reprint:
    """An outside site reprinted a published article (once per address)."""
    if not may_publish(actor, article):
        raise PermissionDenied(_("Only office admins of the article's region record reprints."))
    if article.published_at is None:
        raise Conflict(_("Only a published article can be reprinted."), code="not_published")
    errors: dict[str, list[str]] = {}
    site_name = (site_name or "").strip()
    url = (url or "").strip()
    if not site_name:
        errors["site_name"] = [gettext("Name the site that reprinted the article.")]
    elif len(site_name) > 100:
        errors["site_name"] = [gettext("The site name is longer than 100 characters.")]
    try:
        URLValidator(schemes=["http", "https"])(url)
        if len(url) > 500:
            raise DjangoValidationError("too long")
    except DjangoValidationError:
        errors["url"] = [gettext("Give the full http:// or https:// address of the reprint.")]
    published_on = timezone.localdate(article.published_at)
    if reprinted_on is None:
        errors["reprinted_on"] = [gettext("Give the date of the reprint.")]
    elif reprinted_on > timezone.localdate():
        errors["reprinted_on"] = [gettext("The date is in the future.")]
    elif reprinted_on < published_on:
        errors["reprinted_on"] = [
            gettext("The article was published on %(date)s: a reprint cannot be earlier.")
            % {"date": published_on.isoformat()}
        ]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            return Reprint.objects.create(
                article=article,
                site_name=site_name,
                url=url,
                reprinted_on=reprinted_on,
                recorded_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            _("This reprint is already recorded."), field="url", code="duplicate_reprint"
        ) from None


def delete_reprint(*, actor: User, reprint: Reprint) -> None:
    if not may_publish(actor, reprint.article):
        raise PermissionDenied(_("Only office admins of the article's region record reprints."))
    reprint.delete()


# Columns --------------------------------------------------------------------------------


def create_column(*, actor: User, code: str, name: str, description: str = "") -> Column:
    """A new column; district-wide, so only admins of a whole district may add one."""
    if not Region.objects.filter(parent=None).exists() or not any(
        scopes.administers_region(actor, region) for region in Region.objects.filter(parent=None)
    ):
        raise PermissionDenied(_("Only district office admins may add columns."))
    errors: dict[str, list[str]] = {}
    code, name = (code or "").strip(), (name or "").strip()
    try:
        validate_slug(code)
    except DjangoValidationError:
        errors["code"] = [gettext("Use letters, digits, hyphens and underscores only.")]
    if not name:
        errors["name"] = [gettext("The name is required.")]
    if errors:
        raise ValidationFailed(errors)
    if Column.objects.filter(code=code).exists():
        raise Conflict(_("A column has this code already."), field="code")
    if Column.objects.filter(name=name).exists():
        raise Conflict(_("A column has this name already."), field="name")
    last = Column.objects.order_by("-sort_order").values_list("sort_order", flat=True).first()
    return Column.objects.create(
        code=code, name=name, description=description.strip()[:200], sort_order=(last or 0) + 1
    )
