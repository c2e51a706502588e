"""Publicity: columns, articles (sanitised rich text, a checked cover image) and their reprints."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class CoverStorage(FileSystemStorage):
    """Covers under MEDIA_ROOT, or <data dir>/media while MEDIA_ROOT is not set.

    Covers are served by news.views.cover (published articles only), so no web server
    rule for MEDIA_URL is needed. Read lazily so tests can point MEDIA_ROOT elsewhere.
    """

    @cached_property
    def base_location(self):
        return str(settings.MEDIA_ROOT or (settings.DATA_DIR / "media"))


cover_storage = CoverStorage()


class Column(models.Model):
    """A column (栏目) such as 学雷锋在行动; admins add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("open for new articles"), default=True)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Withdrawn")

    column = models.ForeignKey(
        Column, verbose_name=_("column"), on_delete=models.PROTECT, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # Stored already sanitised (news.sanitise): templates print it as safe HTML.
    body = models.TextField(_("body"))
    cover = models.FileField(
        _("cover image"), storage=cover_storage, upload_to="news/covers/%Y/%m/", blank=True
    )
    cover_width = models.PositiveIntegerField(_("cover width"), null=True, blank=True)
    cover_height = models.PositiveIntegerField(_("cover height"), null=True, blank=True)
    cover_type = models.CharField(_("cover type"), max_length=20, blank=True)
    # Whose article it is: office admins of this region (and above) edit and publish it.
    region = models.ForeignKey(
        "places.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # Set when a team admin wrote it: the team's admins may edit it while it is a draft.
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("written for team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_articles",
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("projects"), blank=True, related_name="articles"
    )
    teams = models.ManyToManyField(
        "teams.Team", verbose_name=_("teams"), blank=True, related_name="articles"
    )
    volunteers = models.ManyToManyField(
        "volunteers.Volunteer", verbose_name=_("volunteers"), blank=True, related_name="articles"
    )
    stations = models.ManyToManyField(
        "stations.Station", verbose_name=_("stations"), blank=True, related_name="articles"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-published_at"], name="article_state_published"),
            models.Index(
                fields=["column", "state", "-published_at"], name="article_column_published"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def cover_url(self) -> str:
        """The cover through news.views.cover; the file's name in the query busts caches."""
        if not self.cover:
            return ""
        version = self.cover.name.rsplit("/", 1)[-1].split(".", 1)[0]
        return f"{reverse('news:cover', args=[self.pk])}?v={version}"


class Reprint(models.Model):
    """An outside site (中国文明网, 北方网 …) that reprinted an article, as recorded by an admin."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="reprints"
    )
    site_name = models.CharField(_("site"), max_length=100)
    url = models.URLField(_("address"), max_length=500)
    reprinted_on = models.DateField(_("reprinted on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reprint")
        verbose_name_plural = _("reprints")
        ordering = ["-reprinted_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="reprint_once_per_url"),
        ]
        indexes = [models.Index(fields=["reprinted_on"], name="reprint_date")]

    def __str__(self) -> str:
        return f"{self.site_name}: {self.article}"
