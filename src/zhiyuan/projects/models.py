"""Projects, activities (with recurring series), shifts (岗位) and sign-ups with a waitlist."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A project category (关爱空巢老人, 环境保护 → 爱园护绿 …); admins add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name


class Project(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="projects"
    )
    organiser = models.ForeignKey(
        "teams.Team",
        verbose_name=_("organiser team"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    description = models.TextField(_("description"), blank=True)
    target_recipients = models.CharField(_("target recipients"), max_length=200, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    is_brand = models.BooleanField(_("brand project"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="project_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["state", "-starts_on"], name="project_state_start")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class ActivitySeries(models.Model):
    """A recurring activity: "every month on the 12th, 08:00–11:00, at these stations"."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly, on a day of the month")
        WEEKLY = "weekly", _("Weekly, on a day of the week")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="series"
    )
    title = models.CharField(_("title"), max_length=100)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    day = models.PositiveSmallIntegerField(
        _("day"), help_text=_("Day of the month (1–28), or of the week (1 = Monday … 7 = Sunday)")
    )
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    first_date = models.DateField(_("from"))
    last_date = models.DateField(_("until"))
    stations = models.ManyToManyField("stations.Station", verbose_name=_("stations"), blank=True)
    shift_template = models.JSONField(
        _("shifts of each activity"),
        default=list,
        help_text=_('e.g. [{"role": "义务指路", "capacity": 5, "skills": ["guide"]}]'),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")

    def __str__(self) -> str:
        return self.title


class Activity(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="activities"
    )
    series = models.ForeignKey(
        ActivitySeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=100)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="activity_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "starts_at"], name="activity_project_start"),
            models.Index(fields=["starts_at"], name="activity_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def place(self) -> str:
        return self.station.name if self.station_id else self.address


class Shift(models.Model):
    """A role at an activity (义务指路, 应急救助 …) with its own hours, capacity and conditions."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="shifts"
    )
    role = models.CharField(_("role"), max_length=50)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    required_skills = models.ManyToManyField(
        "volunteers.Skill", verbose_name=_("required skills"), blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    insurance_required = models.BooleanField(_("accident insurance required"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_capacity_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity.title} · {self.role}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SignUp(models.Model):
    class State(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        CANCELLED = "cancelled", _("Cancelled")
        REMOVED = "removed", _("Removed by the organiser")
        NO_SHOW = "no_show", _("Did not show up")

    HOLDING = (State.CONFIRMED, State.WAITLISTED)

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.PROTECT, related_name="signups"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="signups",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    # Copied from the shift so the overlap check is one indexed query per volunteer.
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(state__in=["confirmed", "waitlisted"]),
                name="signup_once_per_shift",
            ),
        ]
        indexes = [
            models.Index(fields=["shift", "state", "id"], name="signup_shift_state"),
            models.Index(fields=["volunteer", "state", "starts_at"], name="signup_volunteer_time"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.shift} ({self.state})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret behind a volunteer's .ics feed URL (calendar apps cannot sign in)."""

    volunteer = models.OneToOneField(
        "volunteers.Volunteer", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=40, unique=True, default=new_feed_token)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.volunteer} feed"
