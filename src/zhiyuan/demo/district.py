"""The demo region tree: one district, six subdistricts, 62 communities, 340,200 residents."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from zhiyuan.places.models import Region

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

DISTRICT_CODE = "120199000000"
DISTRICT_NAME = "示范区"
# The seed report: "区辖6个街道办事处，常住人口34.02万", a station in each of 62 communities.
POPULATION = 340_200

SUBDISTRICTS: list[tuple[str, list[str]]] = [
    (
        "新兴街道",
        [
            "朝阳里社区",
            "新兴里社区",
            "宝鸡西道社区",
            "南门外社区",
            "林泉社区",
            "新津社区",
            "万全道社区",
            "西宁道社区",
            "鞍山道社区",
            "陕西路社区",
            "衡阳路社区",
        ],
    ),
    (
        "南营门街道",
        [
            "南营门社区",
            "西康路社区",
            "长沙路社区",
            "宁乡里社区",
            "文化村社区",
            "贵阳路社区",
            "岳阳道社区",
            "卫津路社区",
            "四平道社区",
            "河北路社区",
        ],
    ),
    (
        "劝业场街道",
        [
            "福明社区",
            "新华社区",
            "滨西社区",
            "兆丰路社区",
            "花园路社区",
            "保定道社区",
            "桂林路社区",
            "长春道社区",
            "锦州道社区",
            "赤峰道社区",
            "滨江道社区",
        ],
    ),
    (
        "小白楼街道",
        [
            "开封道社区",
            "大沽路社区",
            "浙江路社区",
            "南京路社区",
            "建设路社区",
            "曲阜道社区",
            "徐州道社区",
            "泰安道社区",
            "营口道社区",
            "承德道社区",
        ],
    ),
    (
        "五大道街道",
        [
            "昆明路社区",
            "成都道社区",
            "常德道社区",
            "马场道社区",
            "重庆道社区",
            "大理道社区",
            "睦南道社区",
            "云南路社区",
            "新疆路社区",
            "贵州路社区",
        ],
    ),
    (
        "南市街道",
        [
            "南市社区",
            "荣业大街社区",
            "慎益大街社区",
            "福安大街社区",
            "清和大街社区",
            "广兴大街社区",
            "建物大街社区",
            "东兴大街社区",
            "食品街社区",
            "和平路社区",
        ],
    ),
]


def split_exactly(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, rounded so the parts sum to `total` exactly.

    Largest remainder: floor every share, then give the leftover units to the shares
    that lost most to the flooring.
    """
    scale = total / sum(weights)
    shares = [w * scale for w in weights]
    parts = [int(s) for s in shares]
    leftover = total - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return parts


def _save(code: str, name: str, level: str, parent: Region | None, population: int = 0):
    region = Region(code=code, name=name, level=level, parent=parent, population=population)
    region.path = region.build_path()
    region.save()
    return region


def build_regions(rng: random.Random) -> tuple[Region, list[Region], list[Region]]:
    """Save the tree; returns the district, its subdistricts and its communities."""
    names = [name for _sub, communities in SUBDISTRICTS for name in communities]
    populations = iter(split_exactly(POPULATION, [rng.uniform(0.55, 1.45) for _ in names]))
    district = _save(DISTRICT_CODE, DISTRICT_NAME, Region.Level.DISTRICT, None)
    subdistricts: list[Region] = []
    communities: list[Region] = []
    for s, (sub_name, community_names) in enumerate(SUBDISTRICTS, start=1):
        sub_prefix = f"{DISTRICT_CODE[:6]}{s:03d}"
        sub = _save(f"{sub_prefix}000", sub_name, Region.Level.SUBDISTRICT, district)
        subdistricts.append(sub)
        for c, name in enumerate(community_names, start=1):
            communities.append(
                _save(
                    f"{sub_prefix}{c:03d}",
                    name,
                    Region.Level.COMMUNITY,
                    sub,
                    next(populations),
                )
            )
    return district, subdistricts, communities


def add_district(ctx: DemoContext) -> None:
    ctx.district, ctx.subdistricts, ctx.communities = build_regions(ctx.rng)
    ctx.say(
        f"regions: 1 district, {len(ctx.subdistricts)} subdistricts, "
        f"{len(ctx.communities)} communities, {POPULATION} residents"
    )
