"""The region tree. `path` (the codes from the root down) makes a subtree one indexed prefix match."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        SUBDISTRICT = "subdistrict", _("Subdistrict")
        COMMUNITY = "community", _("Community")

    CHILD_LEVEL = {Level.DISTRICT: Level.SUBDISTRICT, Level.SUBDISTRICT: Level.COMMUNITY}

    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        help_text=_("Administrative division code, digits only."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    population = models.PositiveIntegerField(
        _("resident population"),
        default=0,
        help_text=_("Resident population (常住人口); kept on communities, summed upwards."),
    )

    # The region's boundary as GeoJSON geometry (Polygon/MultiPolygon, WGS-84), drawn on the
    # offline station map; optional.
    outline = models.JSONField(_("outline"), null=True, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="district", parent__isnull=True)
                | models.Q(parent__isnull=False),
                name="region_only_districts_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_community(self) -> bool:
        return self.level == self.Level.COMMUNITY

    def build_path(self) -> str:
        return f"{self.parent.path if self.parent else '/'}{self.code}/"
