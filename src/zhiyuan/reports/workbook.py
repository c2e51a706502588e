"""The statistics as an .xlsx workbook: one sheet of headline figures, one per distribution,
the monthly trends and the coverage table. Figures only: no personal data."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from zhiyuan.reports import evaluations, glossary, labels
from zhiyuan.reports.statistics import Figures
from zhiyuan.spreadsheets.writing import XlsxBook, export_title

HEADLINE = [
    "volunteers_total",
    "volunteers_new",
    "volunteers_active",
    "population",
    "one_in_every",
    "teams_total",
    "teams_new",
    "teams_professional",
    "stations_total",
    "stations_community",
    "stations_public_place",
    "service_points",
    "bases",
    "public_places",
    "projects_total",
    "brand_projects",
    "activities_total",
    "hours_approved",
    "hours_measured",
    "hours_entered",
    "hours_pending",
    "hours_transferred",
    "records_transferred",
    "person_times",
    "persons_served",
    "civility_person_times",
    "civility_persons_served",
    "starred_volunteers",
    # evaluations and complaints
    "ratings_activity",
    "activities_rated",
    "ratings_service",
    *evaluations.HEADLINE,
]
RATED = [
    ("ratings_by_project", _lazy("Project")),
    ("ratings_by_team", _lazy("Team")),
    ("ratings_by_station", _lazy("Station")),
]
DISTRIBUTIONS = [
    ("volunteers_by_age_band", labels.AGE_BANDS),
    ("volunteers_by_political_status", labels.POLITICAL),
    ("volunteers_by_gender", labels.GENDER),
    ("volunteers_by_skill", {}),
    ("teams_by_level", labels.TEAM_LEVELS),
    ("teams_by_kind", labels.TEAM_KINDS),
    ("teams_by_specialty", {}),
    ("stations_by_kind", labels.STATION_KINDS),
    ("stations_by_audit_state", labels.AUDIT_STATES),
    ("bases_by_level", {}),
    ("projects_by_category", {}),
    ("activities_by_category", {}),
    ("star_distribution", labels.STARS),
]
MONTHLY = [
    "hours_by_month",
    "person_times_by_month",
    "persons_served_by_month",
    "new_volunteers_by_month",
    "civility_person_times_by_month",
    "civility_persons_served_by_month",
]


def build(f: Figures) -> bytes:
    """The workbook in the active language, through the one spreadsheet writer (names of
    projects and teams are user text): every figure's name and definition from the glossary
    (statistics.py's one definition of each)."""
    book = XlsxBook()
    title = export_title(
        f"{_('Scope')}: {f.scope_label}",
        f"{_('Period')}: "
        + _("%(start)s to %(end)s (exclusive)")
        % {"start": f.start.isoformat(), "end": f.end.isoformat()},
    )
    sheet = book.sheet(
        _("Main figures"),
        [_("Figure"), _("Code"), _("Value"), _("Unit"), _("Definition")],
        title=title,
    )
    provided = sorted(
        k
        for k, v in f.data.items()
        if k.split("_")[0] in ("helpdesk", "honours", "news", "training")
        and not isinstance(v, dict | list)
    )
    for key in [*HEADLINE, *provided]:
        d = glossary.define(key)
        sheet.append(
            [glossary.label(key), key, f.get(key), str(d.unit) if d else "", d.tooltip if d else ""]
        )

    dist = book.sheet(
        _("Distributions"), [_("Distribution"), _("Code"), _("Name"), _("Count")], title=title
    )
    for key, names in DISTRIBUTIONS:
        for code, n in (f.get(key) or {}).items():
            dist.append([glossary.label(key), code, str(names.get(code, code)), n])

    months = book.sheet(
        _("By month"), [_("Month"), *[glossary.label(key) for key in MONTHLY]], title=title
    )
    for month in f.get("hours_by_month", {}):
        months.append([month, *[f[key].get(month, 0) for key in MONTHLY]])

    coverage = book.sheet(
        _("Coverage"),
        [
            _("Level"),
            _("Region code"),
            _("Name"),
            glossary.label("population"),
            glossary.label("volunteers_total"),
            glossary.label("one_in_every"),
        ],
        title=title,
    )
    for level, key in (
        (_("Subdistrict"), "coverage_by_subdistrict"),
        (_("Community"), "coverage_by_community"),
    ):
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
        _("Rankings"),
        [
            _("Kind"),
            _("Name"),
            glossary.label("hours_approved"),
            glossary.label("person_times"),
            glossary.label("persons_served"),
        ],
        title=title,
    )
    for kind, key in ((_("Project"), "top_projects"), (_("Team"), "top_teams")):
        for row in f.get(key, []):
            top.append(
                [kind, row["name"], row["hours"], row["person_times"], row["persons_served"]]
            )

    rated = book.sheet(
        _("Ratings"),
        [_("Kind"), _("Name"), _("Average (1–5)"), _("Ratings"), _("Definition")],
        title=title,
    )
    for key, kind in RATED:
        for row in f.get(key) or []:
            rated.append(
                [
                    str(kind),
                    row["name"],
                    row["score"],
                    row["ratings"],
                    glossary.GLOSSARY[key].tooltip,
                ]
            )

    return book.save()
