"""Attendance (check-in/out), service records with versions, correction requests, certificates,
and each volunteer's running total of approved hours with their star level."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Attendance(models.Model):
    """One volunteer's presence at one shift: checked in, then checked out."""

    class Method(models.TextChoices):
        QR = "qr", _("Scanned the station's code")
        ORGANISER = "organiser", _("Checked in by the organiser")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    shift = models.ForeignKey(
        "projects.Shift",
        verbose_name=_("shift"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    in_distance_m = models.PositiveIntegerField(
        _("distance at check-in (m)"), null=True, blank=True
    )
    out_distance_m = models.PositiveIntegerField(
        _("distance at check-out (m)"), null=True, blank=True
    )
    auto_checked_out = models.BooleanField(
        _("checked out automatically"),
        default=False,
        help_text=_("Still checked in after the shift's end and grace period."),
    )
    position_verified = models.BooleanField(
        _("position verified"),
        default=True,
        help_text=_(
            "False when a scan came without a position (allowed by a setting): its hours "
            "are not measured until an organiser confirms the attendance."
        ),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # A phone without network keeps its scans and sends them later: each carries an id
    # made by the phone (a scan sent twice is found by it) and the phone's time, which
    # becomes the check-in or check-out time; the server's time of receipt is kept beside.
    in_client_id = models.CharField(_("check-in scan id"), max_length=64, null=True, blank=True)
    out_client_id = models.CharField(_("check-out scan id"), max_length=64, null=True, blank=True)
    in_received_at = models.DateTimeField(_("check-in received at"), null=True, blank=True)
    out_received_at = models.DateTimeField(_("check-out received at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Not stored: set by the scan that checked this attendance out (outcomes.was_repeated).
    closed_now = False

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["-checked_in_at"]
        constraints = [
            # A second scan is the same attendance, never a second one.
            models.UniqueConstraint(
                fields=["volunteer", "shift"], name="attendance_once_per_shift"
            ),
            # Nobody is checked in at two places at once.
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(checked_out_at__isnull=True),
                name="attendance_one_open_per_volunteer",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "in_client_id"], name="attendance_in_scan_once"
            ),
            models.UniqueConstraint(
                fields=["volunteer", "out_client_id"], name="attendance_out_scan_once"
            ),
        ]
        indexes = [
            models.Index(fields=["station", "checked_out_at"], name="attendance_station_open")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.shift}"

    @property
    def is_open(self) -> bool:
        return self.checked_out_at is None

    @property
    def sent_late(self) -> bool:
        """A scan kept on the phone and received more than a few minutes after it was made."""
        late = dt.timedelta(minutes=5)
        return bool(
            (self.in_received_at and self.in_received_at - self.checked_in_at > late)
            or (
                self.out_received_at
                and self.checked_out_at
                and self.out_received_at - self.checked_out_at > late
            )
        )


class ServiceRecord(models.Model):
    """A 志愿服务记录. Never edited in place: a correction is a new version that supersedes it.

    reports/rollups.py listens to post_save/post_delete of this model to keep the
    statistics' rollups fresh; bulk_create and QuerySet.update() bypass it: call
    reports.rollups.rebuild() after them.
    """

    class Source(models.TextChoices):
        MEASURED = "measured", _("Measured by check-in and check-out")
        ENTERED = "entered", _("Entered by the organiser")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    shift = models.ForeignKey(
        "projects.Shift",
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("recording team"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    served_on = models.DateField(_("date of service"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    persons_served = models.PositiveIntegerField(_("persons served"), default=0)
    content = models.CharField(_("service content"), max_length=300)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="record_hours_positive"),
            models.UniqueConstraint(
                fields=["volunteer", "shift"],
                condition=Q(is_current=True, shift__isnull=False),
                name="record_one_current_per_shift",
            ),
        ]
        indexes = [
            models.Index(
                fields=["volunteer", "is_current", "state", "served_on"], name="record_volunteer"
            ),
            models.Index(fields=["team", "state", "is_current"], name="record_team_queue"),
            models.Index(fields=["served_on"], name="record_served_on"),
            # The hours queue: the few pending records among a district's hundreds of thousands.
            models.Index(
                fields=["served_on", "id"],
                condition=Q(state="pending", is_current=True),
                name="record_pending_queue",
            ),
            # The queue's project filter: which projects have pending records in the
            # caller's teams, one index probe a project instead of reading every pending row.
            models.Index(
                fields=["project", "team"],
                condition=Q(state="pending", is_current=True),
                name="record_pending_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.served_on} {self.hours}h v{self.version}"

    @property
    def is_final(self) -> bool:
        return self.state != self.State.PENDING


class CorrectionRequest(models.Model):
    """A volunteer asks for a missing or wrong record to be corrected; the organiser answers."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        related_name="correction_requests",
        verbose_name=_("volunteer"),
    )
    record = models.ForeignKey(
        ServiceRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction_requests",
        verbose_name=_("record"),
    )
    shift = models.ForeignKey(
        "projects.Shift",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("shift"),
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    hours = models.DecimalField(_("hours claimed"), max_digits=6, decimal_places=2)
    message = models.CharField(_("message"), max_length=500)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.CharField(_("answer"), max_length=300, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.message[:30]}"


class HoursTotal(models.Model):
    """A volunteer's approved hours and star level, kept in step with their records."""

    volunteer = models.OneToOneField(
        "volunteers.Volunteer",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="hours_total",
    )
    approved_hours = models.DecimalField(
        _("approved hours"), max_digits=9, decimal_places=2, default=Decimal(0)
    )
    star_level = models.PositiveSmallIntegerField(_("star level"), default=0, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hours total")
        verbose_name_plural = _("hours totals")

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.approved_hours}h, {self.star_level}★"


def new_verify_token() -> str:
    return secrets.token_urlsafe(18)


class Certificate(models.Model):
    """志愿服务记录证明: issued by the team that recorded the hours, verifiable in public."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ISSUED = "issued", _("Issued")
        REFUSED = "refused", _("Refused")

    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("volunteer"),
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("issuing team"),
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("until"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    number = models.CharField(
        _("certificate number"), max_length=30, unique=True, null=True, blank=True
    )
    total_hours = models.DecimalField(
        _("total hours"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    content = models.CharField(_("service content"), max_length=500, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handler"),
    )
    handler_name = models.CharField(
        _("handled by (name)"),
        max_length=50,
        blank=True,
        help_text=_("The real name of the person who handled it (经办人), as printed."),
    )
    contact = models.CharField(_("contact"), max_length=50, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    refuse_reason = models.CharField(_("reason"), max_length=300, blank=True)
    verify_token = models.CharField(
        max_length=40, unique=True, default=new_verify_token, editable=False
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_to__gte=models.F("period_from")),
                name="certificate_period_in_order",
            ),
        ]
        indexes = [models.Index(fields=["team", "state"], name="certificate_team_queue")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class TransferBatch(models.Model):
    """One transfer file (转移接续) imported by an office: service records made in another
    volunteer-service information system, for volunteers registered here."""

    source = models.CharField(_("source system"), max_length=100)
    filename = models.CharField(_("file"), max_length=200)
    region = models.ForeignKey(
        "places.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("records in the file"), default=0)
    added = models.PositiveIntegerField(_("records added"), default=0)
    already_held = models.PositiveIntegerField(_("records already transferred"), default=0)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer batch")
        verbose_name_plural = _("transfer batches")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.source}: {self.filename}"


class TransferredRecord(models.Model):
    """Hours served elsewhere, transferred in: kept apart from this platform's own records
    (never approved, corrected or certified here), counted once whatever how often the same
    file is imported: the source's record key is unique per source system."""

    batch = models.ForeignKey(
        TransferBatch,
        verbose_name=_("transfer batch"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="transferred_records",
    )
    source = models.CharField(_("source system"), max_length=100)
    # The normalised source name: "全国志愿服务信息系统" and " 全国志愿服务信息系统 " are one source.
    source_key = models.CharField(max_length=100, editable=False)
    record_key = models.CharField(
        _("record number at the source"),
        max_length=64,
        help_text=_("The source's own record number, or a digest of the record when it has none."),
    )
    organisation = models.CharField(_("recording organisation"), max_length=200)
    project = models.CharField(_("project"), max_length=200, blank=True)
    content = models.CharField(_("service content"), max_length=300, blank=True)
    served_on = models.DateField(_("date of service"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    created_at = models.DateTimeField(_("transferred at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transferred service record")
        verbose_name_plural = _("transferred service records")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key", "record_key"], name="transferred_record_once"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="transferred_hours_in_a_day"
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "served_on"], name="transferred_volunteer"),
            models.Index(fields=["served_on"], name="transferred_served_on"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.served_on} {self.hours}h ({self.source})"
