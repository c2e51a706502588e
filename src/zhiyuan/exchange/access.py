"""Who may exchange with the national system: the offices, over the regions they run."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.places.models import Region
from zhiyuan.service.access import may_import_transfers


def may_exchange(user) -> bool:
    """Exports to and transfers from other systems are an office admin's work."""
    return scopes.is_district_admin(user)


def may_transfer(user) -> bool:
    return may_import_transfers(user)


def check_exchange(user) -> None:
    if not may_exchange(user):
        raise PermissionDenied(_("Only office admins may exchange data with the national system."))


def region_for(user, region_id: int | None) -> Region:
    """The scope of an export: a region the user administers; without one, their widest."""
    check_exchange(user)
    if region_id is None:
        paths = scopes.admin_region_paths(user)
        regions = Region.objects.all() if "/" in paths else Region.objects.filter(path__in=paths)
        region = regions.order_by("path").first()
    else:
        region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise NotFound(_("No such region."))
    if not scopes.administers_region(user, region):
        raise PermissionDenied(_("You may export only the regions your office runs."))
    return region
