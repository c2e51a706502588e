"""The statistics as an .xlsx workbook: one sheet of headline figures, one per distribution,
the monthly trends and the coverage table. Figures only: no personal data."""

from __future__ import annotations

from zhiyuan.reports import labels
from zhiyuan.reports.statistics import Figures
from zhiyuan.spreadsheets.writing import XlsxBook, export_title

HEADLINE = [
    ("volunteers_total", "注册志愿者"),
    ("volunteers_new", "新增志愿者"),
    ("volunteers_active", "参加服务的志愿者"),
    ("population", "常住人口"),
    ("one_in_every", "每N名居民一名志愿者"),
    ("teams_total", "志愿服务队伍"),
    ("teams_new", "新成立队伍"),
    ("teams_professional", "专业志愿服务队"),
    ("stations_total", "服务站点"),
    ("stations_community", "社区服务站"),
    ("stations_public_place", "公共场所服务站"),
    ("service_points", "服务点"),
    ("bases", "志愿服务基地"),
    ("public_places", "设站公共场所"),
    ("projects_total", "志愿服务项目"),
    ("brand_projects", "品牌项目"),
    ("activities_total", "志愿服务活动"),
    ("hours_approved", "服务时长（小时，已审核）"),
    ("hours_measured", "其中实测（小时）"),
    ("hours_entered", "其中补录（小时）"),
    ("hours_pending", "待审核时长（小时）"),
    ("person_times", "志愿服务人次"),
    ("persons_served", "服务群众人次"),
    ("civility_person_times", "文明礼让日志愿服务人次"),
    ("civility_persons_served", "文明礼让日服务群众人次"),
    ("starred_volunteers", "星级志愿者"),
]
DISTRIBUTIONS = [
    ("volunteers_by_age_band", "年龄", labels.AGE_BANDS),
    ("volunteers_by_political_status", "政治面貌", labels.POLITICAL),
    ("volunteers_by_gender", "性别", labels.GENDER),
    ("volunteers_by_skill", "技能", {}),
    ("teams_by_level", "队伍层级", labels.TEAM_LEVELS),
    ("teams_by_kind", "队伍类型", labels.TEAM_KINDS),
    ("teams_by_specialty", "专业领域", {}),
    ("stations_by_kind", "站点类型", labels.STATION_KINDS),
    ("stations_by_audit_state", "八有检查", labels.AUDIT_STATES),
    ("bases_by_level", "基地级别", {}),
    ("projects_by_category", "项目类别", {}),
    ("activities_by_category", "活动类别", {}),
    ("star_distribution", "星级", labels.STARS),
]
MONTHLY = [
    ("hours_by_month", "服务时长"),
    ("person_times_by_month", "志愿服务人次"),
    ("persons_served_by_month", "服务群众人次"),
    ("new_volunteers_by_month", "新增志愿者"),
    ("civility_person_times_by_month", "文明礼让日志愿服务人次"),
    ("civility_persons_served_by_month", "文明礼让日服务群众人次"),
]


def build(f: Figures) -> bytes:
    # Through the one spreadsheet writer: names of projects and teams are user text.
    book = XlsxBook()
    title = export_title(
        f"范围：{f.scope_label}", f"统计期间：{f.start.isoformat()} 至 {f.end.isoformat()}（不含）"
    )
    sheet = book.sheet("主要数据", ["指标", "代码", "数值"], title=title)
    for key, name in HEADLINE:
        sheet.append([name, key, f.get(key)])
    provided = sorted(
        k
        for k, v in f.data.items()
        if "_" in k
        and k.split("_")[0] in ("helpdesk", "honours", "news", "training")
        and not isinstance(v, dict | list)
    )
    for key in provided:
        sheet.append([key, key, f[key]])

    dist = book.sheet("分布", ["分布", "代码", "名称", "数量"], title=title)
    for key, title, names in DISTRIBUTIONS:
        for code, n in (f.get(key) or {}).items():
            dist.append([title, code, names.get(code, code), n])

    months = book.sheet("按月", ["月份", *[name for _key, name in MONTHLY]], title=title)
    for month in f.get("hours_by_month", {}):
        months.append([month, *[f[key].get(month, 0) for key, _name in MONTHLY]])

    coverage = book.sheet(
        "覆盖率",
        ["层级", "区划代码", "名称", "常住人口", "志愿者", "每N名居民一名志愿者"],
        title=title,
    )
    for level, key in (("街道", "coverage_by_subdistrict"), ("社区", "coverage_by_community")):
        for row in f.get(key, []):
            coverage.append(
                [
                    level,
                    row["code"],
                    row["name"],
                    row["population"],
                    row["volunteers"],
                    row["one_in_every"],
                ]
            )

    top = book.sheet(
        "排行", ["类别", "名称", "服务时长", "志愿服务人次", "服务群众人次"], title=title
    )
    for kind, key in (("项目", "top_projects"), ("队伍", "top_teams")):
        for row in f.get(key, []):
            top.append(
                [kind, row["name"], row["hours"], row["person_times"], row["persons_served"]]
            )

    return book.save()
