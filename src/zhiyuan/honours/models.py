"""Award kinds, awards (表彰) to volunteers, teams, projects and stations, nomination rounds and nominations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AwardeeType(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    TEAM = "team", _("Team")
    PROJECT = "project", _("Project")
    STATION = "station", _("Station or base")


class Level(models.TextChoices):
    DISTRICT = "district", _("District level")
    CITY = "city", _("City level")
    PROVINCE = "province", _("Province level")
    NATIONAL = "national", _("National level")


AWARDEE_FIELDS = ("volunteer", "team", "project", "station")


def exactly_one_awardee(prefix: str) -> models.CheckConstraint:
    """The row's awardee type names the one awardee foreign key that is set."""
    condition = Q()
    for kind in AWARDEE_FIELDS:
        others = {f"{other}__isnull": True for other in AWARDEE_FIELDS if other != kind}
        condition |= Q(awardee_type=kind, **{f"{kind}__isnull": False}, **others)
    return models.CheckConstraint(condition=condition, name=f"{prefix}_exactly_one_awardee")


class AwardeeMixin(models.Model):
    """Four nullable foreign keys, exactly one set (a check constraint says so)."""

    awardee_type = models.CharField(_("awardee type"), max_length=10, choices=AwardeeType.choices)
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def awardee(self):
        return getattr(self, self.awardee_type) if self.awardee_type else None

    @property
    def awardee_name(self) -> str:
        awardee = self.awardee
        if awardee is None:
            return ""
        return awardee.real_name if self.awardee_type == AwardeeType.VOLUNTEER else awardee.name


class AwardKind(models.Model):
    """优秀志愿者, 优秀志愿服务团队, 志愿服务基地 …; admins add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    awardee_type = models.CharField(_("awarded to"), max_length=10, choices=AwardeeType.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("award kind")
        verbose_name_plural = _("award kinds")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class NominationRound(models.Model):
    """A call for nominations for one kind and year, run by an office admin over a region."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        FINALISED = "finalised", _("Finalised")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.ForeignKey(
        AwardKind, verbose_name=_("award kind"), on_delete=models.PROTECT, related_name="rounds"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("award level"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        "places.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    awarding_body = models.CharField(_("awarding body"), max_length=100)
    deadline = models.DateField(_("nominations close on"))
    # Thresholds for the candidates the system proposes (see rules.py for the keys).
    rules = models.JSONField(_("candidate rules"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("nomination round")
        verbose_name_plural = _("nomination rounds")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["state", "region"], name="round_state_region")]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Award(AwardeeMixin):
    """One honour given: what, at which level, in which year, to whom, by whom."""

    class State(models.TextChoices):
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.ForeignKey(
        AwardKind, verbose_name=_("award kind"), on_delete=models.PROTECT, related_name="awards"
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    rank = models.CharField(_("rank or class"), max_length=30, blank=True)
    citation = models.CharField(_("citation"), max_length=500, blank=True)
    awarding_body = models.CharField(_("awarding body"), max_length=100)
    awarded_on = models.DateField(_("awarded on"))
    # Copied from the awardee when the award is made: scoping and statistics by region
    # are then one prefix match on this row.
    region = models.ForeignKey(
        "places.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.ForeignKey(
        NominationRound,
        verbose_name=_("nomination round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PUBLISHED
    )
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-awarded_on", "-id"]
        constraints = [
            exactly_one_awardee("award"),
            *[
                models.UniqueConstraint(
                    fields=["kind", "level", "year", field],
                    condition=Q(state="published", **{f"{field}__isnull": False}),
                    name=f"award_once_per_{field}",
                )
                for field in AWARDEE_FIELDS
            ],
        ]
        indexes = [
            models.Index(fields=["state", "-awarded_on"], name="award_recent"),
            models.Index(fields=["year", "kind", "level"], name="award_roll"),
            models.Index(fields=["awarded_on"], name="award_date"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind}: {self.awardee_name}"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class Nomination(AwardeeMixin):
    """A candidate in a round: proposed by the rules, added by the admin, or put forward by a team.

    A team's nomination waits for the admin of the team above (a 分队's for its 支队, a 支队's
    for the 总队 or the office) before it joins the shortlist.
    """

    class Source(models.TextChoices):
        RULES = "rules", _("Proposed by the rules")
        ADMIN = "admin", _("Added by the office")
        TEAM = "team", _("Nominated by a team")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        SHORTLISTED = "shortlisted", _("Shortlisted")
        REJECTED = "rejected", _("Rejected")
        REMOVED = "removed", _("Removed")
        AWARDED = "awarded", _("Awarded")

    OPEN_STATES = (State.PENDING, State.SHORTLISTED, State.AWARDED)

    round = models.ForeignKey(
        NominationRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    nominating_team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("nominated by team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # What the rules saw: hours, stars, no-shows … (shown beside the candidate).
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    award = models.OneToOneField(
        Award,
        verbose_name=_("award"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nomination",
    )

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["state", "-id"]
        constraints = [
            exactly_one_awardee("nomination"),
            *[
                models.UniqueConstraint(
                    fields=["round", field],
                    condition=Q(
                        state__in=["pending", "shortlisted", "awarded"],
                        **{f"{field}__isnull": False},
                    ),
                    name=f"nomination_once_per_{field}",
                )
                for field in AWARDEE_FIELDS
            ],
        ]
        indexes = [models.Index(fields=["round", "state"], name="nomination_round_state")]

    def __str__(self) -> str:
        return f"{self.round}: {self.awardee_name} ({self.state})"

    EVIDENCE_LABELS = {
        "hours": _("Hours this year"),
        "stars": _("Star level"),
        "no_shows": _("No-shows"),
        "rejected": _("Rejected records"),
        "member_hours": _("Members' hours this year"),
        "projects": _("Projects run"),
        "activities": _("Activities in the year"),
        "person_times": _("Person-times served"),
        "rating": _("Mean rating (1–5)"),
        "complaints": _("Complaints upheld"),
    }

    @property
    def evidence_items(self) -> list[tuple[str, object]]:
        """What the rules saw, each fact by its name in the reader's language."""
        return [
            (str(self.EVIDENCE_LABELS.get(key, key)), value)
            for key, value in (self.evidence or {}).items()
        ]

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
