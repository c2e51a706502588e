"""Chinese labels for the stable codes in the figures, for the Word report's charts and the
workbook (both are Chinese documents, like the seed report)."""

from __future__ import annotations

AGE_BANDS = {"under_18": "18岁以下", "18_35": "18–35岁", "36_59": "36–59岁", "60_plus": "60岁以上"}
TEAM_LEVELS = {"corps": "总队", "detachment": "支队", "squad": "分队", "group": "小组"}
TEAM_KINDS = {"department": "部门", "community": "社区", "unit": "单位", "professional": "专业"}
STATION_KINDS = {
    "community": "社区服务站",
    "public_place": "公共场所服务站",
    "point": "服务点",
    "base": "志愿服务基地",
}
AUDIT_STATES = {"compliant": "达标", "short": "未达标", "unaudited": "未检查"}
POLITICAL = {
    "cpc_member": "中共党员",
    "cpc_probationary": "预备党员",
    "cyl_member": "共青团员",
    "democratic_party": "民主党派",
    "masses": "群众",
}
GENDER = {"M": "男", "F": "女"}
STARS = {str(n): ("未评星" if n == 0 else f"{n}星") for n in range(6)}


def relabel(values: dict, names: dict) -> dict:
    return {names.get(k, k): v for k, v in values.items()}
