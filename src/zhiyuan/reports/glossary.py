"""One definition per figure: what is counted, by which date, which rows belong to a scope.

Every figure statistics.compute() returns is defined here, next to the computation, and
these definitions are what the dashboard's tooltips, the yearly report's annex and the
statistics workbook show. The period is always [start, end): from its first day up to,
not including, its end. A figure is `additive` when every row it counts belongs to exactly
one child region, so the figures of a district's subdistricts add up to the district's
(tests/reports check it on random data).

Terms used throughout: 服务人次 (person_times) is the number of service records;
受益群众人次 (persons_served) the persons noted as served on those records; 服务群众人次
(helpdesk_persons_served) the people served by finished help requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PERIOD = _("Period [start, end): from its first day up to, not including, its end.")

# When a row counts for a period.
REGISTERED_BY_END = _(
    "Registered before the end of the period, and active (not pending or suspended) today."
)
REGISTERED_IN = _("Registered within the period, and active today.")
SERVED_IN = _(
    "Served within the period (the record's day of service); current versions of "
    "approved records only."
)
PENDING_IN = _("Served within the period; current versions still awaiting approval.")
SERVED_BEFORE_END = _(
    "Hours approved with a day of service before the end of the period (a period running "
    "into today uses today's totals), against the current star thresholds."
)
FOUNDED_BY_END = _(
    "Founded before the end of the period (or created then, if no founding date), and active today."
)
FOUNDED_IN = _("Founded within the period, and active today.")
OPEN_BY_END = _("Created before the end of the period, and open today.")
AUDIT_LATEST = _("The latest audit of each station counted, whenever it was made.")
RAN_IN = _(
    "Published or closed projects running during the period, or with an activity or an "
    "approved record in it."
)
HELD_IN = _("Scheduled activities starting within the period.")
CIVILITY_IN = _(
    "Served on a 12th of a month within the period, in a project of the civility-guidance "
    "category (文明礼让日); approved current records."
)
RESIDENTS = _("The resident population recorded for each community.")
FINISHED_IN = _("Help requests finished (done or rated) within the period.")
SUBMITTED_IN = _("Help requests submitted within the period.")
AWARDED_IN = _("Published awards dated within the period.")
PUBLISHED_IN = _("Articles published, and reprints made, within the period.")
TRAINED_IN = _("Scheduled training sessions starting within the period, and their enrolments.")
RATED_ACTIVITIES = _(
    "Ratings of the scheduled activities starting within the period, whenever they were given."
)
COMPLAINTS_FILED_IN = _("Complaints filed within the period, whatever their status today.")
COMPLAINTS_CLOSED_IN = _("Complaints resolved or dismissed within the period.")
COMPLAINTS_OVERDUE = _(
    "Complaints still open whose deadline passed before the end of the period (or today)."
)
RECIPIENTS_BY_END = _("Active service recipients registered before the end of the period.")

# Which rows belong to a scope.
BY_HOME = _(
    "Region: by the volunteer's home community. Team: active members of the team and its "
    "subteams. Station: volunteers with records at the station."
)
BY_PLACE = _(
    "Region: where the service happened: the region of the activity's station, else the "
    "volunteer's home community (a district-level team's record counts in the subdistrict "
    "where it was served). Team: records of the team and its subteams. Station: records of "
    "activities held there."
)
BY_TEAM_REGION = _(
    "Region: by the team's home region (district-level teams count for the district only). "
    "Team: the team and its subteams. Station: its managing team and that team's subteams."
)
BY_STATION_REGION = _(
    "Region: by the station's region. Team: stations managed by the team or its subteams. "
    "Station: the station itself."
)
BY_PROJECT_PLACE = _(
    "Region or team: projects organised in it, or with an activity or an approved record in "
    "it during the period (a project serving several subdistricts counts in each). Station: "
    "projects with an activity or a record there."
)
BY_ACTIVITY_PLACE = _(
    "Region: by the region of the activity's station, else its organiser's home region. "
    "Team: activities of the projects of the team and its subteams. Station: activities "
    "held there."
)
BY_RATED_SERVICE = _(
    "Region: where the service happened: the region of the activity's station, else the "
    "volunteer's home community. Team: activities of the projects of the team and its "
    "subteams. Station: activities held there."
)
BY_COMPLAINT_SUBJECT = _(
    "Region: the region of what the complaint is about (a volunteer's home community; a "
    "team's region; a project's organiser's region; a station's region). Team: complaints "
    "the team or its subteams answer for. Station: complaints about the station."
)
BY_HOME_TRANSFERRED = _(
    "Region: by the volunteer's home community. Team: active members of the team and its "
    "subteams. Station: none (records made elsewhere name no station here)."
)
TRANSFERRED_IN = _(
    "Served within the period (the day of service at the source), transferred in from "
    "another volunteer-service information system; each record once."
)
REGIONS_ONLY = _("Regions only: the communities in the region.")
PROVIDED_REGION = _(
    "Regions only: by the region recorded on the request, award, article or course "
    "(not given for teams and stations)."
)


@dataclass(frozen=True)
class Definition:
    key: str
    label: Promise
    unit: Promise
    counts: Promise
    date: Promise
    scope: Promise
    additive: bool = False

    @property
    def tooltip(self) -> str:
        """One line for a tooltip: what is counted, when, where."""
        return f"{self.counts} {self.date} {self.scope}"


PEOPLE, TIMES, HOURS, ITEMS = _("persons"), _("person-times"), _("hours"), _("items")
TEAMS, PLACES, RATIO = _("teams"), _("places"), _("ratio")
SCORE, PERCENT, DAYS = _("points of 5"), _("per cent"), _("days")

_DEFINITIONS = [
    # volunteers
    Definition(
        "volunteers_total",
        _("Registered volunteers"),
        PEOPLE,
        _("Volunteers with a real-name registration."),
        REGISTERED_BY_END,
        BY_HOME,
        additive=True,
    ),
    Definition(
        "volunteers_new",
        _("New volunteers"),
        PEOPLE,
        _("Volunteers who registered during the period."),
        REGISTERED_IN,
        BY_HOME,
        additive=True,
    ),
    Definition(
        "volunteers_active",
        _("Volunteers who served"),
        PEOPLE,
        _("Distinct volunteers with at least one approved service record."),
        SERVED_IN,
        BY_PLACE,
    ),
    Definition(
        "volunteers_by_skill",
        _("Volunteers by skill"),
        PEOPLE,
        _("Registered volunteers per declared skill (one person may have several)."),
        REGISTERED_BY_END,
        BY_HOME,
        additive=True,
    ),
    Definition(
        "volunteers_by_age_band",
        _("Volunteers by age"),
        PEOPLE,
        _("Registered volunteers by their age on the last day of the period."),
        REGISTERED_BY_END,
        BY_HOME,
        additive=True,
    ),
    Definition(
        "volunteers_by_political_status",
        _("Volunteers by political status"),
        PEOPLE,
        _("Registered volunteers by political status."),
        REGISTERED_BY_END,
        BY_HOME,
        additive=True,
    ),
    Definition(
        "volunteers_by_gender",
        _("Volunteers by gender"),
        PEOPLE,
        _("Registered volunteers by gender."),
        REGISTERED_BY_END,
        BY_HOME,
        additive=True,
    ),
    Definition(
        "new_volunteers_by_month",
        _("New volunteers by month"),
        PEOPLE,
        _("Volunteers who registered in each month of the period."),
        REGISTERED_IN,
        BY_HOME,
        additive=True,
    ),
    # coverage
    Definition(
        "population",
        _("Resident population"),
        PEOPLE,
        _("Residents of the communities in the region."),
        RESIDENTS,
        REGIONS_ONLY,
        additive=True,
    ),
    Definition(
        "volunteers_per_resident",
        _("Volunteers per resident"),
        RATIO,
        _("Registered volunteers divided by the resident population."),
        REGISTERED_BY_END,
        REGIONS_ONLY,
    ),
    Definition(
        "one_in_every",
        _("One volunteer in every N residents"),
        PEOPLE,
        _("The resident population divided by the registered volunteers, rounded."),
        REGISTERED_BY_END,
        REGIONS_ONLY,
    ),
    Definition(
        "coverage_by_subdistrict",
        _("Coverage by subdistrict"),
        PEOPLE,
        _("Residents and registered volunteers of each subdistrict in the region."),
        REGISTERED_BY_END,
        REGIONS_ONLY,
    ),
    Definition(
        "coverage_by_community",
        _("Coverage by community"),
        PEOPLE,
        _("Residents and registered volunteers of each community in the region."),
        REGISTERED_BY_END,
        REGIONS_ONLY,
    ),
    # teams
    Definition(
        "teams_total",
        _("Volunteer teams"),
        TEAMS,
        _("Teams of every level (corps, detachments, squads, groups)."),
        FOUNDED_BY_END,
        BY_TEAM_REGION,
    ),
    Definition(
        "teams_new",
        _("New teams"),
        TEAMS,
        _("Teams founded during the period."),
        FOUNDED_IN,
        BY_TEAM_REGION,
    ),
    Definition(
        "teams_by_level",
        _("Teams by level"),
        TEAMS,
        _("Teams per level: corps, detachment, squad, group."),
        FOUNDED_BY_END,
        BY_TEAM_REGION,
    ),
    Definition(
        "teams_by_kind",
        _("Teams by kind"),
        TEAMS,
        _("Teams per kind: department, community, unit, professional."),
        FOUNDED_BY_END,
        BY_TEAM_REGION,
    ),
    Definition(
        "teams_by_specialty",
        _("Teams by specialty"),
        TEAMS,
        _("Professional teams per specialty."),
        FOUNDED_BY_END,
        BY_TEAM_REGION,
    ),
    Definition(
        "teams_professional",
        _("Professional teams"),
        TEAMS,
        _("Teams of the professional kind (science, environment, safety, health …)."),
        FOUNDED_BY_END,
        BY_TEAM_REGION,
    ),
    # stations
    Definition(
        "stations_total",
        _("Stations and points"),
        PLACES,
        _("Service stations, service points and bases."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "stations_by_kind",
        _("Stations by kind"),
        PLACES,
        _("Stations per kind."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "stations_by_audit_state",
        _("Stations by audit result"),
        PLACES,
        _("Stations meeting the eight standards, short of them, or not yet audited."),
        AUDIT_LATEST,
        BY_STATION_REGION,
    ),
    Definition(
        "stations_community",
        _("Community stations"),
        PLACES,
        _("Stations of the community kind."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "stations_public_place",
        _("Public-place stations"),
        PLACES,
        _("Stations in parks, squares, scenic areas, business districts, stadiums, compounds."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "service_points",
        _("Service points"),
        PLACES,
        _("Places of the service-point kind."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "bases",
        _("Volunteer-service bases"),
        PLACES,
        _("Designated bases (基地)."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "bases_by_level",
        _("Bases by level"),
        PLACES,
        _("Designated bases per designating level."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "public_places",
        _("Public places with a station"),
        PLACES,
        _("Distinct named public places with a public-place station."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    Definition(
        "communities_with_station",
        _("Communities with a station"),
        PLACES,
        _("Distinct communities with a community station."),
        OPEN_BY_END,
        BY_STATION_REGION,
    ),
    # projects and activities
    Definition(
        "projects_total",
        _("Service projects"),
        ITEMS,
        _("Projects that ran during the period."),
        RAN_IN,
        BY_PROJECT_PLACE,
    ),
    Definition(
        "projects_by_category",
        _("Projects by category"),
        ITEMS,
        _("Projects that ran, per top-level category."),
        RAN_IN,
        BY_PROJECT_PLACE,
    ),
    Definition(
        "brand_projects",
        _("Brand projects"),
        ITEMS,
        _("Projects that ran and carry the brand flag."),
        RAN_IN,
        BY_PROJECT_PLACE,
    ),
    Definition(
        "brand_project_names",
        _("Names of brand projects"),
        ITEMS,
        _("The brand projects' names, in order."),
        RAN_IN,
        BY_PROJECT_PLACE,
    ),
    Definition(
        "activities_total",
        _("Service activities"),
        ITEMS,
        _("Activities held (one activity = one date at one place)."),
        HELD_IN,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "activities_by_category",
        _("Activities by category"),
        ITEMS,
        _("Activities held, per their project's top-level category."),
        HELD_IN,
        BY_ACTIVITY_PLACE,
    ),
    # service records
    Definition(
        "hours_approved",
        _("Service hours"),
        HOURS,
        _("Actual service time of approved records, measured and entered."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "hours_measured",
        _("Measured hours"),
        HOURS,
        _("Hours from check-in and check-out."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "hours_entered",
        _("Entered hours"),
        HOURS,
        _("Hours entered afterwards by an organiser."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "hours_transferred",
        _("Transferred hours"),
        HOURS,
        _(
            "Hours served elsewhere and transferred in (转移接续), apart from the hours "
            "recorded here and not included in them."
        ),
        TRANSFERRED_IN,
        BY_HOME_TRANSFERRED,
        additive=True,
    ),
    Definition(
        "records_transferred",
        _("Transferred records"),
        TIMES,
        _("Service records transferred in from other systems."),
        TRANSFERRED_IN,
        BY_HOME_TRANSFERRED,
        additive=True,
    ),
    Definition(
        "hours_pending",
        _("Hours awaiting approval"),
        HOURS,
        _("Hours of records not yet approved or rejected."),
        PENDING_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "records_pending",
        _("Records awaiting approval"),
        TIMES,
        _("Service records not yet approved or rejected."),
        PENDING_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "person_times",
        _("Service person-times"),
        TIMES,
        _("Approved service records: one volunteer serving once is one person-time."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "persons_served",
        _("People benefiting"),
        TIMES,
        _("Persons noted as served on approved service records, summed."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "hours_by_month",
        _("Service hours by month"),
        HOURS,
        _("Service hours per month of the period."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "person_times_by_month",
        _("Service person-times by month"),
        TIMES,
        _("Approved service records per month of the period."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "persons_served_by_month",
        _("People benefiting by month"),
        TIMES,
        _("Persons noted as served per month of the period."),
        SERVED_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "civility_person_times",
        _("Civility day: service person-times"),
        TIMES,
        _("Approved service records of the civility day (文明礼让日)."),
        CIVILITY_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "civility_persons_served",
        _("Civility day: people benefiting"),
        TIMES,
        _("Persons noted as served on the civility day's records, summed."),
        CIVILITY_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "civility_person_times_by_month",
        _("Civility day: service person-times by month"),
        TIMES,
        _("The civility day's records per month."),
        CIVILITY_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "civility_persons_served_by_month",
        _("Civility day: people benefiting by month"),
        TIMES,
        _("Persons noted as served on the civility day, per month."),
        CIVILITY_IN,
        BY_PLACE,
        additive=True,
    ),
    Definition(
        "top_projects",
        _("Projects with the most hours"),
        HOURS,
        _("The ten projects with the most approved hours in the scope."),
        SERVED_IN,
        BY_PLACE,
    ),
    Definition(
        "top_teams",
        _("Teams with the most hours"),
        HOURS,
        _("The ten recording teams with the most approved hours in the scope."),
        SERVED_IN,
        BY_PLACE,
    ),
    # stars
    Definition(
        "star_distribution",
        _("Star levels"),
        PEOPLE,
        _("Volunteers per star level (0 = no star) from their total approved hours."),
        SERVED_BEFORE_END,
        BY_HOME,
        additive=True,
    ),
    Definition(
        "starred_volunteers",
        _("Star volunteers"),
        PEOPLE,
        _("Volunteers with one star or more."),
        SERVED_BEFORE_END,
        BY_HOME,
        additive=True,
    ),
    # figures the other apps provide (region scopes only)
    Definition(
        "helpdesk_recipients",
        _("Service recipients"),
        PEOPLE,
        _("Active service recipients (elderly living alone, disabled persons …)."),
        RECIPIENTS_BY_END,
        PROVIDED_REGION,
        additive=True,
    ),
    Definition(
        "helpdesk_requests_submitted",
        _("Help requests submitted"),
        ITEMS,
        _("Help requests received."),
        SUBMITTED_IN,
        PROVIDED_REGION,
        additive=True,
    ),
    Definition(
        "helpdesk_requests_done",
        _("Help requests done"),
        ITEMS,
        _("Help requests finished."),
        FINISHED_IN,
        PROVIDED_REGION,
        additive=True,
    ),
    Definition(
        "helpdesk_persons_served",
        _("People served"),
        TIMES,
        _("People served by finished help requests, summed."),
        FINISHED_IN,
        PROVIDED_REGION,
        additive=True,
    ),
    Definition(
        "helpdesk_average_rating",
        _("Average rating of help requests"),
        RATIO,
        _("Residents' average rating of finished help requests (1–5)."),
        FINISHED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "helpdesk_help_hours",
        _("Hours of help requests"),
        HOURS,
        _("Hours of the service records of finished help requests."),
        FINISHED_IN,
        PROVIDED_REGION,
        additive=True,
    ),
    Definition(
        "honours_awards",
        _("Awards"),
        ITEMS,
        _("Awards to volunteers, teams, projects and stations."),
        AWARDED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "honours_awarded_volunteers",
        _("Awarded volunteers"),
        PEOPLE,
        _("Volunteers receiving an award."),
        AWARDED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "honours_awarded_teams",
        _("Awarded teams"),
        TEAMS,
        _("Teams receiving an award."),
        AWARDED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "honours_awarded_projects",
        _("Awarded projects"),
        ITEMS,
        _("Projects receiving an award."),
        AWARDED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "honours_awarded_stations",
        _("Awarded stations"),
        PLACES,
        _("Stations and bases receiving an award."),
        AWARDED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "news_articles_published",
        _("Articles published"),
        ITEMS,
        _("News articles published on the platform."),
        PUBLISHED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "news_reprints",
        _("Reprints by other sites"),
        ITEMS,
        _("Reprints of the articles by outside sites."),
        PUBLISHED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "news_reprint_sites",
        _("Reprinting sites"),
        ITEMS,
        _("Distinct outside sites reprinting the articles."),
        PUBLISHED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "training_courses",
        _("Training courses"),
        ITEMS,
        _("Courses with a session in the period."),
        TRAINED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "training_sessions",
        _("Training sessions"),
        ITEMS,
        _("Training sessions held."),
        TRAINED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "training_enrolments",
        _("Training enrolments"),
        TIMES,
        _("Enrolments in the sessions."),
        TRAINED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "training_completions",
        _("Training completions"),
        TIMES,
        _("Enrolments passed."),
        TRAINED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "training_training_hours",
        _("Training hours"),
        HOURS,
        _("Hours of the sessions, per enrolment."),
        TRAINED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "helpdesk_recipients_by_category",
        _("Service recipients by category"),
        PEOPLE,
        _("Active service recipients per category."),
        RECIPIENTS_BY_END,
        PROVIDED_REGION,
        additive=True,
    ),
    Definition(
        "helpdesk_requests_by_status",
        _("Help requests by status"),
        ITEMS,
        _("Help requests received, per their status today."),
        SUBMITTED_IN,
        PROVIDED_REGION,
        additive=True,
    ),
    Definition(
        "honours_awards_by_level",
        _("Awards by level"),
        ITEMS,
        _("Awards per level (district, city, province, national)."),
        AWARDED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "honours_awards_by_kind",
        _("Awards by kind"),
        ITEMS,
        _("Awards per kind."),
        AWARDED_IN,
        PROVIDED_REGION,
    ),
    Definition(
        "news_articles_by_column",
        _("Articles by column"),
        ITEMS,
        _("Articles published per column."),
        PUBLISHED_IN,
        PROVIDED_REGION,
    ),
    # evaluations and complaints (evaluations.py)
    Definition(
        "ratings_activity",
        _("Activity ratings"),
        ITEMS,
        _("Volunteers' ratings (评价) of the activities they served in and their organisers."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "ratings_activity_score",
        _("Average activity rating"),
        SCORE,
        _("Volunteers' average rating of the activities (1–5)."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "ratings_team_score",
        _("Average organiser rating"),
        SCORE,
        _("Volunteers' average rating of the organising teams (1–5)."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "activities_rated",
        _("Activities rated"),
        ITEMS,
        _("Activities with at least one rating by their volunteers."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "activities_rated_percent",
        _("Share of activities rated"),
        PERCENT,
        _("Activities rated, out of the service activities held (activities_total)."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "ratings_by_project",
        _("Average rating by project"),
        SCORE,
        _("The most-rated projects: their volunteers' average activity rating (1–5)."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "ratings_by_team",
        _("Average rating by team"),
        SCORE,
        _("The most-rated organising teams: their volunteers' average organiser rating (1–5)."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "ratings_by_station",
        _("Average rating by station"),
        SCORE,
        _("The most-rated stations: the average rating of the activities held there (1–5)."),
        RATED_ACTIVITIES,
        BY_ACTIVITY_PLACE,
    ),
    Definition(
        "ratings_service",
        _("Service ratings"),
        ITEMS,
        _("Organisers' ratings of each volunteer's service in an activity."),
        RATED_ACTIVITIES,
        BY_RATED_SERVICE,
        additive=True,
    ),
    Definition(
        "ratings_service_score",
        _("Average service rating"),
        SCORE,
        _("Organisers' average rating of volunteers' service (1–5)."),
        RATED_ACTIVITIES,
        BY_RATED_SERVICE,
    ),
    Definition(
        "services_rated_percent",
        _("Share of services rated"),
        PERCENT,
        _("Service ratings, out of the service person-times (person_times)."),
        RATED_ACTIVITIES,
        BY_RATED_SERVICE,
    ),
    Definition(
        "complaints_filed",
        _("Complaints filed"),
        ITEMS,
        _("Complaints (投诉) about a volunteer, team, project or station."),
        COMPLAINTS_FILED_IN,
        BY_COMPLAINT_SUBJECT,
    ),
    Definition(
        "complaints_resolved",
        _("Complaints resolved"),
        ITEMS,
        _("Complaints closed as resolved (已办结): found true and dealt with."),
        COMPLAINTS_CLOSED_IN,
        BY_COMPLAINT_SUBJECT,
    ),
    Definition(
        "complaints_dismissed",
        _("Complaints dismissed"),
        ITEMS,
        _("Complaints closed as dismissed (不予支持): not found true."),
        COMPLAINTS_CLOSED_IN,
        BY_COMPLAINT_SUBJECT,
    ),
    Definition(
        "complaint_days_median",
        _("Median days to close a complaint"),
        DAYS,
        _("The median time from filing to closing, in days, of the complaints closed."),
        COMPLAINTS_CLOSED_IN,
        BY_COMPLAINT_SUBJECT,
    ),
    Definition(
        "complaints_closed_late",
        _("Complaints closed after their deadline"),
        ITEMS,
        _("Complaints closed on a day after their deadline (ZHIYUAN_COMPLAINT_DAYS)."),
        COMPLAINTS_CLOSED_IN,
        BY_COMPLAINT_SUBJECT,
    ),
    Definition(
        "complaints_overdue",
        _("Complaints overdue"),
        ITEMS,
        _("Open complaints past their deadline."),
        COMPLAINTS_OVERDUE,
        BY_COMPLAINT_SUBJECT,
    ),
]

GLOSSARY: dict[str, Definition] = {d.key: d for d in _DEFINITIONS}
ADDITIVE = tuple(d.key for d in _DEFINITIONS if d.additive)


def define(key: str) -> Definition | None:
    return GLOSSARY.get(key)


def label(key: str) -> str:
    """The figure's name in the active language (its key if it has no definition)."""
    found = GLOSSARY.get(key)
    return str(found.label) if found else key
