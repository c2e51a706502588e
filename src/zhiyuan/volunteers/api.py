"""API: volunteer registration, the scoped roster, review, profile edits and audited reveals."""

from __future__ import annotations

import datetime as dt
import math

from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view

from zhiyuan.accounts.apiauth import OPTIONAL, TokenAuth
from zhiyuan.core import pagecache
from zhiyuan.core.ids import BIGINT_MAX
from zhiyuan.core.pages import SeekPaginator
from zhiyuan.core.security import client_ip, throttle_registration
from zhiyuan.volunteers import access, selectors, services
from zhiyuan.volunteers import availability as avail
from zhiyuan.volunteers.models import Volunteer

router = Router(tags=["volunteers"])


class SkillOut(Schema):
    code: str
    name: str


class VolunteerOut(Schema):
    volunteer_no: str
    national_no: str | None = Field(None, description="志愿者统一编号 (national system)")
    real_name: str
    gender: str
    birth_date: dt.date
    id_type: str
    id_number_masked: str
    phone_masked: str
    community_id: int
    community: str
    subdistrict: str
    skills: list[str]
    availability: list[str]
    political_status: str
    status: str
    status_reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_community(obj: Volunteer) -> str:
        return obj.community.name

    @staticmethod
    def resolve_subdistrict(obj: Volunteer) -> str:
        return obj.community.parent.name if obj.community.parent_id else ""

    @staticmethod
    def resolve_skills(obj: Volunteer) -> list[str]:
        skills = getattr(obj, "skill_list", None)
        return [skill.code for skill in (obj.skills.all() if skills is None else skills)]

    @staticmethod
    def resolve_availability(obj: Volunteer) -> list[str]:
        return avail.to_slots(obj.availability)


class RosterPage(Schema):
    items: list[VolunteerOut]
    count: int
    page: int
    pages: int
    next_after: int | None = Field(
        None, description="`after` for the next page (null on the last): a seek, not a skip"
    )


class RegisterIn(Schema):
    real_name: str = Field(..., max_length=50)
    id_type: str = "resident_id"
    id_number: str = Field(..., max_length=40)
    phone: str = Field(..., max_length=30)
    community_id: int
    skills: list[str] = []
    availability: list[str] = []
    political_status: str = "masses"
    consent: bool = False
    birth_date: dt.date | None = None
    gender: str | None = None
    password: str | None = Field(None, max_length=128)


class ProfilePatch(Schema):
    phone: str | None = Field(None, max_length=30)
    community_id: int | None = None
    skills: list[str] | None = None
    availability: list[str] | None = None
    political_status: str | None = None
    national_no: str | None = Field(
        None, max_length=40, description='志愿者统一编号; office admins only; "" clears it'
    )


class PhoneCodeIn(Schema):
    code: str = Field(..., max_length=12, description="The code texted to the new phone")


class VolunteerReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class VolunteerRevealIn(Schema):
    field: str
    reason: str = Field(..., max_length=300)


class VolunteerRevealOut(Schema):
    field: str
    value: str


class RosterQuery(Schema):
    q: str = Field("", max_length=50)
    status: Volunteer.Status | None = None
    region_id: int | None = None
    skill: str = Field("", max_length=40)
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)
    after: int | None = Field(
        None,
        ge=1,
        le=BIGINT_MAX,
        description="The previous page's next_after: the rows after it, found by an index seek "
        "where `page` skips every row before it (with `after`, `page` only labels the page)",
    )


@router.get("/skills", auth=OPTIONAL, response=list[SkillOut])
def list_skills(request):
    return selectors.skills()


def _caller(request):
    """Who asks, found as REQUIRED finds them: a bearer token first, then the session."""
    user = TokenAuth()(request)
    if user is None and request.user.is_authenticated:
        user = request.user
    return user


@router.get("/volunteers", response=RosterPage)
@decorate_view(pagecache.private_response(_caller))
def roster(request, query: Query[RosterQuery]):
    """The roster the caller may see: office admins their regions, everyone else themselves."""
    qs = selectors.roster_for(
        request.auth,
        selectors.RosterFilter(
            q=query.q, status=query.status or "", region_id=query.region_id, skill=query.skill
        ),
    )
    count = pagecache.count(qs)
    listed = selectors.with_skill_list(qs)
    if query.after is not None:
        items, more = SeekPaginator(listed, query.page_size).rows_after(query.after)
    else:
        start = (query.page - 1) * query.page_size
        items = list(listed[start : start + query.page_size])
        more = start + len(items) < count
    return {
        "items": items,
        "count": count,
        "page": query.page,
        "pages": max(1, math.ceil(count / query.page_size)),
        "next_after": items[-1].pk if items and more else None,
    }


@router.post("/volunteers", auth=OPTIONAL, response={201: VolunteerOut})
def register(request, payload: RegisterIn):
    """Register a volunteer. Anonymous callers must choose a password (their account's)."""
    if not request.auth.is_authenticated:
        throttle_registration(request)
    volunteer = services.register_volunteer(actor=request.auth, **payload.dict())
    return Status(201, volunteer)


@router.get("/volunteers/{volunteer_no}", response=VolunteerOut)
def get_volunteer(request, volunteer_no: str):
    return access.volunteer_for(request.auth, volunteer_no)


@router.patch("/volunteers/{volunteer_no}", response=VolunteerOut)
def update_volunteer(request, volunteer_no: str, payload: ProfilePatch):
    volunteer = access.volunteer_for(request.auth, volunteer_no)
    fields = payload.dict(exclude_unset=True)
    return services.update_profile(actor=request.auth, volunteer=volunteer, **fields)


@router.post("/volunteers/{volunteer_no}/phone/confirm", response=VolunteerOut)
def confirm_phone(request, volunteer_no: str, payload: PhoneCodeIn):
    """A new phone set through PATCH waits for the code texted to it; this makes it the
    volunteer's phone and their login phone."""
    volunteer = access.volunteer_for(request.auth, volunteer_no)
    return services.confirm_phone_change(actor=request.auth, volunteer=volunteer, code=payload.code)


@router.post("/volunteers/{volunteer_no}/approve", response=VolunteerOut)
def approve(request, volunteer_no: str):
    volunteer = access.volunteer_for(request.auth, volunteer_no, manage=True)
    return services.approve_volunteer(actor=request.auth, volunteer=volunteer)


@router.post("/volunteers/{volunteer_no}/reject", response=VolunteerOut)
def reject(request, volunteer_no: str, payload: VolunteerReasonIn):
    volunteer = access.volunteer_for(request.auth, volunteer_no, manage=True)
    return services.reject_volunteer(actor=request.auth, volunteer=volunteer, reason=payload.reason)


@router.post("/volunteers/{volunteer_no}/suspend", response=VolunteerOut)
def suspend(request, volunteer_no: str, payload: VolunteerReasonIn):
    volunteer = access.volunteer_for(request.auth, volunteer_no, manage=True)
    return services.suspend_volunteer(
        actor=request.auth, volunteer=volunteer, reason=payload.reason
    )


@router.post("/volunteers/{volunteer_no}/reinstate", response=VolunteerOut)
def reinstate(request, volunteer_no: str):
    volunteer = access.volunteer_for(request.auth, volunteer_no, manage=True)
    return services.reinstate_volunteer(actor=request.auth, volunteer=volunteer)


@router.post("/volunteers/{volunteer_no}/reveal", response=VolunteerRevealOut)
def reveal(request, volunteer_no: str, payload: VolunteerRevealIn):
    """The full ID number or phone; the reason and the caller are written to the audit log."""
    volunteer = access.volunteer_for(request.auth, volunteer_no, manage=True)
    value = services.reveal(
        actor=request.auth,
        volunteer=volunteer,
        field=payload.field,
        reason=payload.reason,
        ip_address=client_ip(request),
    )
    return {"field": payload.field, "value": value}
