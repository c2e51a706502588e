"""Permission-checked getters for awards, rounds and nominations, used by pages and API alike."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.core.errors import NotFound, PermissionDenied
from zhiyuan.honours import selectors
from zhiyuan.honours.models import Award, AwardKind, Nomination, NominationRound
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team


def is_office_admin(user) -> bool:
    return scopes.is_district_admin(user)


def check_office(user) -> None:
    """Award kinds, awards and rounds are set up by the offices."""
    if not is_office_admin(user):
        raise PermissionDenied(_("Only office admins may do this."))


def may_add_kind(user) -> bool:
    """The kinds of award are one district-wide list: the whole district's office adds to it,
    not a subdistrict office (as with specialties and news columns)."""
    return scopes.runs_a_district(user)


def check_may_add_kind(user) -> None:
    if not may_add_kind(user):
        raise PermissionDenied(_("Only the district office may add kinds of award."))


def may_run(user, round_: NominationRound) -> bool:
    return scopes.administers_region(user, round_.region)


def approver_team(nomination: Nomination) -> Team | None:
    """The team whose admins approve this nomination; None: the round's office admins."""
    team = nomination.nominating_team
    return team.parent if team is not None and team.parent_id else None


def may_decide(user, nomination: Nomination) -> bool:
    """The next level up decides: the parent team's admins (or those above them, and the
    office); never the nominating team's own admins or a sibling team's."""
    if nomination.source != Nomination.Source.TEAM:
        return may_run(user, nomination.round)
    parent = approver_team(nomination)
    if parent is None:
        return may_run(user, nomination.round)
    return may_manage_team(user, parent)


def kind_for(code_or_id) -> AwardKind:
    text = str(code_or_id or "").strip()
    kind = AwardKind.objects.filter(code=text).first()
    if kind is None and text.isdigit():
        kind = AwardKind.objects.filter(pk=int(text)).first()
    if kind is None:
        raise NotFound(_("No such award kind."))
    return kind


def award_for(user, award_id) -> Award:
    """Published awards are public; withdrawn ones only for the office admins of their region."""
    from zhiyuan.accounts import scopes

    try:
        award = Award.objects.select_related(*selectors.AWARDEE_RELATED, "region").get(
            pk=int(award_id)
        )
    except (Award.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such award.")) from None
    if not award.is_published and not scopes.administers_region(user, award.region):
        raise NotFound(_("No such award."))
    return award


def round_for(user, round_id) -> NominationRound:
    """A round its office admins run and the region's team admins nominate in; else 404."""
    try:
        pk = int(round_id)
    except (ValueError, TypeError):
        raise NotFound(_("No such nomination round.")) from None
    round_ = selectors.rounds_for(user).filter(pk=pk).first()
    if round_ is None:
        raise NotFound(_("No such nomination round."))
    return round_


def nomination_for(user, nomination_id) -> Nomination:
    try:
        row = Nomination.objects.select_related(
            "round",
            "round__kind",
            "round__region",
            "nominating_team",
            "nominating_team__parent",
            "nominating_team__region",
            "volunteer",
            "team",
            "project",
            "station",
        ).get(pk=int(nomination_id))
    except (Nomination.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such nomination.")) from None
    if not selectors.nominations_for(user, row.round).filter(pk=row.pk).exists():
        raise NotFound(_("No such nomination."))
    return row
