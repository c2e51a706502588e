"""Frozen statistics of closed periods, the yearly report's editable wording, generated reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """The figures of one scope over one closed period, frozen: compute() returns them as stored."""

    scope_key = models.CharField(_("scope"), max_length=40)
    start = models.DateField(_("from"))
    end = models.DateField(_("until (exclusive)"))
    figures = models.JSONField(_("figures"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("frozen by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        ordering = ["-end", "scope_key"]
        constraints = [
            models.UniqueConstraint(fields=["scope_key", "start", "end"], name="snapshot_once"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="snapshot_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_key} {self.start}–{self.end}"


class ReportTemplate(models.Model):
    """The yearly report's wording: one text per section with {placeholders} for figures."""

    SECTIONS = ("opening", "teams", "stations", "projects", "guidance", "closing")

    key = models.SlugField(_("key"), max_length=40, unique=True, default="default")
    title = models.CharField(_("title"), max_length=200)
    opening = models.TextField(_("opening summary"))
    teams = models.TextField(_("1. Teams (抓队伍)"))
    stations = models.TextField(_("2. Stations (抓阵地)"))
    projects = models.TextField(_("3. Projects (抓项目)"))
    guidance = models.TextField(_("4. Guidance (抓引导)"))
    closing = models.TextField(_("closing"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("report template")
        verbose_name_plural = _("report templates")

    def __str__(self) -> str:
        return self.title


class ReportFile(models.Model):
    """A yearly report generated in the background and kept for download."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    scope_key = models.CharField(_("scope"), max_length=40)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    content = models.BinaryField(_("document"), null=True, editable=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-id"]
        indexes = [models.Index(fields=["requested_by", "-id"], name="reportfile_requester")]

    def __str__(self) -> str:
        return f"{self.year} {self.scope_key} ({self.state})"

    @property
    def filename(self) -> str:
        """The download's name, in the reader's language (the page shows it too)."""
        return gettext("volunteer-work-report-%(year)s.docx") % {"year": self.year}


class DailyServiceRollup(models.Model):
    """One day's current, live service records summed by recording team, project, station,
    place of service, source and state: the service figures of any period are sums of these
    rows. The place (`region`) is where the service happened: the activity's station's region,
    else the volunteer's home community (scope.record_place)."""

    day = models.DateField(_("day"))
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("recording team"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    region = models.ForeignKey(
        "places.Region",
        verbose_name=_("place of service"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=10)
    state = models.CharField(_("state"), max_length=10)
    records = models.PositiveIntegerField(_("records"))
    hours = models.DecimalField(_("hours"), max_digits=14, decimal_places=2)
    persons_served = models.PositiveBigIntegerField(_("persons served"))

    class Meta:
        verbose_name = _("daily service rollup")
        verbose_name_plural = _("daily service rollups")
        indexes = [models.Index(fields=["day"], name="rollup_daily_day")]

    def __str__(self) -> str:
        return f"{self.day} team {self.team_id}: {self.records} records"


class ActiveMonthsRollup(models.Model):
    """The months of one year in which a volunteer had approved current records with one
    recording team (and at one station, if any): bit m-1 of `months` is month m. Distinct
    active volunteers of a month-aligned period are then one count over a year's worth of
    volunteers, not over every record."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("recording team"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    region = models.ForeignKey(
        "places.Region",
        verbose_name=_("place of service"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    months = models.PositiveIntegerField(_("months served (bit mask)"))

    class Meta:
        verbose_name = _("active months rollup")
        verbose_name_plural = _("active months rollups")
        indexes = [
            models.Index(fields=["year", "team"], name="rollup_active_year"),
            models.Index(fields=["volunteer", "year"], name="rollup_active_volunteer"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.year}: {self.months:012b}"


class RollupDirty(models.Model):
    """A service record changed on this day for this volunteer: its rollup rows are rebuilt by
    the next refresh task (written in the same transaction as the record change)."""

    day = models.DateField(_("day"))
    volunteer_id = models.BigIntegerField(_("volunteer"))

    class Meta:
        verbose_name = _("rollup change")
        verbose_name_plural = _("rollup changes")

    def __str__(self) -> str:
        return f"{self.day} volunteer {self.volunteer_id}"


class RollupState(models.Model):
    """The one row saying the rollups cover every record (a full rebuild has run since the
    records were bulk-loaded); its lock serialises refreshes."""

    built_at = models.DateTimeField(_("fully rebuilt at"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("last refreshed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")

    def __str__(self) -> str:
        return f"rollups built {self.built_at}, refreshed {self.refreshed_at}"
