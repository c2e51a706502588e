"""The yearly report's wording: default section texts (modelled on the seed report), the
placeholders they may use, their validation, and filling them from a year's figures."""

from __future__ import annotations

import re
import string
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from zhiyuan.core.errors import ValidationFailed

# Section headings without their number: a section with nothing to say is left out and
# the others are numbered 一、二、三 in order (yearly.py).
HEADINGS = {
    "teams": "抓队伍，积极构建志愿服务的组织结构。",
    "stations": "抓阵地，不断拓展志愿服务的活动领域。",
    "projects": "抓项目，努力做强志愿服务活动品牌。",
    "guidance": "抓引导，大力普及志愿服务理念。",
}
NUMERALS = "一二三四五六七八九十"

# Each sentence says one thing: a sentence whose figure is zero or missing is left out rather
# than printed with a 0 (fill()). {we}, {whole} and {office} follow the scope: 我区 / 我街道
# / 本队, 全区 / 全街道 / 全队, 区文明办 / 街道办事处 / the team.
DEFAULT_TITLE = "{district}{year}年志愿服务工作报告"
DEFAULT = {
    "opening": (
        "{district}{area}，常住人口{population_wan}万。"
        "{year}年，{we}紧紧围绕中央和市、区文明委工作重点，以“学雷锋、三关爱”为主题，大力普及"
        "“奉献他人、提升自己”的志愿服务理念，推动学雷锋活动志愿服务常态化。"
        "{whole}现有注册志愿者{volunteers_total}人。"
        "{year}年新增志愿者{volunteers_new}人。"
        "{volunteers_active}名志愿者参加了志愿服务，记录志愿服务{hours_approved}小时、"
        "{person_times}人次。"
        "{cutoff_note}"
        "主要做法是："
    ),
    "teams": (
        "{office}作为志愿服务工作牵头单位，始终把不断壮大志愿者队伍摆在重要位置来抓。"
        "{whole}现有志愿服务队伍{teams_total}支。"
        "其中总队{teams_corps}支、支队{teams_detachment}支、分队{teams_squad}支，形成了总队、"
        "支队和分队的三级志愿服务组织体系。"
        "科普、环保、平安、消防、卫生、文化等专业志愿服务队{teams_professional}支。"
        "{year}年新成立队伍{teams_new}支。"
        "{whole}平均每{one_in_every}名居民中就有一名志愿者。"
        "注册志愿者中党员{volunteers_cpc}人。"
        "35岁及以下青年{volunteers_young}人。"
        "60岁以上{volunteers_senior}人。"
        "{starred_volunteers}名志愿者获得星级志愿者认定。"
        "{year}年{we}志愿者和志愿服务组织获各级表彰{honours_awards}项。"
        "其中优秀志愿者{honours_awarded_volunteers}人。"
        "优秀志愿服务团队{honours_awarded_teams}支。"
    ),
    "stations": (
        "依照“有场所、有标识、有队伍、有制度、有项目、有档案、勤管理、能服务”的标准，在"
        "{communities_with_station}个社区设立学雷锋志愿服务站{stations_community}个。"
        "在公园、广场、旅游景区、商业区、体育场馆、居民小区等{public_places}处公共场所建立"
        "志愿服务站{stations_public_place}个。"
        "设立志愿服务点{service_points}个。"
        "{stations_compliant}个站点经检查达到“八有”标准。"
        "{whole}现有志愿服务基地{bases}个。"
        "每月12日坚持开展“文明礼让日”活动，各类志愿服务站与志愿者团队同步开展公共文明引导"
        "服务，{year}年志愿者上岗{civility_person_times}人次，受益群众{civility_persons_served}"
        "人次。"
    ),
    "projects": (
        "{year}年开展志愿服务项目{projects_total}个。"
        "开展志愿服务活动{activities_total}场。"
        "其中品牌项目{brand_projects}个（{brand_project_names}）。"
        "志愿者累计服务{hours_approved}小时，其中签到签退实测{hours_measured}小时。"
        "组织者补录{hours_entered}小时。"
        "服务记录登记受益群众{persons_served}人次。"
        "办结群众求助{helpdesk_requests_done}件，服务群众{helpdesk_persons_served}人次。"
        "{honours_awarded_projects}个项目获评优秀志愿服务项目。"
        "志愿者对所参加活动的平均评分为{ratings_activity_score}分（满分5分）。"
        "{activities_rated_percent}%的活动获得志愿者评价。"
        "组织方对志愿者服务的平均评分为{ratings_service_score}分。"
        "{year}年受理群众投诉{complaints_filed}件。"
        "其中查实办结{complaints_resolved}件。"
        "经核实不予支持{complaints_dismissed}件。"
        "投诉办理用时中位数为{complaint_days_median}天。"
        "超过办理时限办结{complaints_closed_late}件。"
    ),
    "guidance": (
        "我们利用志愿服务网等媒体平台开设专栏，{year}年宣传学雷锋活动、志愿服务活动新闻消息"
        "{news_articles_published}篇。"
        "{news_reprint_sites}家网站转载{we}志愿服务信息{news_reprints}条，树立了弘扬雷锋精神、"
        "参与志愿服务的正确舆论导向。"
        "{year}年开展志愿者培训{training_sessions}期，{training_completions}人次完成培训。"
    ),
    "closing": (
        "在推进志愿服务创新发展的实践中，我们也深刻地认识到，与上级的要求、与志愿服务工作先进"
        "地区相比，我们还有不小的差距。我们将借鉴兄弟城区的好经验、好做法，不断创新发展，满足"
        "广大群众需求，推进志愿服务活动的常态化、制度化健康发展。"
    ),
}

# Every name a section may use, with what it stands for (shown on the edit page, in the
# reader's language).
PLACEHOLDERS = {
    "year": pgettext_lazy("report placeholder", "report year"),
    "district": pgettext_lazy(
        "report placeholder", "name of the region, team or station reported on"
    ),
    "we": pgettext_lazy("report placeholder", "我区 / 我街道 / 我社区 / 本队 / 本站, by scope"),
    "whole": pgettext_lazy("report placeholder", "全区 / 全街道 / 全社区 / 全队 / 全站, by scope"),
    "office": pgettext_lazy(
        "report placeholder", "the issuing office: 区文明办, the subdistrict's office, the team"
    ),
    "area": pgettext_lazy("report placeholder", "辖N个街道、N个社区 (regions only)"),
    "cutoff_note": pgettext_lazy("report placeholder", "本报告数据截至… (the current year only)"),
    "subdistricts": pgettext_lazy("report placeholder", "subdistricts"),
    "communities": pgettext_lazy("report placeholder", "communities"),
    "population": pgettext_lazy("report placeholder", "resident population"),
    "population_wan": pgettext_lazy("report placeholder", "resident population in 万"),
    "volunteers_total": pgettext_lazy("report placeholder", "registered volunteers"),
    "volunteers_new": pgettext_lazy("report placeholder", "volunteers registered this year"),
    "volunteers_active": pgettext_lazy("report placeholder", "volunteers who served this year"),
    "volunteers_cpc": pgettext_lazy("report placeholder", "CPC members among volunteers"),
    "volunteers_young": pgettext_lazy("report placeholder", "volunteers aged 35 and under"),
    "volunteers_senior": pgettext_lazy("report placeholder", "volunteers aged 60 and over"),
    "one_in_every": pgettext_lazy("report placeholder", "one volunteer in every N residents"),
    "starred_volunteers": pgettext_lazy("report placeholder", "volunteers with a star level"),
    "teams_total": pgettext_lazy("report placeholder", "teams"),
    "teams_corps": pgettext_lazy("report placeholder", "corps"),
    "teams_detachment": pgettext_lazy("report placeholder", "detachments"),
    "teams_squad": pgettext_lazy("report placeholder", "squads"),
    "teams_professional": pgettext_lazy("report placeholder", "professional teams"),
    "teams_new": pgettext_lazy("report placeholder", "teams founded this year"),
    "stations_total": pgettext_lazy("report placeholder", "stations and points"),
    "stations_community": pgettext_lazy("report placeholder", "community stations"),
    "stations_public_place": pgettext_lazy("report placeholder", "public-place stations"),
    "service_points": pgettext_lazy("report placeholder", "service points"),
    "stations_compliant": pgettext_lazy(
        "report placeholder", "stations meeting the eight standards"
    ),
    "communities_with_station": pgettext_lazy("report placeholder", "communities with a station"),
    "public_places": pgettext_lazy("report placeholder", "public places with a station"),
    "bases": pgettext_lazy("report placeholder", "designated bases"),
    "civility_person_times": pgettext_lazy(
        "report placeholder", "civility-day volunteer person-times"
    ),
    "civility_persons_served": pgettext_lazy("report placeholder", "civility-day persons served"),
    "projects_total": pgettext_lazy("report placeholder", "projects"),
    "activities_total": pgettext_lazy("report placeholder", "activities"),
    "brand_projects": pgettext_lazy("report placeholder", "brand projects"),
    "brand_project_names": pgettext_lazy("report placeholder", "names of brand projects"),
    "hours_approved": pgettext_lazy("report placeholder", "approved service hours"),
    "hours_measured": pgettext_lazy("report placeholder", "measured hours"),
    "hours_entered": pgettext_lazy("report placeholder", "entered hours"),
    "person_times": pgettext_lazy("report placeholder", "volunteer person-times"),
    "persons_served": pgettext_lazy("report placeholder", "persons served"),
    "helpdesk_requests_done": pgettext_lazy("report placeholder", "help requests done"),
    "helpdesk_persons_served": pgettext_lazy(
        "report placeholder", "persons served by help requests"
    ),
    "ratings_activity_score": pgettext_lazy(
        "report placeholder", "volunteers' average rating of activities (1–5)"
    ),
    "ratings_team_score": pgettext_lazy(
        "report placeholder", "volunteers' average rating of organisers (1–5)"
    ),
    "activities_rated_percent": pgettext_lazy(
        "report placeholder", "share of activities rated (%)"
    ),
    "ratings_service_score": pgettext_lazy(
        "report placeholder", "organisers' average rating of volunteers' service (1–5)"
    ),
    "services_rated_percent": pgettext_lazy("report placeholder", "share of services rated (%)"),
    "complaints_filed": pgettext_lazy("report placeholder", "complaints filed"),
    "complaints_resolved": pgettext_lazy("report placeholder", "complaints resolved"),
    "complaints_dismissed": pgettext_lazy("report placeholder", "complaints dismissed"),
    "complaint_days_median": pgettext_lazy(
        "report placeholder", "median days to close a complaint"
    ),
    "complaints_closed_late": pgettext_lazy(
        "report placeholder", "complaints closed after their deadline"
    ),
    "complaints_overdue": pgettext_lazy(
        "report placeholder", "open complaints past their deadline"
    ),
    "honours_awards": pgettext_lazy("report placeholder", "awards"),
    "honours_awarded_volunteers": pgettext_lazy("report placeholder", "awarded volunteers"),
    "honours_awarded_teams": pgettext_lazy("report placeholder", "awarded teams"),
    "honours_awarded_projects": pgettext_lazy("report placeholder", "awarded projects"),
    "honours_awarded_stations": pgettext_lazy("report placeholder", "awarded stations"),
    "news_articles_published": pgettext_lazy("report placeholder", "articles published"),
    "news_reprints": pgettext_lazy("report placeholder", "reprints"),
    "news_reprint_sites": pgettext_lazy("report placeholder", "reprinting sites"),
    "training_sessions": pgettext_lazy("report placeholder", "training sessions"),
    "training_completions": pgettext_lazy("report placeholder", "training completions"),
    "training_hours": pgettext_lazy("report placeholder", "training hours"),
}


def placeholders_in(text: str) -> list[str]:
    """The placeholder names in `text`; raises ValueError on unbalanced braces."""
    return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]


def validate(texts: dict[str, str]) -> None:
    """Refuse a text with a placeholder not in PLACEHOLDERS, or with broken braces."""
    errors: dict[str, list[str]] = {}
    for field, text in texts.items():
        try:
            names = placeholders_in(text)
        except ValueError:
            errors[field] = [
                _("Braces do not match: write {name} for a figure and {{ or }} for a brace.")
            ]
            continue
        unknown = [n for n in names if n not in PLACEHOLDERS]
        if unknown:
            errors[field] = [
                _("Unknown placeholder(s): %(names)s.")
                % {"names": ", ".join("{" + n + "}" for n in unknown)}
            ]
    if errors:
        raise ValidationFailed(errors)


def number(value) -> str:
    """A figure as printed: thousands separated, at most one decimal, no trailing ".0"
    (1870844.0 → "1,870,844"; 2.25 → "2.3"); None as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{float(value):,.1f}".removesuffix(".0")


# Placeholders that never leave a sentence out (words, not figures).
WORDS = {"year", "district", "we", "whole", "office", "cutoff_note"}


def context(figures, *, year: int, district: str, words: dict[str, str] | None = None) -> dict:
    """The placeholder values for a year's figures (missing provider figures read 0), as
    printed; `words` gives the scope's we / whole / office / area / cutoff_note."""
    d = figures.data
    ages = d.get("volunteers_by_age_band", {})
    levels = d.get("teams_by_level", {})
    political = d.get("volunteers_by_political_status", {})
    subdistricts = len(d.get("coverage_by_subdistrict", []))
    communities = len(d.get("coverage_by_community", []))
    values = {name: 0 for name in PLACEHOLDERS}
    values.update({k: v for k, v in d.items() if k in PLACEHOLDERS})
    values.update(
        {
            "year": str(year),
            "district": district,
            "we": "我区",
            "whole": "全区",
            "office": "区文明办",
            "cutoff_note": "",
            "area": (f"辖{subdistricts}个街道、{communities}个社区" if subdistricts > 1 else "")
            or (f"辖{communities}个社区" if communities else ""),
            "subdistricts": subdistricts,
            "communities": communities,
            "population_wan": round(d.get("population", 0) / 10000, 2),
            "volunteers_cpc": political.get("cpc_member", 0) + political.get("cpc_probationary", 0),
            "volunteers_young": ages.get("under_18", 0) + ages.get("18_35", 0),
            "volunteers_senior": ages.get("60_plus", 0),
            "teams_corps": levels.get("corps", 0),
            "teams_detachment": levels.get("detachment", 0),
            "teams_squad": levels.get("squad", 0),
            "stations_compliant": d.get("stations_by_audit_state", {}).get("compliant", 0),
            "brand_project_names": "、".join(f"“{n}”" for n in d.get("brand_project_names", []))
            or "",
        }
    )
    values.update(words or {})
    return {k: v if isinstance(v, str) else number(v) for k, v in values.items()}


def _says_nothing(value: str) -> bool:
    return value in ("", "0", "—")


def sentences(text: str) -> list[str]:
    """The text's sentences, each up to and with its 。 (the last may have none)."""
    return re.findall(r"[^。]*。|[^。]+$", text)


def left_out(section: str, text: str) -> list[str]:
    """The default wording's sentences for `section` whose figures `text` never names: what
    the platform learnt to report after a district saved its own wording (the ratings and
    complaints sentences, say), or what the district took out on purpose."""
    if section not in DEFAULT:
        return []
    try:
        used = set(figures_in(text))
    except ValueError:
        return []
    return [
        sentence
        for sentence in sentences(DEFAULT[section])
        if (names := set(figures_in(sentence))) and not names & used
    ]


def fill_counting(text: str, values: dict[str, str]) -> tuple[str, int]:
    """The text with its placeholders filled, leaving out each sentence (up to 。) that names
    a figure which is zero or missing (a report says what was done, not what was not), and
    how many sentences with a figure were kept."""
    kept, with_figures = [], 0
    for sentence in sentences(text):
        try:
            names = [n for n in placeholders_in(sentence) if n not in WORDS]
        except ValueError:
            names = []
        if any(_says_nothing(values.get(n, "")) for n in names):
            continue
        with_figures += bool(names)
        kept.append(sentence.format_map(values))
    return "".join(kept), with_figures


def fill(text: str, values: dict[str, str]) -> str:
    return fill_counting(text, values)[0]


def figures_in(text: str) -> list[str]:
    """The figure placeholders (not words) in a text."""
    return [n for n in placeholders_in(text) if n not in WORDS]
