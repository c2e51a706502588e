"""Names of the stable codes in the figures (age bands, team levels, station kinds …), in
the active language: the Word report renders them in Chinese, the dashboard and workbook in
the user's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AGE_BANDS = {
    "under_18": _("Under 18"),
    "18_35": _("18–35"),
    "36_59": _("36–59"),
    "60_plus": _("60 and over"),
}
TEAM_LEVELS = {
    "corps": _("Corps"),
    "detachment": _("Detachment"),
    "squad": _("Squad"),
    "group": _("Group"),
}
TEAM_LEVEL_ORDER = ("corps", "detachment", "squad", "group")
TEAM_KINDS = {
    "department": _("Department"),
    "community": _("Community"),
    "unit": _("Unit"),
    "professional": _("Professional"),
}
STATION_KINDS = {
    "community": _("Community station"),
    "public_place": _("Public-place station"),
    "point": _("Service point"),
    "base": _("Volunteer-service base"),
}
AUDIT_STATES = {
    "compliant": _("Meets the standards"),
    "short": _("Short of the standards"),
    "unaudited": _("Not audited"),
}
POLITICAL = {
    "cpc_member": _("CPC member"),
    "cpc_probationary": _("CPC probationary member"),
    "cyl_member": _("CYL member"),
    "democratic_party": _("Democratic party member"),
    "masses": _("The masses"),
}
GENDER = {"M": _("Male"), "F": _("Female")}
STARS = {
    "0": _("No star"),
    "1": _("1 star"),
    "2": _("2 stars"),
    "3": _("3 stars"),
    "4": _("4 stars"),
    "5": _("5 stars"),
}


def relabel(values: dict, names: dict, order: tuple[str, ...] = ()) -> dict:
    """The values under their names, in `order` first (codes missing from it after)."""
    codes = [c for c in order if c in values] + [c for c in values if c not in order]
    return {str(names.get(c, c)): values[c] for c in codes}
