"""Evaluations (评价) and complaints (投诉), elements of MZ/T 061 beside hours and honours.

A volunteer rates an activity and its organising team; the organiser rates each
volunteer's service in it (a recipient's rating of a help request stays on the request, in
the help desk). A complaint about a volunteer, team, project or station is tracked by a
code and handled by the office whose region covers its subject, through one workflow.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiyuan.core import crypto
from zhiyuan.core.models import StatusStep

SCORE_RANGE = Q(score__gte=1, score__lte=5)


class ActivityRating(models.Model):
    """A volunteer who served in an activity rates it and its organising team."""

    activity = models.ForeignKey(
        "projects.Activity",
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="activity_ratings",
    )
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("organising team"),
        on_delete=models.PROTECT,
        related_name="ratings_received",
    )
    score = models.PositiveSmallIntegerField(_("activity rating"))
    team_score = models.PositiveSmallIntegerField(_("organisation rating"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("activity rating")
        verbose_name_plural = _("activity ratings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="activity_rated_once"),
            models.CheckConstraint(condition=SCORE_RANGE, name="activity_rating_1_to_5"),
            models.CheckConstraint(
                condition=Q(team_score__gte=1, team_score__lte=5), name="team_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.score}/{self.team_score}"


class ServiceRating(models.Model):
    """The organiser rates one volunteer's service in an activity."""

    activity = models.ForeignKey(
        "projects.Activity",
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="service_ratings",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="service_ratings",
    )
    score = models.PositiveSmallIntegerField(_("service rating"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="service_rated_once"),
            models.CheckConstraint(condition=SCORE_RANGE, name="service_rating_1_to_5"),
        ]
        indexes = [models.Index(fields=["volunteer", "score"], name="service_rating_volunteer")]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.activity}: {self.score}"


class RatingTally(models.Model):
    """Ratings summed per activity, kind and place, kept by the rating services in the rating's
    transaction: the statistics read these few rows per activity instead of every rating.

    The place is where the rating counts for a region's figures, fixed when rated: an
    activity's station region, else (activity ratings) its organiser's region or (service
    ratings) the volunteer's home community, as for service records."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("Activity rating")
        SERVICE = "service", _("Service rating")

    activity = models.ForeignKey(
        "projects.Activity", verbose_name=_("activity"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    place = models.ForeignKey(
        "places.Region", verbose_name=_("place"), on_delete=models.PROTECT, related_name="+"
    )
    ratings = models.PositiveIntegerField(_("ratings"), default=0)
    score_sum = models.PositiveIntegerField(_("sum of the scores"), default=0)
    team_score_sum = models.PositiveIntegerField(_("sum of the organiser scores"), default=0)

    class Meta:
        verbose_name = _("rating tally")
        verbose_name_plural = _("rating tallies")
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind", "place"], name="rating_tally_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.kind} @{self.place_id}: {self.ratings}"


class Complaint(models.Model):
    """A complaint by anyone, signed in or not, about a volunteer, team, project or station."""

    class Subject(models.TextChoices):
        VOLUNTEER = "volunteer", _("A volunteer")
        TEAM = "team", _("A team")
        PROJECT = "project", _("A project")
        STATION = "station", _("A station")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        INVESTIGATING = "investigating", _("Being investigated")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    OPEN_STATUSES = (Status.RECEIVED, Status.INVESTIGATING)

    code = models.CharField(_("tracking code"), max_length=12, unique=True, editable=False)
    subject_type = models.CharField(_("about"), max_length=10, choices=Subject.choices)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # The team that answers for the subject (the team itself, a project's organiser, a
    # station's managing team, a volunteer's first team): its admins are told and may answer.
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("team concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    region = models.ForeignKey(
        "places.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    what = models.TextField(_("what happened"), max_length=2000)
    happened_on = models.DateField(_("when"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    contact_name = models.CharField(_("your name"), max_length=50, blank=True)
    contact_encrypted = models.TextField(_("contact (encrypted)"), blank=True, editable=False)
    contact_masked = models.CharField(_("contact"), max_length=20, blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints_filed",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    due_on = models.DateField(_("to be handled by"))
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    answer = models.CharField(_("answer of the team concerned"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"], name="complaint_region_status"),
            models.Index(fields=["filed_at"], name="complaint_filed_at"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def subject(self):
        if self.subject_type == self.Subject.TEAM:
            return self.team
        return getattr(self, self.subject_type)

    def decrypted_contact(self) -> str:
        """The clear contact. Callers must audit: see services.reveal_contact."""
        return crypto.decrypt(self.contact_encrypted) if self.contact_encrypted else ""


class ComplaintEvidence(models.Model):
    """The complainant's photo: checked and re-encoded without metadata (core.images), kept
    encrypted with the field cipher like the contact, apart from the complaint's row so
    lists never load it; shown only to the office in charge and the team concerned
    (access.evidence_for)."""

    complaint = models.OneToOneField(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="evidence"
    )
    image_encrypted = models.TextField(_("photo (encrypted)"), editable=False)
    content_type = models.CharField(_("image type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("complaint evidence")
        verbose_name_plural = _("complaint evidence")

    def __str__(self) -> str:
        return f"{self.complaint.code}: {self.width}×{self.height}"

    @staticmethod
    def seal(data: bytes) -> str:
        return crypto.encrypt(base64.b64encode(data).decode("ascii"))

    def image(self) -> bytes:
        """The photo's bytes. Callers check access first: see access.evidence_for."""
        return base64.b64decode(crypto.decrypt(self.image_encrypted))


class ComplaintEvent(StatusStep):
    """One step of a complaint's handling: who moved it, from what to what, and why."""

    statuses = Complaint.Status

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    note = models.CharField(_("note"), max_length=1000, blank=True)

    class Meta(StatusStep.Meta):
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")

    def __str__(self) -> str:
        return f"{self.complaint.code}: {self.from_status} → {self.to_status}"
