"""Stations and points, their managers, check-in tokens, and audits against the eight standards."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_checkin_token() -> str:
    return secrets.token_urlsafe(16)


class Station(models.Model):
    class Kind(models.TextChoices):
        COMMUNITY = "community", _("Community station")
        PUBLIC_PLACE = "public_place", _("Public-place station")
        POINT = "point", _("Service point")
        BASE = "base", _("Designated base")

    class PlaceType(models.TextChoices):
        PARK = "park", _("Park")
        SQUARE = "square", _("Square")
        SCENIC = "scenic", _("Scenic area")
        BUSINESS = "business", _("Business district")
        STADIUM = "stadium", _("Stadium")
        RESIDENTIAL = "residential", _("Residential compound")
        TRANSPORT = "transport", _("Transport hub")
        OTHER = "other", _("Other place")

    class BaseLevel(models.TextChoices):
        DISTRICT = "district", _("District level")
        CITY = "city", _("City level")
        PROVINCE = "province", _("Province level")
        NATIONAL = "national", _("National level")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    place_type = models.CharField(
        _("type of place"), max_length=12, choices=PlaceType.choices, blank=True
    )
    place_name = models.CharField(
        _("public place"), max_length=100, blank=True, help_text=_("e.g. the park's name")
    )
    base_level = models.CharField(
        _("base level"), max_length=10, choices=BaseLevel.choices, blank=True
    )
    base_year = models.PositiveSmallIntegerField(_("designated in"), null=True, blank=True)
    region = models.ForeignKey(
        "places.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="stations"
    )
    address = models.CharField(_("address"), max_length=200)
    # WGS-84, as GPS and browsers give it; GCJ-02 / BD-09 input is converted on entry.
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    checkin_radius_m = models.PositiveIntegerField(_("check-in radius (m)"), default=200)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    services = models.TextField(_("services offered"), blank=True)
    managing_team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("managing team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stations",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("station managers"),
        blank=True,
        related_name="managed_stations",
    )
    checkin_token = models.CharField(
        _("check-in token"), max_length=40, unique=True, default=new_checkin_token, editable=False
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(checkin_radius_m__gte=10) & Q(checkin_radius_m__lte=5000),
                name="station_radius_10_to_5000",
            ),
            models.CheckConstraint(
                condition=~Q(kind="base") | (~Q(base_level="") & Q(base_year__isnull=False)),
                name="station_base_has_level_and_year",
            ),
        ]
        indexes = [models.Index(fields=["kind", "status"], name="station_kind_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Criterion(models.TextChoices):
    """The eight standards: 有场所、有标识、有队伍、有制度、有项目、有档案、勤管理、能服务."""

    PREMISES = "premises", _("Has premises (有场所)")
    SIGNAGE = "signage", _("Has signage (有标识)")
    TEAM = "team", _("Has a team (有队伍)")
    RULES = "rules", _("Has rules (有制度)")
    PROJECTS = "projects", _("Has projects (有项目)")
    RECORDS = "records", _("Keeps records (有档案)")
    MANAGEMENT = "management", _("Is well managed (勤管理)")
    SERVICE = "service", _("Delivers service (能服务)")


class Audit(models.Model):
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="audits"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auditor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    audited_on = models.DateField(_("audited on"))
    # Set once when the audit is recorded: all eight criteria met.
    compliant = models.BooleanField(_("compliant"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-audited_on", "-id"]
        indexes = [models.Index(fields=["station", "-audited_on", "-id"], name="audit_latest")]

    def __str__(self) -> str:
        return f"{self.station} {self.audited_on}"


class AuditItem(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="items")
    criterion = models.CharField(_("criterion"), max_length=12, choices=Criterion.choices)
    met = models.BooleanField(_("met"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit item")
        verbose_name_plural = _("audit items")
        constraints = [
            models.UniqueConstraint(fields=["audit", "criterion"], name="audit_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {'✓' if self.met else '✗'}"
