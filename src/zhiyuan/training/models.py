"""Training: courses, their sessions, enrolments with attendance and results, certifications.

Training hours live on the enrolment and are never service hours (service.HoursTotal).
A course that certifies a skill grants it on a passed completion (Certification), for
`validity_months` if set; `expire_certifications` takes an expired skill away again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General training")
        SPECIALISED = "specialised", _("Specialised training")

    title = models.CharField(_("title"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    description = models.TextField(_("description"), blank=True)
    hours = models.DecimalField(_("training hours"), max_digits=5, decimal_places=1)
    # Scope for district admins and the statistics: the organiser team's region, or the
    # region of the office that set the course up.
    region = models.ForeignKey(
        "places.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    organiser = models.ForeignKey(
        "teams.Team",
        verbose_name=_("organiser team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    skill = models.ForeignKey(
        "volunteers.Skill",
        verbose_name=_("certifies the skill"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
    )
    validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: the certification does not expire."),
    )
    is_active = models.BooleanField(_("open for sessions"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="course_hours_positive"),
        ]
        indexes = [models.Index(fields=["created_at"], name="course_created")]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_sessions",
    )
    address = models.CharField(_("place"), max_length=200, blank=True)
    trainer = models.CharField(_("trainer"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_capacity_positive"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="session_starts")]

    def __str__(self) -> str:
        return f"{self.course} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def place(self) -> str:
        return self.station.name if self.station_id else self.address

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SCHEDULED and not self.has_started


class Enrolment(models.Model):
    """A volunteer's place in a session; cancelled rows stay, a new enrolment is a new row."""

    class State(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        CANCELLED = "cancelled", _("Cancelled")

    class Result(models.TextChoices):
        PENDING = "pending", _("Not completed yet")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="enrolments"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.ENROLLED
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=8, choices=Result.choices, default=Result.PENDING
    )
    # Training hours credited when attendance is marked present: apart from service hours.
    hours = models.DecimalField(_("training hours"), max_digits=5, decimal_places=1, default=0)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["enrolled_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"],
                condition=Q(state="enrolled"),
                name="enrolment_one_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "state"], name="enrolment_session_state"),
            models.Index(fields=["volunteer", "state"], name="enrolment_volunteer_state"),
            models.Index(fields=["completed_at"], name="enrolment_completed"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.session}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ENROLLED

    @property
    def is_completed(self) -> bool:
        return self.result != self.Result.PENDING


class Certification(models.Model):
    """A skill granted by passing a course; `lapsed_at` is set when expiry took it away."""

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    skill = models.ForeignKey(
        "volunteers.Skill", verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="certifications"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="+"
    )
    enrolment = models.OneToOneField(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certification",
    )
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("The last day it is valid.")
    )
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        ordering = ["-granted_on", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "skill"], name="certification_holder"),
            models.Index(fields=["expires_on"], name="certification_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.skill}"

    def is_valid_on(self, day) -> bool:
        return self.lapsed_at is None and (self.expires_on is None or self.expires_on >= day)
