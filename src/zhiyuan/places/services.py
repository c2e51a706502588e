"""Use cases that write regions: create one under a parent, rename it, set its population."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.places.models import Region

CODE_RE = re.compile(r"^\d{6,12}$")


def _check_may_administer(actor: User, region: Region | None) -> None:
    allowed = actor.is_superuser if region is None else scopes.administers_region(actor, region)
    if not allowed:
        raise PermissionDenied(_("Only an administrator of this region may change it."))


def create_region(
    *, actor: User, code: str, name: str, level: str, parent: Region | None, population: int = 0
) -> Region:
    """Add a region under `parent` (a district needs no parent and only a superuser adds one)."""
    _check_may_administer(actor, parent)
    errors: dict[str, list] = {}
    code = (code or "").strip()
    name = (name or "").strip()
    if not CODE_RE.match(code):
        errors["code"] = [_("The division code must be 6 to 12 digits.")]
    if not name:
        errors["name"] = [_("The name is required.")]
    if level not in Region.Level.values:
        errors["level"] = [_("Unknown region level.")]
    elif parent is None and level != Region.Level.DISTRICT:
        errors["parent"] = [_("A subdistrict or community needs a parent region.")]
    elif parent is not None and Region.CHILD_LEVEL.get(Region.Level(parent.level)) != level:
        errors["level"] = [
            _("A %(parent)s can only contain a %(child)s.")
            % {
                "parent": parent.get_level_display(),
                "child": Region.Level(Region.CHILD_LEVEL[Region.Level(parent.level)]).label
                if parent.level in Region.CHILD_LEVEL
                else "—",
            }
        ]
    if population < 0:
        errors["population"] = [_("The population cannot be negative.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if Region.objects.filter(code=code).exists():
            raise Conflict(_("A region with this division code already exists."), field="code")
        region = Region(code=code, name=name, level=level, parent=parent, population=population)
        region.path = region.build_path()
        region.save()
    return region


def update_region(
    *, actor: User, region: Region, name: str | None = None, population: int | None = None
) -> Region:
    """Rename a region or set its population; its code and place in the tree stay fixed."""
    _check_may_administer(actor, region)
    errors: dict[str, list] = {}
    fields = []
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = [_("The name is required.")]
        region.name = name
        fields.append("name")
    if population is not None:
        if population < 0:
            errors["population"] = [_("The population cannot be negative.")]
        region.population = population
        fields.append("population")
    if errors:
        raise ValidationFailed(errors)
    if fields:
        region.save(update_fields=fields)
    return region
