"""API: the team tree, team details, founding and editing teams, memberships and approvals."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import NotFound, ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.teams import access, selectors, services
from zhiyuan.teams.models import Membership, Specialty, Team
from zhiyuan.volunteers.access import volunteer_for
from zhiyuan.volunteers.models import Volunteer

router = Router(tags=["teams"])


class SpecialtyOut(Schema):
    code: str
    name: str


class SpecialtyIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=50)


class TeamOut(Schema):
    id: int
    name: str
    level: str
    kind: str
    parent_id: int | None
    specialty: str | None
    sponsor_unit: str
    region_id: int
    join_mode: str
    status: str
    contact_name: str
    contact_phone: str
    founded_on: dt.date | None
    description: str
    member_count: int = 0

    @staticmethod
    def resolve_specialty(obj: Team) -> str | None:
        return obj.specialty.code if obj.specialty_id else None

    @staticmethod
    def resolve_member_count(obj: Team) -> int:
        return getattr(obj, "member_count", 0)


class TeamIn(Schema):
    name: str = Field(..., max_length=100)
    level: Team.Level
    kind: Team.Kind
    parent_id: int | None = None
    region_id: int
    specialty: str | None = Field(None, max_length=40)
    sponsor_unit: str = Field("", max_length=100)
    join_mode: Team.JoinMode = Team.JoinMode.APPROVAL
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)
    founded_on: dt.date | None = None
    description: str = Field("", max_length=5000)


class TeamPatch(Schema):
    name: str | None = Field(None, max_length=100)
    kind: Team.Kind | None = None
    region_id: int | None = None
    specialty: str | None = Field(None, max_length=40)
    sponsor_unit: str | None = Field(None, max_length=100)
    join_mode: Team.JoinMode | None = None
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=20)
    founded_on: dt.date | None = None
    description: str | None = Field(None, max_length=5000)
    leader_volunteer_no: str | None = Field(None, max_length=20)


class MoveIn(Schema):
    parent_id: int


class TeamReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class TeamNoteIn(Schema):
    note: str = Field("", max_length=300)


class InviteIn(Schema):
    volunteer_no: str = Field(..., max_length=20)


class RoleIn(Schema):
    role: Membership.Role


class MembershipOut(Schema):
    id: int
    team_id: int
    team: str
    volunteer_no: str
    real_name: str
    role: str
    state: str
    requested_at: dt.datetime
    joined_at: dt.datetime | None
    left_at: dt.datetime | None
    note: str

    @staticmethod
    def resolve_team(obj: Membership) -> str:
        return obj.team.name

    @staticmethod
    def resolve_volunteer_no(obj: Membership) -> str:
        return obj.volunteer.volunteer_no

    @staticmethod
    def resolve_real_name(obj: Membership) -> str:
        return obj.volunteer.real_name


class TeamQuery(Schema):
    q: str = Field("", max_length=50)
    level: Team.Level | None = None
    kind: Team.Kind | None = None
    specialty: str = Field("", max_length=40)
    region_id: int | None = None
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(100, ge=1, le=500)


def _specialty(code: str | None) -> Specialty | None:
    if not code:
        return None
    found = Specialty.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed({"specialty": [_("Unknown specialty.")]})
    return found


def _region(region_id: int | None) -> Region | None:
    if region_id is None:
        return None
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise ValidationFailed({"region_id": [_("Unknown region.")]})
    return region


@router.get("/specialties", auth=OPTIONAL, response=list[SpecialtyOut])
def list_specialties(request):
    return selectors.specialties()


@router.post("/specialties", response={201: SpecialtyOut})
def create_specialty(request, payload: SpecialtyIn):
    return Status(201, services.create_specialty(actor=request.auth, **payload.dict()))


@router.get("/teams", auth=OPTIONAL, response=list[TeamOut])
def list_teams(request, query: Query[TeamQuery]):
    """Active teams, tree-ordered (public: names, sponsors and contacts), a page at a time."""
    start = (query.page - 1) * query.page_size
    qs = selectors.teams(
        selectors.TeamFilter(
            q=query.q,
            level=query.level or "",
            kind=query.kind or "",
            specialty=query.specialty,
            region_id=query.region_id,
        )
    )
    return list(qs[start : start + query.page_size])


@router.get("/teams/{team_id}", auth=OPTIONAL, response=TeamOut)
def get_team(request, team_id: int):
    return access.team_for(request.auth, team_id)


@router.post("/teams", response={201: TeamOut})
def create_team(request, payload: TeamIn):
    parent = access.team_for(request.auth, payload.parent_id) if payload.parent_id else None
    team = services.create_team(
        actor=request.auth,
        parent=parent,
        region=_region(payload.region_id),
        specialty=_specialty(payload.specialty),
        **payload.dict(exclude={"parent_id", "region_id", "specialty"}),
    )
    return Status(201, team)


@router.patch("/teams/{team_id}", response=TeamOut)
def update_team(request, team_id: int, payload: TeamPatch):
    team = access.team_for(request.auth, team_id, manage=True)
    changes = payload.dict(exclude_unset=True)
    # JSON null: blank for the optional texts, refused for what a team cannot be without.
    for name in ("sponsor_unit", "contact_name", "contact_phone", "description"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    required = ("name", "kind", "join_mode", "region_id")
    empty = [name for name in required if name in changes and changes[name] is None]
    if empty:
        raise ValidationFailed({name: [_("This field cannot be empty.")] for name in empty})
    if "region_id" in changes:
        changes["region"] = _region(changes.pop("region_id"))
    if "specialty" in changes:
        changes["specialty"] = _specialty(changes["specialty"])
    if "leader_volunteer_no" in changes:
        number = changes.pop("leader_volunteer_no")
        try:
            changes["leader"] = volunteer_for(request.auth, number) if number else None
        except NotFound:
            raise ValidationFailed({"leader_volunteer_no": [_("No such volunteer.")]}) from None
    return services.update_team(actor=request.auth, team=team, **changes)


@router.post("/teams/{team_id}/move", response=TeamOut)
def move_team(request, team_id: int, payload: MoveIn):
    team = access.team_for(request.auth, team_id, manage=True)
    parent = access.team_for(request.auth, payload.parent_id)
    return services.move_team(actor=request.auth, team=team, new_parent=parent)


@router.post("/teams/{team_id}/dissolve", response=TeamOut)
def dissolve_team(request, team_id: int, payload: TeamReasonIn):
    team = access.team_for(request.auth, team_id, manage=True)
    return services.dissolve_team(actor=request.auth, team=team, reason=payload.reason)


@router.post("/teams/{team_id}/join", response={201: MembershipOut})
def join_team(request, team_id: int):
    team = access.team_for(request.auth, team_id)
    return Status(201, services.join_team(actor=request.auth, team=team))


@router.post("/teams/{team_id}/leave", response=MembershipOut)
def leave_team(request, team_id: int):
    team = access.team_for(request.auth, team_id)
    return services.leave_team(actor=request.auth, team=team)


@router.get("/teams/{team_id}/members", response=list[MembershipOut])
def team_members(request, team_id: int, state: Membership.State | None = None):
    """Members (or requests, invitations, history) of a team: its managers only."""
    team = access.team_for(request.auth, team_id, manage=True)
    states = (state,) if state else (Membership.State.ACTIVE,)
    return selectors.members(team, states=states)


@router.post("/teams/{team_id}/invitations", response={201: MembershipOut})
def invite(request, team_id: int, payload: InviteIn):
    team = access.team_for(request.auth, team_id, manage=True)
    # By the public number alone: the person need not be in the admin's roster yet.
    volunteer = Volunteer.objects.filter(volunteer_no=payload.volunteer_no.strip().upper()).first()
    if volunteer is None:
        raise ValidationFailed({"volunteer_no": [str(_("No volunteer has this number."))]})
    return Status(201, services.invite(actor=request.auth, team=team, volunteer=volunteer))


@router.get("/memberships", response=list[MembershipOut])
def my_memberships(request):
    """The caller's own memberships, past ones included."""
    volunteer = getattr(request.auth, "volunteer", None)
    return selectors.memberships_of(volunteer) if volunteer else []


@router.post("/memberships/{membership_id}/approve", response=MembershipOut)
def approve(request, membership_id: int):
    row = access.membership_for(request.auth, membership_id)
    return services.decide_request(actor=request.auth, membership=row, approve=True)


@router.post("/memberships/{membership_id}/reject", response=MembershipOut)
def reject(request, membership_id: int, payload: TeamNoteIn):
    row = access.membership_for(request.auth, membership_id)
    return services.decide_request(
        actor=request.auth, membership=row, approve=False, note=payload.note
    )


@router.post("/memberships/{membership_id}/accept", response=MembershipOut)
def accept(request, membership_id: int):
    row = access.membership_for(request.auth, membership_id, manage=False)
    return services.accept_invitation(actor=request.auth, membership=row)


@router.post("/memberships/{membership_id}/remove", response=MembershipOut)
def remove(request, membership_id: int, payload: TeamReasonIn):
    row = access.membership_for(request.auth, membership_id)
    return services.remove_member(actor=request.auth, membership=row, reason=payload.reason)


@router.patch("/memberships/{membership_id}", response=MembershipOut)
def change_role(request, membership_id: int, payload: RoleIn):
    row = access.membership_for(request.auth, membership_id)
    return services.set_role(actor=request.auth, membership=row, role=payload.role)
