"""API: courses and sessions (public), enrolment and cancellation, attendance and completion
by the organisers, my enrolments and my certifications."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import PermissionDenied
from zhiyuan.training import access, selectors, services
from zhiyuan.training.models import Course

router = Router(tags=["training"])


class CourseOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    hours: Decimal
    region_id: int
    organiser_id: int | None
    organiser: str | None
    skill: str | None
    validity_months: int | None
    is_active: bool

    @staticmethod
    def resolve_organiser(obj) -> str | None:
        return obj.organiser.name if obj.organiser_id else None

    @staticmethod
    def resolve_skill(obj) -> str | None:
        return obj.skill.code if obj.skill_id else None


class CoursePage(Schema):
    items: list[CourseOut]
    count: int
    page: int
    pages: int


class CourseQuery(Schema):
    q: str = Field("", max_length=50)
    kind: Course.Kind | None = None
    skill: str = Field("", max_length=40)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class CourseIn(Schema):
    title: str = Field(..., max_length=100)
    kind: Course.Kind = Course.Kind.GENERAL
    description: str = Field("", max_length=10000)
    hours: Decimal = Field(..., gt=0, le=Decimal("999.9"), max_digits=5, decimal_places=1)
    organiser_id: int | None = None
    region_id: int | None = None
    skill: str = Field("", max_length=40)
    validity_months: int | None = Field(None, ge=1, le=240)


class SessionOut(Schema):
    id: int
    course_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    station_id: int | None
    place: str
    trainer: str
    capacity: int
    taken: int = 0
    status: str

    @staticmethod
    def resolve_taken(obj) -> int:
        taken = getattr(obj, "taken", None)
        return taken if taken is not None else obj.enrolments.filter(state="enrolled").count()


class SessionIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    trainer: str = Field(..., max_length=100)
    capacity: int = Field(..., ge=1, le=services.MAX_CAPACITY)
    station_id: int | None = None
    address: str = Field("", max_length=200)


class EnrolmentOut(Schema):
    id: int
    session_id: int
    course_id: int
    course: str
    volunteer_no: str
    volunteer: str
    state: str
    attended: bool | None
    result: str
    hours: Decimal
    enrolled_at: dt.datetime
    completed_at: dt.datetime | None

    @staticmethod
    def resolve_course_id(obj) -> int:
        return obj.session.course_id

    @staticmethod
    def resolve_course(obj) -> str:
        return obj.session.course.title

    @staticmethod
    def resolve_volunteer_no(obj) -> str:
        return obj.volunteer.volunteer_no

    @staticmethod
    def resolve_volunteer(obj) -> str:
        return obj.volunteer.real_name


class TrainingAttendanceIn(Schema):
    attended: bool


class CompletionIn(Schema):
    passed: bool


class CertificationOut(Schema):
    id: int
    skill: str
    skill_name: str
    course_id: int
    course: str
    session_id: int
    granted_on: dt.date
    expires_on: dt.date | None
    valid: bool

    @staticmethod
    def resolve_skill(obj) -> str:
        return obj.skill.code

    @staticmethod
    def resolve_skill_name(obj) -> str:
        return obj.skill.name

    @staticmethod
    def resolve_course(obj) -> str:
        return obj.course.title

    @staticmethod
    def resolve_valid(obj) -> bool:
        return obj.is_valid_on(timezone.localdate())


class TrainingRecordOut(Schema):
    training_hours: Decimal
    enrolments: list[EnrolmentOut]
    certifications: list[CertificationOut]


def _volunteer(request):
    volunteer = getattr(request.auth, "volunteer", None)
    if volunteer is None:
        raise PermissionDenied(_("Register as a volunteer first."))
    return volunteer


@router.get("/training/courses", auth=OPTIONAL, response=CoursePage)
def list_courses(request, query: Query[CourseQuery]):
    qs = selectors.courses(
        selectors.CourseFilter(q=query.q, kind=query.kind or "", skill=query.skill)
    )
    count = qs.count()
    start = (query.page - 1) * query.page_size
    return {
        "items": list(qs[start : start + query.page_size]),
        "count": count,
        "page": query.page,
        "pages": max(1, math.ceil(count / query.page_size)),
    }


@router.post("/training/courses", response={201: CourseOut})
def create_course(request, payload: CourseIn):
    """A course of a team the caller manages (organiser_id) or of a region they administer."""
    course = services.create_course(actor=request.auth, **payload.dict())
    return Status(201, course)


@router.get("/training/courses/{course_id}", auth=OPTIONAL, response=CourseOut)
def get_course(request, course_id: int):
    return access.course_for(request.auth, course_id)


@router.get("/training/courses/{course_id}/sessions", auth=OPTIONAL, response=list[SessionOut])
def list_sessions(request, course_id: int, upcoming: bool = True):
    course = access.course_for(request.auth, course_id)
    return list(selectors.sessions_of(course, upcoming_only=upcoming))


@router.post("/training/courses/{course_id}/sessions", response={201: SessionOut})
def schedule_session(request, course_id: int, payload: SessionIn):
    course = access.course_for(request.auth, course_id, manage=True)
    session = services.schedule_session(actor=request.auth, course=course, **payload.dict())
    return Status(201, session)


@router.get("/training/sessions/{session_id}", auth=OPTIONAL, response=SessionOut)
def get_session(request, session_id: int):
    return access.session_for(request.auth, session_id)


@router.get("/training/sessions/{session_id}/roster", response=list[EnrolmentOut])
def session_roster(request, session_id: int):
    session = access.session_for(request.auth, session_id, manage=True)
    return list(selectors.roster(session).select_related("session__course"))


@router.post("/training/sessions/{session_id}/enrol", response={201: EnrolmentOut})
def enrol(request, session_id: int):
    session = access.session_for(request.auth, session_id)
    return Status(201, services.enrol(actor=request.auth, session=session))


@router.post("/training/enrolments/{enrolment_id}/cancel", response=EnrolmentOut)
def cancel(request, enrolment_id: int):
    enrolment = access.enrolment_for(request.auth, enrolment_id)
    return services.cancel_enrolment(actor=request.auth, enrolment=enrolment)


@router.post("/training/enrolments/{enrolment_id}/attendance", response=EnrolmentOut)
def attendance(request, enrolment_id: int, payload: TrainingAttendanceIn):
    enrolment = access.enrolment_for(request.auth, enrolment_id, manage=True)
    return services.mark_attendance(
        actor=request.auth, enrolment=enrolment, attended=payload.attended
    )


@router.post("/training/enrolments/{enrolment_id}/completion", response=EnrolmentOut)
def completion(request, enrolment_id: int, payload: CompletionIn):
    """Passed or failed; a pass of a certifying course grants its skill."""
    enrolment = access.enrolment_for(request.auth, enrolment_id, manage=True)
    return services.complete(actor=request.auth, enrolment=enrolment, passed=payload.passed)


@router.get("/training/me", response=TrainingRecordOut)
def my_training(request):
    """My enrolments, certifications and training hours (apart from service hours)."""
    return selectors.record_of(_volunteer(request))


@router.get("/training/me/certifications", response=list[CertificationOut])
def my_certifications(request):
    return selectors.record_of(_volunteer(request))["certifications"]
