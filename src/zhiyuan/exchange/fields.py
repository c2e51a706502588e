"""The exchange format's one field list: record types and their data elements, in order.

The export writes exactly these fields (JSON Lines keys and .xlsx headers alike), the
transfer import reads the service-record fields it needs, and docs/exchange.md shows the
table `markdown_table()` renders (tests/… keep the two equal, so they cannot drift).

Field names are the data elements of MZ/T 061《志愿服务信息系统基本规范》 (volunteers, teams,
projects, service time, certificates) as the national volunteer-service information system
names them; the identifiers a district system adds (its own numbers) say so in their names.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMAT = "zhiyuan-exchange"
# Major.minor: a new optional field is a minor step; a renamed or removed one a major step.
VERSION = "1.0"
RECORD_TYPE = "记录类型"
HEADER = "文件头"


@dataclass(frozen=True)
class Element:
    key: str  # the exporter's name for the value
    name: str  # the data element: the field's name in every file
    meaning: str  # for docs/exchange.md
    personal: bool = False  # masked unless an office admin exports full values, audited


@dataclass(frozen=True)
class RecordType:
    key: str
    name: str  # the value of 记录类型, and the .xlsx sheet's name
    meaning: str
    elements: tuple[Element, ...]

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.elements]


E = Element
VOLUNTEER = RecordType(
    "volunteer",
    "志愿者",
    "Volunteers whose home community is in the scope, registered by the end of the period "
    "(active or suspended).",
    (
        E("national_no", "志愿者统一编号", "National unified volunteer number, empty if none yet"),
        E("volunteer_no", "本系统志愿者编号", "The district's own volunteer number (ZY…)"),
        E("real_name", "姓名", "Real name"),
        E("gender", "性别", "GB/T 2261.1 code: 1 male, 2 female"),
        E("birth_date", "出生日期", "YYYY-MM-DD"),
        E("id_type", "证件类型", "resident_id, hmt_residence, hk_macau_permit, …"),
        E("id_number", "证件号码", "ID number: masked unless full values", personal=True),
        E("phone", "手机号码", "Mobile phone: masked unless full values", personal=True),
        E("political_status", "政治面貌", "cpc_member, cyl_member, masses, …"),
        E("division_code", "所在地区代码", "Administrative division code of the home community"),
        E("community", "所在地区", "Subdistrict · community"),
        E("skills", "服务技能", "Skills, separated by 、"),
        E("registered_on", "注册日期", "YYYY-MM-DD"),
        E("status", "注册状态", "active or suspended"),
    ),
)
TEAM = RecordType(
    "team",
    "志愿团体",
    "Teams whose home region is in the scope, founded by the end of the period.",
    (
        E("team_id", "团体编号", "The team's number in this system"),
        E("name", "团体名称", "Name"),
        E("parent_id", "上级团体编号", "The parent team's number, empty for a corps"),
        E("level", "团体层级", "corps, detachment, squad, group"),
        E("kind", "团体类别", "department, community, unit, professional"),
        E("specialty", "服务领域", "Specialty of a professional team"),
        E("sponsor_unit", "发起单位", "Sponsor unit"),
        E("division_code", "所在地区代码", "Administrative division code of its region"),
        E("region", "所在地区", "Its region"),
        E("founded_on", "成立日期", "YYYY-MM-DD"),
        E("contact_name", "联系人", "Contact person"),
        E("contact_phone", "联系电话", "The team's published contact number"),
        E("status", "团体状态", "active or dissolved"),
    ),
)
PROJECT = RecordType(
    "project",
    "志愿服务项目",
    "Published or closed projects of the scope's teams running during the period.",
    (
        E("project_id", "项目编号", "The project's number in this system"),
        E("name", "项目名称", "Name"),
        E("category", "服务类别", "Category"),
        E("team_id", "发起团体编号", "Organising team's number"),
        E("team", "发起团体名称", "Organising team's name"),
        E("target_recipients", "服务对象", "Target recipients"),
        E("starts_on", "开始日期", "YYYY-MM-DD"),
        E("ends_on", "结束日期", "YYYY-MM-DD"),
        E("state", "项目状态", "published or closed"),
        E("is_brand", "品牌项目", "true or false"),
    ),
)
ACTIVITY = RecordType(
    "activity",
    "志愿服务活动",
    "Activities of those projects starting within the period.",
    (
        E("activity_id", "活动编号", "The activity's number in this system"),
        E("project_id", "项目编号", "Its project's number"),
        E("title", "活动名称", "Title"),
        E("place", "服务地点", "The station's name, or the address"),
        E("starts_at", "开始时间", "YYYY-MM-DDTHH:MM:SS+08:00"),
        E("ends_at", "结束时间", "YYYY-MM-DDTHH:MM:SS+08:00"),
        E("status", "活动状态", "scheduled or cancelled"),
    ),
)
RECORD = RecordType(
    "record",
    "志愿服务记录",
    "Approved current service records served within the period by the scope's volunteers "
    "(records transferred in from elsewhere are not sent back).",
    (
        E("record_id", "记录编号", "The record's number in this system"),
        E("national_no", "志愿者统一编号", "The volunteer's national number"),
        E("volunteer_no", "本系统志愿者编号", "The volunteer's number here"),
        E("real_name", "姓名", "Real name"),
        E("id_type", "证件类型", "As for volunteers"),
        E("id_number", "证件号码", "Masked unless full values", personal=True),
        E("served_on", "服务日期", "YYYY-MM-DD"),
        E("hours", "服务时长", "Hours, two decimals"),
        E("content", "服务内容", "Service content"),
        E("persons_served", "服务对象人数", "Persons served"),
        E("project_id", "项目编号", "Project's number, empty if none"),
        E("project", "项目名称", "Project's name"),
        E("activity_id", "活动编号", "Activity's number, empty if none"),
        E("team_id", "记录团体编号", "Recording team's number"),
        E("team", "记录团体名称", "Recording team's name"),
        E("source", "记录方式", "measured (check-in/out) or entered (by the organiser)"),
        E("recorded_on", "记录日期", "YYYY-MM-DD"),
    ),
)
CERTIFICATE = RecordType(
    "certificate",
    "志愿服务证书",
    "Certificates (志愿服务记录证明) issued within the period to the scope's volunteers.",
    (
        E("number", "证书编号", "Certificate number"),
        E("national_no", "志愿者统一编号", "The volunteer's national number"),
        E("volunteer_no", "本系统志愿者编号", "The volunteer's number here"),
        E("real_name", "姓名", "Real name"),
        E("id_number", "证件号码", "Masked unless full values", personal=True),
        E("team_id", "出具团体编号", "Issuing team's number"),
        E("team", "出具团体名称", "Issuing team's name"),
        E("period_from", "服务起始日期", "YYYY-MM-DD"),
        E("period_to", "服务截止日期", "YYYY-MM-DD"),
        E("total_hours", "服务总时长", "Hours"),
        E("content", "服务内容", "Service content"),
        E("responsible_person", "负责人", "Responsible person"),
        E("handler_name", "经办人", "Handled by"),
        E("issued_on", "出具日期", "YYYY-MM-DD"),
    ),
)
RECORD_TYPES: tuple[RecordType, ...] = (VOLUNTEER, TEAM, PROJECT, ACTIVITY, RECORD, CERTIFICATE)

# What a transfer file (转移接续) must or may hold for each record: the service-record
# elements above, and the headings other systems use for them. An export's 志愿服务记录 from
# another district is a transfer file as it is.
TRANSFER_COLUMNS: dict[str, tuple[str, ...]] = {
    "record_no": ("记录编号", "服务记录编号", "记录id"),
    "national_no": ("志愿者统一编号", "统一编号"),
    "id_type": ("证件类型",),
    "id_number": ("证件号码", "身份证号码", "身份证号"),
    "real_name": ("姓名", "志愿者姓名"),
    "served_on": ("服务日期", "服务开始日期", "服务时间", "活动日期"),
    "hours": ("服务时长", "服务时长(小时)", "时长", "服务小时数"),
    "organisation": ("记录团体名称", "记录组织", "志愿服务组织", "组织名称", "团体名称"),
    "project": ("项目名称", "活动名称"),
    "content": ("服务内容",),
}
TRANSFER_REQUIRED = ("served_on", "hours", "organisation")


def markdown_table() -> str:
    """The field table of docs/exchange.md, as the code defines it."""
    lines = [
        "| record type (记录类型) | field (data element) | meaning | personal |",
        "| --- | --- | --- | --- |",
    ]
    for kind in RECORD_TYPES:
        for e in kind.elements:
            lines.append(
                f"| {kind.name} | {e.name} | {e.meaning} | {'yes' if e.personal else ''} |"
            )
    return "\n".join(lines)


def transfer_table() -> str:
    """The transfer file's columns for docs/exchange.md: the first heading is the element."""
    lines = ["| column | also read under | required |", "| --- | --- | --- |"]
    for key, names in TRANSFER_COLUMNS.items():
        required = "yes" if key in TRANSFER_REQUIRED else ""
        lines.append(f"| {names[0]} | {'、'.join(names[1:])} | {required} |")
    return "\n".join(lines)
