"""Teams, their specialties and memberships. `path` (ids from the root) makes a subtree one prefix match."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Specialty(models.Model):
    """A professional field (科普, 环保, 消防 …); admins add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    class Level(models.TextChoices):
        CORPS = "corps", _("Corps (总队)")
        DETACHMENT = "detachment", _("Detachment (支队)")
        SQUAD = "squad", _("Squad (分队)")
        GROUP = "group", _("Group (小组)")

    # A child's level must rank below its parent's: a squad never holds a detachment.
    LEVEL_RANK = {Level.CORPS: 0, Level.DETACHMENT: 1, Level.SQUAD: 2, Level.GROUP: 3}

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department-led")
        COMMUNITY = "community", _("Community")
        UNIT = "unit", _("Unit")
        PROFESSIONAL = "professional", _("Professional")

    class JoinMode(models.TextChoices):
        OPEN = "open", _("Open to all")
        APPROVAL = "approval", _("By approval")
        INVITATION = "invitation", _("By invitation")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISSOLVED = "dissolved", _("Dissolved")

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    specialty = models.ForeignKey(
        Specialty,
        verbose_name=_("specialty"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    sponsor_unit = models.CharField(_("sponsor unit"), max_length=100, blank=True)
    region = models.ForeignKey(
        "places.Region",
        verbose_name=_("home region"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    leader = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    join_mode = models.CharField(
        _("join mode"), max_length=10, choices=JoinMode.choices, default=JoinMode.APPROVAL
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="professional") | Q(specialty__isnull=False),
                name="team_professional_has_specialty",
            ),
        ]
        indexes = [models.Index(fields=["level", "kind"], name="team_level_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Membership(models.Model):
    """A volunteer's place in a team. Leaving closes the row; history stays."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEADER = "leader", _("Leader")
        ADMIN = "admin", _("Admin")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Member")
        REJECTED = "rejected", _("Not accepted")
        LEFT = "left", _("Left")

    OPEN_STATES = (State.PENDING, State.INVITED, State.ACTIVE)
    MANAGING_ROLES = (Role.LEADER, Role.ADMIN)

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="memberships"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=Q(state__in=["pending", "invited", "active"]),
                name="membership_one_open_per_team",
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "state"], name="membership_volunteer_state"),
            models.Index(fields=["team", "state", "role"], name="membership_team_state_role"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} @ {self.team} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES
