"""Use cases that write honours: award kinds, awards, nomination rounds, nominations and finalising.

Nominations and rounds race when two admins act at once (two approvers, an approval and
the finalising): every write to a nomination locks the round's row first, then the
nomination's, so one of them wins and the other sees the new state and is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from zhiyuan.honours import rules as candidate_rules
from zhiyuan.honours.access import check_may_add_kind, may_decide, may_run
from zhiyuan.honours.models import (
    Award,
    AwardeeType,
    AwardKind,
    Level,
    Nomination,
    NominationRound,
)
from zhiyuan.places.models import Region
from zhiyuan.projects.models import Project
from zhiyuan.stations.models import Station
from zhiyuan.teams.access import may_manage
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.models import Volunteer

FIRST_YEAR = 1990


class RoundClosed(Conflict):
    code = "round_closed"
    default_message = _("This nomination round is closed.")


class AlreadyNominated(Conflict):
    code = "already_nominated"
    default_message = _("This candidate is already nominated in this round.")


class AlreadyAwarded(Conflict):
    code = "already_awarded"
    default_message = _("This awardee already holds this award at this level for this year.")


class NotOfficeAdmin(PermissionDenied):
    default_message = _("Only an office admin of this region may do this.")


class NotNextLevelUp(PermissionDenied):
    code = "not_next_level_up"
    default_message = _(
        "A team's nomination is approved by the admin of the team above it (or the office)."
    )


# --- awardees -------------------------------------------------------------------------------


def find_awardee(awardee_type: str, identifier) -> object:
    """The volunteer (by volunteer number), team, project or station (by number) named.

    Raises ValidationFailed on the `awardee` field when it does not exist or cannot be
    honoured (a suspended volunteer, a dissolved team, a draft project, a closed station).
    """
    text = str(identifier if identifier is not None else "").strip()
    if not text:
        raise ValidationFailed({"awardee": [_("Say who receives it.")]})
    if awardee_type == AwardeeType.VOLUNTEER:
        volunteer = Volunteer.objects.select_related("community").filter(volunteer_no=text).first()
        if volunteer is None and text.isdigit():
            volunteer = Volunteer.objects.select_related("community").filter(pk=int(text)).first()
        if volunteer is None:
            raise ValidationFailed({"awardee": [_("No volunteer has this number.")]})
        check_awardee(AwardeeType.VOLUNTEER, volunteer)
        return volunteer
    if not text.isdigit():
        raise ValidationFailed({"awardee": [_("Enter the number shown on its page.")]})
    model, message = {
        AwardeeType.TEAM: (Team, _("No team has this number.")),
        AwardeeType.PROJECT: (Project, _("No project has this number.")),
        AwardeeType.STATION: (Station, _("No station has this number.")),
    }[AwardeeType(awardee_type)]
    related = {Team: ["region"], Project: ["organiser__region"], Station: ["region"]}[model]
    found = model._default_manager.select_related(*related).filter(pk=int(text)).first()
    if found is None:
        raise ValidationFailed({"awardee": [message]})
    check_awardee(awardee_type, found)
    return found


def awardee_type_of(awardee) -> str:
    return {
        Volunteer: AwardeeType.VOLUNTEER,
        Team: AwardeeType.TEAM,
        Project: AwardeeType.PROJECT,
        Station: AwardeeType.STATION,
    }[type(awardee)]


def check_awardee(awardee_type: str, awardee) -> None:
    """Refuse an awardee of the wrong type or one that cannot be honoured now."""
    if awardee is None:
        raise ValidationFailed({"awardee": [_("Say who receives it.")]})
    actual = awardee_type_of(awardee)
    if actual != awardee_type:
        raise ValidationFailed(
            {
                "awardee": [
                    _("This award is given to a %(expected)s, not to a %(actual)s.")
                    % {
                        "expected": AwardeeType(awardee_type).label,
                        "actual": AwardeeType(actual).label,
                    }
                ]
            }
        )
    if actual == AwardeeType.VOLUNTEER and awardee.status == Volunteer.Status.SUSPENDED:
        raise ValidationFailed({"awardee": [_("This volunteer is suspended.")]})
    if actual == AwardeeType.VOLUNTEER and not awardee.is_active:
        raise ValidationFailed({"awardee": [_("This volunteer is not active.")]})
    if actual == AwardeeType.TEAM and not awardee.is_active:
        raise ValidationFailed({"awardee": [_("This team is dissolved.")]})
    if actual == AwardeeType.PROJECT and awardee.state == Project.State.DRAFT:
        raise ValidationFailed({"awardee": [_("This project is not published.")]})
    if actual == AwardeeType.STATION and awardee.status != Station.Status.OPEN:
        raise ValidationFailed({"awardee": [_("This station is closed.")]})


def region_of(awardee) -> Region:
    kind = awardee_type_of(awardee)
    if kind == AwardeeType.VOLUNTEER:
        return awardee.community
    if kind == AwardeeType.PROJECT:
        return awardee.organiser.region
    return awardee.region


def _awardee_fields(awardee) -> dict:
    kind = awardee_type_of(awardee)
    return {"awardee_type": kind, kind: awardee}


# --- kinds and awards ------------------------------------------------------------------------


def create_kind(
    *, actor: User, code: str, name: str, awardee_type: str, description: str = ""
) -> AwardKind:
    check_may_add_kind(actor)
    errors: dict[str, list] = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        errors["code"] = [_("Use letters, digits, - and _ only.")]
    elif AwardKind.objects.filter(code=code).exists():
        errors["code"] = [_("An award kind with this code exists.")]
    if not name:
        errors["name"] = [_("The name is required.")]
    elif AwardKind.objects.filter(name=name).exists():
        errors["name"] = [_("An award kind with this name exists.")]
    if awardee_type not in AwardeeType.values:
        errors["awardee_type"] = [_("Choose who this award is given to.")]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            return AwardKind.objects.create(
                code=code,
                name=name,
                awardee_type=awardee_type,
                description=(description or "").strip()[:300],
                sort_order=AwardKind.objects.count(),
            )
    except IntegrityError:
        raise Conflict(_("An award kind with this code or name exists."), field="code") from None


def _check_year(errors: dict, year, field: str = "year") -> None:
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_YEAR <= year <= this_year + 1:
        errors[field] = [
            _("Enter a year between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": this_year + 1}
        ]


def create_award(
    *,
    actor: User,
    kind: AwardKind,
    awardee,
    level: str,
    year: int,
    awarding_body: str,
    awarded_on: dt.date,
    rank: str = "",
    citation: str = "",
    round: NominationRound | None = None,
) -> Award:
    """Record an honour (given by the district, or received from the city, province or nation)."""
    check_awardee(kind.awardee_type, awardee)
    region = region_of(awardee)
    if not scopes.administers_region(actor, region):
        raise NotOfficeAdmin()
    errors: dict[str, list] = {}
    if level not in Level.values:
        errors["level"] = [_("Choose a level.")]
    _check_year(errors, year)
    if not (awarding_body or "").strip():
        errors["awarding_body"] = [_("Say who gives the award.")]
    if awarded_on is None:
        errors["awarded_on"] = [_("Enter the date of the award.")]
    elif awarded_on > timezone.localdate():
        errors["awarded_on"] = [_("The date of the award cannot be in the future.")]
    elif isinstance(year, int) and awarded_on.year < year:
        errors["awarded_on"] = [_("An award cannot be dated before its year.")]
    if len(rank or "") > 30:
        errors["rank"] = [_("At most 30 characters.")]
    if len(citation or "") > 500:
        errors["citation"] = [_("At most 500 characters.")]
    if errors:
        raise ValidationFailed(errors)
    if Award.objects.filter(
        kind=kind, level=level, year=year, state=Award.State.PUBLISHED, **_awardee_fields(awardee)
    ).exists():
        raise AlreadyAwarded(field="awardee")
    try:
        with transaction.atomic():
            return Award.objects.create(
                kind=kind,
                level=level,
                year=year,
                rank=(rank or "").strip(),
                citation=(citation or "").strip(),
                awarding_body=awarding_body.strip(),
                awarded_on=awarded_on,
                region=region,
                round=round,
                created_by=actor,
                **_awardee_fields(awardee),
            )
    except IntegrityError:
        raise AlreadyAwarded(field="awardee") from None


def withdraw_award(*, actor: User, award: Award, reason: str) -> Award:
    """Take an award off the roll (made in error, or revoked); the row stays with the reason."""
    if not scopes.administers_region(actor, award.region):
        raise NotOfficeAdmin()
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why the award is withdrawn.")]})
    with transaction.atomic():
        row = Award.objects.select_for_update().get(pk=award.pk)
        if row.state != Award.State.PUBLISHED:
            raise Conflict(_("This award is already withdrawn."))
        row.state = Award.State.WITHDRAWN
        row.withdraw_reason = reason.strip()[:300]
        row.save(update_fields=["state", "withdraw_reason"])
    return row


# --- rounds ----------------------------------------------------------------------------------


def _check_runs(actor: User, round_: NominationRound) -> None:
    if not may_run(actor, round_):
        raise NotOfficeAdmin()


def open_round(
    *,
    actor: User,
    kind: AwardKind,
    year: int,
    level: str,
    region: Region,
    awarding_body: str,
    deadline: dt.date,
    rules: dict | None = None,
) -> NominationRound:
    if region is None or not scopes.administers_region(actor, region):
        raise NotOfficeAdmin()
    errors: dict[str, list] = {}
    _check_year(errors, year)
    if level not in Level.values:
        errors["level"] = [_("Choose a level.")]
    if not (awarding_body or "").strip():
        errors["awarding_body"] = [_("Say who gives the award.")]
    if deadline is None or deadline < timezone.localdate():
        errors["deadline"] = [_("The closing date cannot be in the past.")]
    try:
        cleaned = candidate_rules.clean_rules(kind.awardee_type, rules)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return NominationRound.objects.create(
        kind=kind,
        year=year,
        level=level,
        region=region,
        awarding_body=awarding_body.strip(),
        deadline=deadline,
        rules=cleaned,
        opened_by=actor,
    )


def _lock_open_round(round_: NominationRound) -> NominationRound:
    row = (
        NominationRound.objects.select_for_update()
        .select_related("kind", "region")
        .get(pk=round_.pk)
    )
    if not row.is_open:
        raise RoundClosed()
    return row


def propose_candidates(*, actor: User, round: NominationRound) -> int:
    """Shortlist the candidates the rules find; those already in the round (or removed from
    it by the admin) stay as they are. Returns how many were added."""
    _check_runs(actor, round)
    with transaction.atomic():
        row = _lock_open_round(round)
        field = row.kind.awardee_type
        found = candidate_rules.candidates(row)
        present = set(
            Nomination.objects.filter(round=row)
            .exclude(state=Nomination.State.REJECTED)
            .values_list(f"{field}_id", flat=True)
        )
        new = [
            Nomination(
                round=row,
                source=Nomination.Source.RULES,
                state=Nomination.State.SHORTLISTED,
                awardee_type=field,
                evidence=candidate.evidence,
                created_by=actor,
                **{f"{field}_id": candidate.awardee_id},
            )
            for candidate in found
            if candidate.awardee_id not in present
        ]
        Nomination.objects.bulk_create(new)
    return len(new)


def _check_not_nominated(row: NominationRound, awardee) -> None:
    if Nomination.objects.filter(
        round=row, state__in=Nomination.OPEN_STATES, **_awardee_fields(awardee)
    ).exists():
        raise AlreadyNominated(field="awardee")


def _in_region(row: NominationRound, awardee) -> None:
    if not region_of(awardee).path.startswith(row.region.path):
        raise ValidationFailed({"awardee": [_("The candidate is outside this round's region.")]})


def add_candidate(*, actor: User, round: NominationRound, awardee, reason: str) -> Nomination:
    """The office adds a candidate to the shortlist by hand, saying why."""
    _check_runs(actor, round)
    check_awardee(round.kind.awardee_type, awardee)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why this candidate is added.")]})
    try:
        with transaction.atomic():
            row = _lock_open_round(round)
            _in_region(row, awardee)
            _check_not_nominated(row, awardee)
            return Nomination.objects.create(
                round=row,
                source=Nomination.Source.ADMIN,
                state=Nomination.State.SHORTLISTED,
                reason=reason.strip()[:500],
                created_by=actor,
                **_awardee_fields(awardee),
            )
    except IntegrityError:
        raise AlreadyNominated(field="awardee") from None


def _in_team(team: Team, awardee) -> bool:
    """Whether `awardee` belongs to `team`'s subtree: its members, its sub-teams, their
    projects and stations."""
    kind = awardee_type_of(awardee)
    if kind == AwardeeType.VOLUNTEER:
        return Membership.objects.filter(
            scopes.within("team__path", team.path), volunteer=awardee, state=Membership.State.ACTIVE
        ).exists()
    if kind == AwardeeType.TEAM:
        return awardee.path.startswith(team.path) and awardee.pk != team.pk
    if kind == AwardeeType.PROJECT:
        return awardee.organiser.path.startswith(team.path)
    return awardee.managing_team_id is not None and awardee.managing_team.path.startswith(team.path)


def nominate(
    *, actor: User, round: NominationRound, team: Team, awardee, reason: str
) -> Nomination:
    """A team's admin puts forward one of its members, sub-teams, projects or stations; the
    nomination waits for the admin of the team above."""
    if not may_manage(actor, team):
        raise PermissionDenied(_("Only an admin of this team may nominate for it."))
    check_awardee(round.kind.awardee_type, awardee)
    errors: dict[str, list] = {}
    if not team.is_active:
        errors["team"] = [_("This team is dissolved.")]
    elif not team.region.path.startswith(round.region.path):
        errors["team"] = [_("This team is outside the round's region.")]
    elif not _in_team(team, awardee):
        errors["awardee"] = [
            _("A team nominates its own members, sub-teams, projects and stations only.")
        ]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why you nominate this candidate.")]
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            row = _lock_open_round(round)
            if timezone.localdate() > row.deadline:
                raise RoundClosed(
                    _("Nominations for this round closed on %(date)s.")
                    % {"date": row.deadline.isoformat()}
                )
            _in_region(row, awardee)
            _check_not_nominated(row, awardee)
            return Nomination.objects.create(
                round=row,
                source=Nomination.Source.TEAM,
                state=Nomination.State.PENDING,
                nominating_team=team,
                reason=reason.strip()[:500],
                created_by=actor,
                **_awardee_fields(awardee),
            )
    except IntegrityError:
        raise AlreadyNominated(field="awardee") from None


def _lock_pending(actor: User, nomination: Nomination) -> Nomination:
    _lock_open_round(nomination.round)
    row = (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("round", "nominating_team", "nominating_team__parent")
        .get(pk=nomination.pk)
    )
    if not row.is_pending:
        raise Conflict(
            _("This nomination is already decided: %(state)s.")
            % {"state": row.get_state_display()},
            code="already_decided",
        )
    return row


def approve_nomination(*, actor: User, nomination: Nomination, note: str = "") -> Nomination:
    if not may_decide(actor, nomination):
        raise NotNextLevelUp()
    with transaction.atomic():
        row = _lock_pending(actor, nomination)
        check_awardee(row.awardee_type, row.awardee)
        row.state = Nomination.State.SHORTLISTED
        row.decided_by, row.decided_at = actor, timezone.now()
        row.decision_note = (note or "").strip()[:300]
        row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return row


def reject_nomination(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    if not may_decide(actor, nomination):
        raise NotNextLevelUp()
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why the nomination is rejected.")]})
    with transaction.atomic():
        row = _lock_pending(actor, nomination)
        row.state = Nomination.State.REJECTED
        row.decided_by, row.decided_at = actor, timezone.now()
        row.decision_note = reason.strip()[:300]
        row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return row


def remove_candidate(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    """The office takes a candidate off the shortlist, saying why; the row stays."""
    _check_runs(actor, nomination.round)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why this candidate is removed.")]})
    with transaction.atomic():
        _lock_open_round(nomination.round)
        row = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if row.state not in (Nomination.State.SHORTLISTED, Nomination.State.PENDING):
            raise Conflict(_("Only a shortlisted or pending candidate can be removed."))
        row.state = Nomination.State.REMOVED
        row.decided_by, row.decided_at = actor, timezone.now()
        row.decision_note = reason.strip()[:300]
        row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    return row


def finalise_round(
    *, actor: User, round: NominationRound, awarded_on: dt.date | None = None
) -> list[Award]:
    """Close the round: every shortlisted candidate receives the award, published on the roll.

    Refused while nominations wait for approval, or when a candidate can no longer be
    honoured (suspended since, dissolved …): the admin removes them first.
    """
    _check_runs(actor, round)
    awarded_on = awarded_on or timezone.localdate()
    with transaction.atomic():
        row = _lock_open_round(round)
        pending = row.nominations.filter(state=Nomination.State.PENDING).count()
        if pending:
            raise Conflict(
                _("%(n)s nominations still wait for approval: approve or reject them first.")
                % {"n": pending},
                code="nominations_pending",
            )
        shortlist = list(
            row.nominations.select_for_update()
            .filter(state=Nomination.State.SHORTLISTED)
            .order_by("pk")
        )
        if not shortlist:
            raise ValidationFailed({"__all__": [_("The shortlist is empty.")]})
        awards = []
        for nomination in shortlist:
            try:
                award = create_award(
                    actor=actor,
                    kind=row.kind,
                    awardee=nomination.awardee,
                    level=row.level,
                    year=row.year,
                    awarding_body=row.awarding_body,
                    awarded_on=awarded_on,
                    citation=nomination.reason,
                    round=row,
                )
            except DomainError as exc:
                raise ValidationFailed(
                    {
                        "__all__": [
                            _("%(name)s: %(reason)s")
                            % {"name": nomination.awardee_name, "reason": exc.message}
                        ]
                    }
                ) from None
            nomination.state = Nomination.State.AWARDED
            nomination.award = award
            nomination.save(update_fields=["state", "award"])
            awards.append(award)
        row.state = NominationRound.State.FINALISED
        row.finalised_by, row.finalised_at = actor, timezone.now()
        row.save(update_fields=["state", "finalised_by", "finalised_at"])
    return awards
