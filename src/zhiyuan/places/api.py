"""API: the region tree (public to read; office admins write their own subtree)."""

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.places import selectors, services
from zhiyuan.places.models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    population: int


class RegionDetailOut(RegionOut):
    total_population: int


class RegionIn(Schema):
    code: str = Field(..., max_length=12)
    name: str = Field(..., max_length=100)
    level: str
    parent_id: int | None = None
    population: int = Field(0, ge=0)


class RegionPatch(Schema):
    name: str | None = Field(None, max_length=100)
    population: int | None = Field(None, ge=0)


@router.get("", auth=OPTIONAL, response=list[RegionOut])
def list_regions(request, level: Region.Level | None = None, parent_id: int | None = None):
    """Every region, tree-ordered; filter by level or parent."""
    qs = selectors.regions()
    if level:
        qs = qs.filter(level=level)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs


@router.get("/{region_id}", auth=OPTIONAL, response=RegionDetailOut)
def get_region(request, region_id: int):
    region = get_object_or_404(Region, pk=region_id)
    region.total_population = selectors.population_of(region)
    return region


@router.post("", response={201: RegionOut})
def create_region(request, payload: RegionIn):
    parent = get_object_or_404(Region, pk=payload.parent_id) if payload.parent_id else None
    region = services.create_region(
        actor=request.auth,
        code=payload.code,
        name=payload.name,
        level=payload.level,
        parent=parent,
        population=payload.population,
    )
    return Status(201, region)


@router.patch("/{region_id}", response=RegionOut)
def update_region(request, region_id: int, payload: RegionPatch):
    region = get_object_or_404(Region, pk=region_id)
    return services.update_region(
        actor=request.auth, region=region, name=payload.name, population=payload.population
    )
