"""API: 项目公布 (public), organising projects, activities, recurring series, shifts, sign-ups."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import ValidationFailed
from zhiyuan.core.ids import RowId
from zhiyuan.projects import access, scheduling, selectors, services, signups
from zhiyuan.projects.models import ActivitySeries, Category
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import team_for
from zhiyuan.volunteers.models import Skill

router = Router(tags=["projects"])


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class ProjectOut(Schema):
    id: int
    name: str
    category: str
    organiser_id: int
    organiser: str
    description: str
    target_recipients: str
    starts_on: dt.date
    ends_on: dt.date
    state: str
    is_brand: bool

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_organiser(obj) -> str:
        return obj.organiser.name


class ProjectIn(Schema):
    name: str = Field(..., max_length=100)
    category: str = Field(..., max_length=40)
    organiser_id: int
    starts_on: dt.date
    ends_on: dt.date
    description: str = Field("", max_length=10000)
    target_recipients: str = Field("", max_length=200)
    is_brand: bool = False


class ProjectPatch(Schema):
    name: str | None = Field(None, max_length=100)
    category: str | None = Field(None, max_length=40)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    description: str | None = Field(None, max_length=10000)
    target_recipients: str | None = Field(None, max_length=200)
    is_brand: bool | None = None


class ShiftOut(Schema):
    id: int
    activity_id: int
    role: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    confirmed: int = 0
    waiting: int = 0
    required_skills: list[str]
    min_age: int
    insurance_required: bool
    status: str

    @staticmethod
    def resolve_required_skills(obj) -> list[str]:
        return [s.code for s in obj.required_skills.all()]

    @staticmethod
    def resolve_confirmed(obj) -> int:
        return getattr(obj, "confirmed", None) or obj.signups.filter(state="confirmed").count()

    @staticmethod
    def resolve_waiting(obj) -> int:
        return getattr(obj, "waiting", None) or obj.signups.filter(state="waitlisted").count()


class ActivityOut(Schema):
    id: int
    project_id: int
    series_id: int | None
    title: str
    station_id: int | None
    address: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str
    status: str
    shifts: list[ShiftOut] = []

    @staticmethod
    def resolve_shifts(obj) -> list:
        return list(obj.shifts.all())


class ActivityIn(Schema):
    title: str = Field(..., max_length=100)
    starts_at: dt.datetime
    ends_at: dt.datetime
    station_id: int | None = None
    address: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)


class ActivityPatch(Schema):
    title: str | None = Field(None, max_length=100)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    station_id: int | None = None
    address: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)


class ShiftTemplate(Schema):
    role: str = Field(..., max_length=50)
    capacity: int
    skills: list[str] = []
    min_age: int = 0
    insurance_required: bool = False


class SeriesIn(Schema):
    title: str = Field(..., max_length=100)
    frequency: ActivitySeries.Frequency
    day: int
    start_time: dt.time
    end_time: dt.time
    first_date: dt.date
    last_date: dt.date
    station_ids: list[RowId]
    shifts: list[ShiftTemplate]


class SeriesOut(Schema):
    id: int
    title: str
    activities: int


class ShiftIn(Schema):
    role: str = Field(..., max_length=50)
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int
    required_skills: list[str] = []
    min_age: int = 0
    insurance_required: bool = False


class CapacityIn(Schema):
    capacity: int


class ProjectReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class SignUpOut(Schema):
    id: int
    shift_id: int
    volunteer_no: str
    real_name: str
    state: str
    created_at: dt.datetime
    note: str

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no

    @staticmethod
    def resolve_real_name(obj) -> str:
        return obj.volunteer.real_name


class ProjectQuery(Schema):
    q: str = Field("", max_length=50)
    category: str = Field("", max_length=40)
    region_id: int | None = None
    date_from: dt.date | None = None
    skill: str = Field("", max_length=40)
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(20, ge=1, le=100)


def _category(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise ValidationFailed({"category": [_("Unknown category.")]})
    return category


def _station(station_id) -> Station | None:
    if station_id is None:
        return None
    station = Station.objects.filter(pk=station_id).first()
    if station is None:
        raise ValidationFailed({"station_id": [_("Unknown station.")]})
    return station


def _skills(codes: list[str]) -> list[Skill]:
    skills = list(Skill.objects.filter(code__in=codes))
    if len(skills) != len(set(codes)):
        raise ValidationFailed({"required_skills": [_("Unknown skill.")]})
    return skills


@router.get("/project-categories", auth=OPTIONAL, response=list[CategoryOut])
def list_categories(request):
    return selectors.categories()


@router.get("/projects", auth=OPTIONAL, response=list[ProjectOut])
def list_projects(request, query: Query[ProjectQuery]):
    """Published projects (项目公布): search by text, category, region, date and skill."""
    qs = selectors.published_projects(
        selectors.ProjectFilter(
            q=query.q,
            category=query.category,
            region_id=query.region_id,
            date_from=query.date_from,
            skill=query.skill,
        )
    )
    start = (query.page - 1) * query.page_size
    return list(qs[start : start + query.page_size])


@router.get("/projects/{project_id}", auth=OPTIONAL, response=ProjectOut)
def get_project(request, project_id: int):
    return access.project_for(request.auth, project_id)


@router.post("/projects", response={201: ProjectOut})
def create_project(request, payload: ProjectIn):
    organiser = team_for(request.auth, payload.organiser_id)
    data = payload.dict(exclude={"category", "organiser_id"})
    project = services.create_project(
        actor=request.auth, organiser=organiser, category=_category(payload.category), **data
    )
    return Status(201, project)


@router.patch("/projects/{project_id}", response=ProjectOut)
def update_project(request, project_id: int, payload: ProjectPatch):
    project = access.project_for(request.auth, project_id, organise=True)
    changes = payload.dict(exclude_unset=True)
    if "category" in changes:
        changes["category"] = _category(changes["category"])
    return services.update_project(actor=request.auth, project=project, **changes)


@router.post("/projects/{project_id}/publish", response=ProjectOut)
def publish_project(request, project_id: int):
    project = access.project_for(request.auth, project_id, organise=True)
    return services.publish_project(actor=request.auth, project=project)


@router.post("/projects/{project_id}/close", response=ProjectOut)
def close_project(request, project_id: int):
    project = access.project_for(request.auth, project_id, organise=True)
    return services.close_project(actor=request.auth, project=project)


@router.get("/projects/{project_id}/activities", auth=OPTIONAL, response=list[ActivityOut])
def list_activities(request, project_id: int):
    """Upcoming activities of a project, each with its shifts and how full they are."""
    project = access.project_for(request.auth, project_id)
    return selectors.upcoming_activities(project, limit=100)


@router.post("/projects/{project_id}/activities", response={201: ActivityOut})
def create_activity(request, project_id: int, payload: ActivityIn):
    project = access.project_for(request.auth, project_id, organise=True)
    data = payload.dict(exclude={"station_id"})
    activity = scheduling.create_activity(
        actor=request.auth, project=project, station=_station(payload.station_id), **data
    )
    return Status(201, activity)


@router.post("/projects/{project_id}/series", response={201: SeriesOut})
def create_series(request, project_id: int, payload: SeriesIn):
    """A recurring activity in one call, e.g. every month on the 12th at 40 stations."""
    project = access.project_for(request.auth, project_id, organise=True)
    stations = list(Station.objects.filter(pk__in=payload.station_ids))
    if len(stations) != len(set(payload.station_ids)):
        raise ValidationFailed({"station_ids": [_("Unknown station.")]})
    series = scheduling.create_series(
        actor=request.auth,
        project=project,
        title=payload.title,
        frequency=payload.frequency,
        day=payload.day,
        start_time=payload.start_time,
        end_time=payload.end_time,
        first_date=payload.first_date,
        last_date=payload.last_date,
        stations=stations,
        shift_template=[s.dict() for s in payload.shifts],
    )
    return Status(
        201, {"id": series.pk, "title": series.title, "activities": series.activities.count()}
    )


@router.patch("/activities/{activity_id}", response=ActivityOut)
def update_activity(request, activity_id: int, payload: ActivityPatch):
    activity = access.activity_for(request.auth, activity_id, organise=True)
    changes = payload.dict(exclude_unset=True)
    if "station_id" in changes:
        changes["station"] = _station(changes.pop("station_id"))
    return scheduling.update_activity(actor=request.auth, activity=activity, **changes)


@router.post("/activities/{activity_id}/cancel", response=ActivityOut)
def cancel_activity(request, activity_id: int, payload: ProjectReasonIn):
    activity = access.activity_for(request.auth, activity_id, organise=True)
    return scheduling.cancel_activity(actor=request.auth, activity=activity, reason=payload.reason)


@router.post("/activities/{activity_id}/shifts", response={201: ShiftOut})
def create_shift(request, activity_id: int, payload: ShiftIn):
    activity = access.activity_for(request.auth, activity_id, organise=True)
    data = payload.dict(exclude={"required_skills"})
    shift = scheduling.create_shift(
        actor=request.auth,
        activity=activity,
        required_skills=_skills(payload.required_skills),
        **data,
    )
    return Status(201, shift)


@router.patch("/shifts/{shift_id}", response=ShiftOut)
def set_capacity(request, shift_id: int, payload: CapacityIn):
    shift = access.shift_for(request.auth, shift_id, organise=True)
    return scheduling.set_capacity(actor=request.auth, shift=shift, capacity=payload.capacity)


@router.get("/shifts/{shift_id}/signups", response=list[SignUpOut])
def shift_roster(request, shift_id: int):
    shift = access.shift_for(request.auth, shift_id, organise=True)
    return selectors.roster(shift)


@router.post("/shifts/{shift_id}/signups", response={201: SignUpOut})
def sign_up(request, shift_id: int):
    """Sign up: confirmed while places last, then on the waitlist."""
    shift = access.shift_for(request.auth, shift_id)
    return Status(201, signups.sign_up(actor=request.auth, shift=shift))


@router.get("/me/signups", response=list[SignUpOut])
def my_signups(request):
    volunteer = getattr(request.auth, "volunteer", None)
    return selectors.my_signups(volunteer).order_by("-starts_at")[:200] if volunteer else []


@router.post("/signups/{signup_id}/cancel", response=SignUpOut)
def cancel_signup(request, signup_id: int):
    signup = access.signup_for(request.auth, signup_id)
    return signups.cancel_signup(actor=request.auth, signup=signup)


@router.post("/signups/{signup_id}/confirm", response=SignUpOut)
def confirm_signup(request, signup_id: int):
    signup = access.signup_for(request.auth, signup_id)
    return signups.confirm_signup(actor=request.auth, signup=signup)


@router.post("/signups/{signup_id}/remove", response=SignUpOut)
def remove_signup(request, signup_id: int, payload: ProjectReasonIn):
    signup = access.signup_for(request.auth, signup_id)
    return signups.remove_signup(actor=request.auth, signup=signup, reason=payload.reason)


@router.post("/signups/{signup_id}/no-show", response=SignUpOut)
def no_show(request, signup_id: int):
    signup = access.signup_for(request.auth, signup_id)
    return signups.mark_no_show(actor=request.auth, signup=signup)
