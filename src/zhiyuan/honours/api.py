"""API: award kinds, the public honour roll, awards, nomination rounds, nominations and finalising."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from zhiyuan.accounts.apiauth import OPTIONAL
from zhiyuan.core.errors import NotFound, ValidationFailed
from zhiyuan.honours import access, selectors, services
from zhiyuan.honours.models import AwardeeType, Level
from zhiyuan.places.models import Region
from zhiyuan.teams.access import team_for

router = Router(tags=["honours"])


class KindOut(Schema):
    code: str
    name: str
    awardee_type: str
    description: str


class KindIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=50)
    awardee_type: AwardeeType
    description: str = Field("", max_length=300)


class AwardOut(Schema):
    id: int
    kind: str
    kind_name: str
    level: str
    year: int
    rank: str
    awardee_type: str
    awardee_id: int
    awardee_name: str
    citation: str
    awarding_body: str
    awarded_on: dt.date
    state: str

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.code

    @staticmethod
    def resolve_kind_name(obj) -> str:
        return obj.kind.name

    @staticmethod
    def resolve_awardee_id(obj) -> int:
        return getattr(obj, f"{obj.awardee_type}_id")


class AwardIn(Schema):
    kind: str = Field(..., max_length=40)
    awardee: str = Field(
        ..., max_length=30, description="Volunteer number, or the team/project/station id"
    )
    level: Level
    year: int
    rank: str = Field("", max_length=30)
    citation: str = Field("", max_length=500)
    awarding_body: str = Field(..., max_length=100)
    awarded_on: dt.date


class AwardQuery(Schema):
    year: int | None = Field(None, ge=1900, le=2200)
    kind: str = Field("", max_length=40)
    level: Level | None = None
    awardee_type: AwardeeType | None = None
    q: str = Field("", max_length=50)
    page: int = Field(1, ge=1, le=10000)
    page_size: int = Field(20, ge=1, le=100)


class NominationReasonIn(Schema):
    reason: str = Field(..., max_length=300)


class NominationNoteIn(Schema):
    note: str = Field("", max_length=300)


class RoundOut(Schema):
    id: int
    kind: str
    year: int
    level: str
    region_id: int
    awarding_body: str
    deadline: dt.date
    rules: dict
    state: str

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.code


class RoundIn(Schema):
    kind: str = Field(..., max_length=40)
    year: int
    level: Level = Level.DISTRICT
    region_id: int | None = None
    awarding_body: str = Field(..., max_length=100)
    deadline: dt.date
    rules: dict[str, int] = {}


class NominationOut(Schema):
    id: int
    round_id: int
    source: str
    state: str
    awardee_type: str
    awardee_id: int
    awardee_name: str
    nominating_team_id: int | None
    reason: str
    evidence: dict
    decision_note: str
    award_id: int | None

    @staticmethod
    def resolve_awardee_id(obj) -> int:
        return getattr(obj, f"{obj.awardee_type}_id")


class NominationIn(Schema):
    awardee: str = Field(
        ..., max_length=30, description="Volunteer number, or the team/project/station id"
    )
    reason: str = Field(..., max_length=500)
    team_id: int | None = Field(
        None, description="The nominating team (team admins); leave out to add as the office"
    )


class ProposeOut(Schema):
    added: int


@router.get("/honour-kinds", auth=OPTIONAL, response=list[KindOut])
def list_kinds(request):
    return selectors.kinds()


@router.post("/honour-kinds", response={201: KindOut})
def create_kind(request, payload: KindIn):
    """Office admins add kinds of award beside the defaults."""
    return Status(201, services.create_kind(actor=request.auth, **payload.dict()))


@router.get("/awards", auth=OPTIONAL, response=list[AwardOut])
def list_awards(request, query: Query[AwardQuery]):
    """The public honour roll: published awards by year, kind, level and awardee type."""
    qs = selectors.roll(
        selectors.RollFilter(
            year=query.year,
            kind=query.kind,
            level=query.level or "",
            awardee_type=query.awardee_type or "",
            q=query.q,
        )
    )
    start = (query.page - 1) * query.page_size
    return list(qs[start : start + query.page_size])


@router.get("/awards/{award_id}", auth=OPTIONAL, response=AwardOut)
def get_award(request, award_id: int):
    return access.award_for(request.auth, award_id)


def _kind(code: str):
    try:
        return access.kind_for(code)
    except NotFound:
        raise ValidationFailed({"kind": [str(NotFound.default_message)]}) from None


@router.post("/awards", response={201: AwardOut})
def create_award(request, payload: AwardIn):
    kind = _kind(payload.kind)
    award = services.create_award(
        actor=request.auth,
        kind=kind,
        awardee=services.find_awardee(kind.awardee_type, payload.awardee),
        **payload.dict(exclude={"kind", "awardee"}),
    )
    return Status(201, award)


@router.post("/awards/{award_id}/withdraw", response=AwardOut)
def withdraw_award(request, award_id: int, payload: NominationReasonIn):
    award = access.award_for(request.auth, award_id)
    return services.withdraw_award(actor=request.auth, award=award, reason=payload.reason)


@router.get("/nomination-rounds", response=list[RoundOut])
def list_rounds(request):
    return list(selectors.rounds_for(request.auth)[:200])


@router.post("/nomination-rounds", response={201: RoundOut})
def open_round(request, payload: RoundIn):
    """Office admins open a round for a kind and year over their region (default: the
    district they administer)."""
    region = None
    if payload.region_id is not None:
        region = Region.objects.filter(pk=payload.region_id).first()
        if region is None:
            raise ValidationFailed({"region_id": [_("No such region.")]})
    else:
        region = selectors.office_region(request.auth)
    round_ = services.open_round(
        actor=request.auth,
        kind=_kind(payload.kind),
        region=region,
        **payload.dict(exclude={"kind", "region_id"}),
    )
    return Status(201, round_)


@router.get("/nomination-rounds/{round_id}", response=RoundOut)
def get_round(request, round_id: int):
    return access.round_for(request.auth, round_id)


@router.post("/nomination-rounds/{round_id}/propose", response=ProposeOut)
def propose(request, round_id: int):
    """Shortlist the candidates the round's rules find."""
    round_ = access.round_for(request.auth, round_id)
    return {"added": services.propose_candidates(actor=request.auth, round=round_)}


@router.get("/nomination-rounds/{round_id}/nominations", response=list[NominationOut])
def list_nominations(request, round_id: int):
    round_ = access.round_for(request.auth, round_id)
    return list(selectors.nominations_for(request.auth, round_)[:1000])


@router.post("/nomination-rounds/{round_id}/nominations", response={201: NominationOut})
def create_nomination(request, round_id: int, payload: NominationIn):
    """With `team_id`: a team admin's nomination, waiting for the team above. Without: the
    office adds a candidate to the shortlist."""
    round_ = access.round_for(request.auth, round_id)
    awardee = services.find_awardee(round_.kind.awardee_type, payload.awardee)
    if payload.team_id is None:
        row = services.add_candidate(
            actor=request.auth, round=round_, awardee=awardee, reason=payload.reason
        )
    else:
        team = team_for(request.auth, payload.team_id)
        row = services.nominate(
            actor=request.auth, round=round_, team=team, awardee=awardee, reason=payload.reason
        )
    return Status(201, row)


@router.post("/nominations/{nomination_id}/approve", response=NominationOut)
def approve(request, nomination_id: int, payload: NominationNoteIn):
    row = access.nomination_for(request.auth, nomination_id)
    return services.approve_nomination(actor=request.auth, nomination=row, note=payload.note)


@router.post("/nominations/{nomination_id}/reject", response=NominationOut)
def reject(request, nomination_id: int, payload: NominationReasonIn):
    row = access.nomination_for(request.auth, nomination_id)
    return services.reject_nomination(actor=request.auth, nomination=row, reason=payload.reason)


@router.post("/nominations/{nomination_id}/remove", response=NominationOut)
def remove(request, nomination_id: int, payload: NominationReasonIn):
    row = access.nomination_for(request.auth, nomination_id)
    return services.remove_candidate(actor=request.auth, nomination=row, reason=payload.reason)


@router.post("/nomination-rounds/{round_id}/finalise", response=list[AwardOut])
def finalise(request, round_id: int):
    """Every shortlisted candidate receives the award; the awards go on the public roll."""
    round_ = access.round_for(request.auth, round_id)
    return services.finalise_round(actor=request.auth, round=round_)
