"""Service recipients (服务对象), help requests (我要求助) with their workflow log, and matching
runs with the proposals an organiser confirms or drops."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.core import crypto
from zhiyuan.core.models import StatusStep


class RecipientCategory(models.TextChoices):
    EMPTY_NEST_ELDERLY = "empty_nest_elderly", _("Empty-nest elderly")
    DISABLED = "disabled", _("Person with disabilities")
    MIGRANT_WORKER = "migrant_worker", _("Migrant worker")
    FAMILY_IN_DIFFICULTY = "family_in_difficulty", _("Family in difficulty")
    LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
    OTHER = "other", _("Other resident")


class HelpKind(models.TextChoices):
    """What is needed; each kind implies the skills a volunteer needs (see KIND_SKILLS)."""

    COMPANIONSHIP = "companionship", _("Visit and companionship")
    ERRANDS = "errands", _("Shopping and errands")
    HOUSEHOLD = "household", _("Cleaning and household chores")
    MEDICAL_ESCORT = "medical_escort", _("Escort to hospital")
    REPAIR = "repair", _("Household repairs")
    TUTORING = "tutoring", _("Homework help")
    LEGAL = "legal", _("Legal advice")
    PSYCHOLOGY = "psychology", _("Someone to talk to")
    DISABILITY = "disability", _("Help for a person with disabilities")
    OTHER = "other", _("Other")


KIND_SKILLS: dict[str, tuple[str, ...]] = {
    HelpKind.MEDICAL_ESCORT: ("elderly_care",),
    HelpKind.REPAIR: ("repair",),
    HelpKind.TUTORING: ("tutoring",),
    HelpKind.LEGAL: ("legal",),
    HelpKind.PSYCHOLOGY: ("psychology",),
    HelpKind.DISABILITY: ("disability_help",),
}
# Volunteers who declared one of these limits are not sent to such requests (Art. 15).
KIND_EXCLUDED_HEALTH: dict[str, tuple[str, ...]] = {
    HelpKind.HOUSEHOLD: ("no_heavy_lifting",),
    HelpKind.REPAIR: ("no_heavy_lifting",),
}


class Urgency(models.TextChoices):
    LOW = "low", _("Not urgent")
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class EncryptedFieldsMixin:
    """`x_encrypted` columns hold ciphertext; `set_secret` also keeps the masked form."""

    def decrypted(self, field: str) -> str:
        """The clear value of an encrypted field. Callers must audit: see
        services.reveal_request and recipients.reveal_recipient."""
        token = getattr(self, f"{field}_encrypted")
        return crypto.decrypt(token) if token else ""


class Recipient(EncryptedFieldsMixin, models.Model):
    """A resident served over time; address, health and phone are sensitive (encrypted)."""

    name = models.CharField(_("name"), max_length=50, db_index=True)
    category = models.CharField(
        _("category"), max_length=24, choices=RecipientCategory.choices, db_index=True
    )
    community = models.ForeignKey(
        "places.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="recipients",
        limit_choices_to={"level": "community"},
    )
    address_encrypted = models.TextField(_("address (encrypted)"), editable=False)
    address_masked = models.CharField(_("address"), max_length=60, editable=False)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    needs = models.TextField(_("needs"), blank=True)
    health_encrypted = models.TextField(
        _("health and disability (encrypted)"), blank=True, editable=False
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=16, blank=True, editable=False)
    consent = models.BooleanField(_("consents to the record"), default=False)
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service recipient")
        verbose_name_plural = _("service recipients")
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "is_active"], name="recipient_community")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_health(self) -> bool:
        return bool(self.health_encrypted)


class HelpRequest(EncryptedFieldsMixin, models.Model):
    """One need (or a recurring one: a weekly visit is one request with a schedule)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        MATCHED = "matched", _("Volunteer assigned")
        IN_SERVICE = "in_service", _("In service")
        DONE = "done", _("Done")
        RATED = "rated", _("Rated")
        CANCELLED = "cancelled", _("Cancelled")

    class Repeat(models.TextChoices):
        ONCE = "once", _("Once")
        WEEKLY = "weekly", _("Every week")

    OPEN_STATUSES = (Status.SUBMITTED, Status.VERIFIED, Status.MATCHED, Status.IN_SERVICE)
    FINISHED_STATUSES = (Status.DONE, Status.RATED)

    code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    # The key of the form that sent it: the same form sent twice (a refresh, a double tap)
    # files one request, not two.
    idempotency_key = models.CharField(
        max_length=40, unique=True, null=True, blank=True, editable=False
    )
    kind = models.CharField(_("what is needed"), max_length=20, choices=HelpKind.choices)
    title = models.CharField(_("summary"), max_length=100)
    description = models.TextField(_("details"), blank=True)
    category = models.CharField(
        _("who is helped"), max_length=24, choices=RecipientCategory.choices
    )
    recipient = models.ForeignKey(
        Recipient,
        verbose_name=_("service recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_requests",
    )
    community = models.ForeignKey(
        "places.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="help_requests",
        limit_choices_to={"level": "community"},
    )
    address_encrypted = models.TextField(_("address (encrypted)"), editable=False)
    address_masked = models.CharField(_("address"), max_length=60, editable=False)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    repeat = models.CharField(
        _("repeat"), max_length=8, choices=Repeat.choices, default=Repeat.ONCE
    )
    repeat_until = models.DateField(_("repeat until"), null=True, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    volunteers_needed = models.PositiveSmallIntegerField(_("volunteers needed"), default=1)
    persons_served = models.PositiveSmallIntegerField(_("persons served"), default=1)
    contact_name = models.CharField(_("contact name"), max_length=50)
    phone_encrypted = models.TextField(_("phone (encrypted)"), editable=False)
    phone_masked = models.CharField(_("phone"), max_length=16, editable=False)
    known_risks = models.CharField(_("known risks"), max_length=500, blank=True)
    truth_confirmed = models.BooleanField(_("information confirmed true"), default=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=Status.choices,
        default=Status.SUBMITTED,
        db_index=True,
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("handling team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, db_index=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="help_request_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="help_request_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(volunteers_needed__gte=1), name="help_request_needs_someone"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status"], name="help_request_community"),
            models.Index(fields=["status", "starts_at"], name="help_request_status_start"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    def occurrences(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """Each visit's window: one, or one a week until `repeat_until` (at most 104)."""
        if self.repeat != self.Repeat.WEEKLY or self.repeat_until is None:
            return [(self.starts_at, self.ends_at)]
        windows = []
        start, end = self.starts_at, self.ends_at
        while start.date() <= self.repeat_until and len(windows) < 104:
            windows.append((start, end))
            start, end = start + dt.timedelta(weeks=1), end + dt.timedelta(weeks=1)
        return windows


class HelpEvent(StatusStep):
    """One transition of a help request: who moved it, from what, to what, when and why."""

    statuses = HelpRequest.Status

    request = models.ForeignKey(
        HelpRequest, verbose_name=_("help request"), on_delete=models.CASCADE, related_name="events"
    )
    by_requester = models.BooleanField(_("by the requester"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(StatusStep.Meta):
        verbose_name = _("help request event")
        verbose_name_plural = _("help request events")

    def __str__(self) -> str:
        return f"{self.request.code}: {self.from_status} → {self.to_status}"


class Assignment(models.Model):
    """A volunteer assigned to a help request; when it is done, the service record made for them."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Assigned")
        RELEASED = "released", _("Released")

    request = models.ForeignKey(
        HelpRequest,
        verbose_name=_("help request"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="help_assignments",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    # A volunteer who takes a request themselves waits for the handling team to confirm;
    # only then are the recipient's full address and phone theirs to see.
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    record = models.OneToOneField(
        "service.ServiceRecord",
        verbose_name=_("service record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_assignment",
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "volunteer"],
                condition=Q(state="active"),
                name="assignment_once_per_request",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "state"], name="assignment_volunteer")]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.request}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class MatchRun(models.Model):
    """One run of the matching engine over a region's open demands."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    region = models.ForeignKey(
        "places.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="match_runs",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    include_requests = models.BooleanField(_("help requests"), default=True)
    include_shifts = models.BooleanField(_("open shifts"), default=True)
    days_ahead = models.PositiveSmallIntegerField(_("days ahead"), default=14)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    volunteer_count = models.PositiveIntegerField(_("volunteers"), default=0)
    demand_count = models.PositiveIntegerField(_("demands"), default=0)
    proposal_count = models.PositiveIntegerField(_("proposals"), default=0)
    unfilled_count = models.PositiveIntegerField(_("places left unfilled"), default=0)
    total_score = models.FloatField(_("total score"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.region} {self.status}"


class Proposal(models.Model):
    """A volunteer proposed for a demand (a help request or a shift), with score and reasons."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CONFIRMED = "confirmed", _("Confirmed")
        DROPPED = "dropped", _("Dropped")

    run = models.ForeignKey(
        MatchRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="proposals"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    help_request = models.ForeignKey(
        HelpRequest,
        verbose_name=_("help request"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    shift = models.ForeignKey(
        "projects.Shift",
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.FloatField(_("score"))
    # [{"code": "skill_match", "params": {...}}, …]: shown translated by code.
    reasons = models.JSONField(_("reasons"), default=list)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(help_request__isnull=False) & Q(shift__isnull=True))
                | (Q(help_request__isnull=True) & Q(shift__isnull=False)),
                name="proposal_one_demand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} → {self.demand_id} ({self.score:.2f})"

    @property
    def demand_id(self) -> str:
        return f"help:{self.help_request_id}" if self.help_request_id else f"shift:{self.shift_id}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PROPOSED

    @property
    def demand_label(self) -> str:
        """The demand in words: the help request's code and title, or the shift and its start."""
        if self.help_request_id:
            return f"{self.help_request.code} {self.help_request.title}"
        start = timezone.localtime(self.shift.starts_at).strftime("%m-%d %H:%M")
        return f"{self.shift} {start}"
