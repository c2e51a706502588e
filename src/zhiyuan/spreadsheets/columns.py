"""Finding the header row of a roster and mapping its column titles to volunteer fields.

District offices title their columns differently (姓名 / 名字, 身份证号 / 证件号码 …), put
them in any order, and often put a merged title row or two above the real header.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

# The fields an import can fill, in the order the mapping page shows them.
FIELDS: dict[str, object] = {
    "real_name": _("Real name"),
    "id_type": _("ID type"),
    "id_number": _("ID number"),
    "phone": _("Mobile phone"),
    "community": _("Home community"),
    "skills": _("Skills"),
    "gender": _("Gender"),
    "birth_date": _("Birth date"),
    "political_status": _("Political status"),
    "national_no": _("National volunteer number"),
}
REQUIRED = ("real_name", "id_number", "phone")

# Exact titles first (after normalising), then fragments a title may contain.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "real_name": ("姓名", "名字", "志愿者姓名", "真实姓名", "name", "realname"),
    "id_type": ("证件类型", "证件种类", "idtype"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "证件号码",
        "证件号",
        "身份证",
        "公民身份号码",
        "身份证件号码",
        "idnumber",
    ),
    "phone": ("手机号", "手机", "手机号码", "联系电话", "电话", "联系方式", "移动电话", "phone"),
    "community": ("所属社区", "社区", "居住社区", "所在社区", "社区名称", "community"),
    "skills": ("技能", "特长", "技能特长", "专业技能", "专长", "skills"),
    "gender": ("性别", "gender", "sex"),
    "birth_date": ("出生日期", "出生年月日", "生日", "birthdate"),
    "political_status": ("政治面貌", "politicalstatus"),
    "national_no": (
        "志愿者统一编号",
        "统一编号",
        "全国志愿者编号",
        "全国统一编号",
        "国家志愿者编号",
        "nationalno",
        "nationalnumber",
    ),
}
FRAGMENTS: list[tuple[str, str]] = [
    ("统一编号", "national_no"),
    ("证件类型", "id_type"),
    ("身份证", "id_number"),
    ("证件号", "id_number"),
    ("手机", "phone"),
    ("电话", "phone"),
    ("社区", "community"),
    ("姓名", "real_name"),
    ("技能", "skills"),
    ("特长", "skills"),
    ("政治面貌", "political_status"),
    ("出生", "birth_date"),
    ("性别", "gender"),
]
HEADER_SCAN_ROWS = 20
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")


def normalise_title(title: str) -> str:
    """`" 身份证号码（必填）* "` -> `身份证号码`: NFKC, no spaces, no notes in brackets, no stars."""
    text = unicodedata.normalize("NFKC", title or "")
    text = _BRACKETS.sub("", text)
    text = "".join(text.split()).replace("*", "").replace(":", "").replace("_", "")
    return text.lower()


def field_for_title(title: str) -> str | None:
    text = normalise_title(title)
    if not text:
        return None
    for field, names in SYNONYMS.items():
        if text in names:
            return field
    for fragment, field in FRAGMENTS:
        if fragment in text:
            return field
    return None


def guess_mapping(header: list[str]) -> dict[str, int]:
    """Field -> column index for the titles we recognise; the first column wins a field."""
    mapping: dict[str, int] = {}
    for index, title in enumerate(header):
        field = field_for_title(title)
        if field is not None and field not in mapping:
            mapping[field] = index
    return mapping


def find_header_row(rows: list[list[str]]) -> int | None:
    """Index of the row that names the most fields (at least two), among the first rows.

    A merged title row ("2026年新兴社区志愿者名册") has one filled cell and names at most one.
    """
    best, best_score = None, 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = len(guess_mapping(row))
        if score > best_score:
            best, best_score = index, score
    return best


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how Excel names columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def missing_required(mapping: dict[str, int]) -> list[str]:
    return [field for field in REQUIRED if field not in mapping]
