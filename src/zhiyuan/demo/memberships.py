"""Demo memberships: who belongs to which demo team, who leads it, who waits to join.

About 86% of active volunteers belong to their community's squad, many also to one of its
groups, some to a professional or unit team or a department's detachment: one to three
memberships each. A few requests wait, a few were turned down, some members left. Every
team but the corps has a leader from its members, and the corps, detachments and squads
an admin; the demo volunteer administers their community's squad, where requests wait.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import chain, islice
from typing import TYPE_CHECKING

from zhiyuan.demo.accounts import VOLUNTEER_USERNAME
from zhiyuan.demo.rows import insert_rows, update_rows
from zhiyuan.demo.teams import Corps, local_moment
from zhiyuan.places.models import Region
from zhiyuan.teams.models import Membership, Team
from zhiyuan.volunteers.models import Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

LEAVING_NOTES = ["工作调动", "搬离本社区", "学业繁忙", "时间原因"]
REJECTION_NOTE = "暂不符合本队招募条件"

# Shares of active volunteers (tuned so ~85% hold one to three active memberships).
MEMBER_SHARE = 0.86
GROUP_SHARE = 0.45
EXTRA_SHARE = 0.13
LEFT_SHARE = 0.03
# Requests waiting in the demo volunteer's squad, so its admin pages have work.
DEMO_PENDING = 3

MEMBERSHIP_FIELDS = ["team", "volunteer", "role", "state", "requested_at", "joined_at"]
MEMBERSHIP_FIELDS += ["left_at", "note"]


class Roster:
    """Membership rows planned in memory, at most one per team and volunteer."""

    def __init__(self, rng: random.Random, now: dt.datetime):
        self.rng, self.now = rng, now
        self.rows: dict[tuple[int, int], list] = {}
        self.started: dict[int, dt.datetime] = {}  # team id → its founding moment

    def moment(self, start: dt.datetime, end: dt.datetime | None = None) -> dt.datetime:
        """A random moment in [start, end), or just before `end` if start is not before it."""
        end = end or self.now
        if start >= end:
            return end - dt.timedelta(hours=1)
        return start + (end - start) * self.rng.random()

    def has(self, team: Team, volunteer_id: int) -> bool:
        return (team.pk, volunteer_id) in self.rows

    def join(self, team: Team, volunteer_id: int, registered: dt.datetime, role="member"):
        if self.has(team, volunteer_id):
            return
        start = max(registered, self.started[team.pk])
        joined = self.moment(start)
        requested = joined
        if team.join_mode != Team.JoinMode.OPEN:
            requested = max(start, joined - dt.timedelta(days=self.rng.uniform(0.2, 6)))
        self.rows[team.pk, volunteer_id] = [
            team.pk,
            volunteer_id,
            role,
            Membership.State.ACTIVE,
            requested,
            joined,
            None,
            "",
        ]

    def ask(self, team: Team, volunteer_id: int, registered: dt.datetime, state: str):
        """A request that waits (pending), an invitation not yet answered, or a refusal.

        Only teams that join by approval have requests to decide on.
        """
        if self.has(team, volunteer_id):
            return
        if state != Membership.State.INVITED and team.join_mode != Team.JoinMode.APPROVAL:
            return
        recent = self.now - dt.timedelta(days=21)
        if state == Membership.State.REJECTED:
            requested = self.moment(max(registered, self.started[team.pk]), recent)
        else:
            requested = self.moment(max(registered, recent))
        note = REJECTION_NOTE if state == Membership.State.REJECTED else ""
        self.rows[team.pk, volunteer_id] = [
            team.pk,
            volunteer_id,
            Membership.Role.MEMBER,
            state,
            requested,
            None,
            None,
            note,
        ]

    def leave(self, team: Team, volunteer_id: int, registered: dt.datetime):
        if self.has(team, volunteer_id):
            return
        start = max(registered, self.started[team.pk])
        joined = self.moment(start, self.now - dt.timedelta(days=60))
        left = min(joined + dt.timedelta(days=self.rng.uniform(30, 500)), self.now)
        left = left if left > joined else self.now
        note = self.rng.choice(LEAVING_NOTES)
        self.rows[team.pk, volunteer_id] = [
            team.pk,
            volunteer_id,
            Membership.Role.MEMBER,
            Membership.State.LEFT,
            joined,
            joined,
            left,
            note,
        ]

    def manage(self, team: Team, volunteer_id: int, registered: dt.datetime, role: str):
        """Make the volunteer an active leader or admin of the team, joining if need be."""
        row = self.rows.get((team.pk, volunteer_id))
        if row is None:
            self.join(team, volunteer_id, registered, role=role)
            return
        if row[2] != Membership.Role.MEMBER:
            return  # already manages: keep the first role given
        row[2] = role
        if row[3] != Membership.State.ACTIVE:
            row[3] = Membership.State.ACTIVE
            row[5] = self.moment(max(registered, self.started[team.pk]))
            row[4] = min(row[4], row[5])
            row[6], row[7] = None, ""

    def active_members(self) -> dict[int, list[int]]:
        members: dict[int, list[int]] = {}
        for team_id, volunteer_id, _role, state, *_rest in self.rows.values():
            if state == Membership.State.ACTIVE:
                members.setdefault(team_id, []).append(volunteer_id)
        return members


def plan_memberships(ctx: DemoContext, corps: Corps) -> tuple[Roster, dict[int, int]]:
    """Plan the rows; returns the roster and each team's leader (team id → volunteer id)."""
    rng, now = ctx.rng, ctx.now
    roster = Roster(rng, now)
    roster.started = {t.pk: local_moment(t.founded_on) for t in corps.teams}
    active = list(
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE, community__in=ctx.communities)
        .order_by("pk")
        .values_list("pk", "community_id", "created_at")
    )
    registered = {pk: created for pk, _community, created in active}
    groups_of: dict[int, list[Team]] = {}
    for group in corps.groups:
        groups_of.setdefault(group.parent_id, []).append(group)
    extra = [
        *corps.other_squads,
        *(t for t in corps.detachments if t.region_id == ctx.district.pk),
        *(g for s in corps.other_squads for g in groups_of.get(s.pk, [])),
    ]
    invitation_only = [
        t
        for t in corps.teams
        if t.join_mode == Team.JoinMode.INVITATION and t.level != Team.Level.CORPS
    ]

    for volunteer_id, community_id, created in active:
        squad = corps.community_squads[community_id]
        if rng.random() >= MEMBER_SHARE:
            chance = rng.random()
            if chance < 0.12:
                roster.ask(squad, volunteer_id, created, Membership.State.PENDING)
            elif chance < 0.16:
                roster.ask(squad, volunteer_id, created, Membership.State.REJECTED)
            continue
        roster.join(squad, volunteer_id, created)
        own_groups = groups_of.get(squad.pk)
        if own_groups and rng.random() < GROUP_SHARE:
            roster.join(rng.choice(own_groups), volunteer_id, created)
        if rng.random() < EXTRA_SHARE:
            roster.join(rng.choice(extra), volunteer_id, created)
        chance = rng.random()
        if chance < LEFT_SHARE:
            roster.leave(rng.choice(own_groups or extra), volunteer_id, created)
        elif chance < LEFT_SHARE + 0.01:
            roster.ask(rng.choice(extra), volunteer_id, created, Membership.State.PENDING)
        elif chance < LEFT_SHARE + 0.015 and invitation_only:
            team = rng.choice(invitation_only)
            roster.ask(team, volunteer_id, created, Membership.State.INVITED)

    leaders = _choose_managers(ctx, corps, roster, active, registered)
    _the_demo_volunteer_administers_a_squad(ctx, corps, roster, active, registered)
    return roster, leaders


def _choose_managers(ctx, corps: Corps, roster: Roster, active, registered) -> dict[int, int]:
    """A leader for every team but the corps (its 总队长 is the deputy party secretary, not
    a registered volunteer) and an admin for the corps, detachments and squads.

    They come from the team's members; a team without members yet takes them from its
    community, else its subdistrict (a small demo has communities without volunteers),
    else the district.
    """
    rng = ctx.rng
    members = roster.active_members()
    near: dict[int, list[int]] = {}  # region id → its active volunteers
    parent = {c.pk: c.parent_id for c in ctx.communities}
    for volunteer_id, community_id, _created in active:
        near.setdefault(community_id, []).append(volunteer_id)
        near.setdefault(parent[community_id], []).append(volunteer_id)
    everyone = [volunteer_id for volunteer_id, _c, _r in active]
    leaders: dict[int, int] = {}
    for team in corps.teams:
        region = team.region
        pool = (
            members.get(team.pk)
            or near.get(region.pk)
            or (region.level == Region.Level.COMMUNITY and near.get(region.parent_id))
            or everyone
        )
        if not pool:
            continue
        if team.level != Team.Level.CORPS:
            leader = rng.choice(pool)
            roster.manage(team, leader, registered[leader], Membership.Role.LEADER)
            leaders[team.pk] = leader
        if team.level != Team.Level.GROUP:
            admin = rng.choice(pool)
            roster.manage(team, admin, registered[admin], Membership.Role.ADMIN)
    return leaders


def _the_demo_volunteer_administers_a_squad(ctx, corps: Corps, roster: Roster, active, registered):
    """The demo volunteer administers their community's squad, where requests wait."""
    demo = (
        Volunteer.objects.filter(user__username=VOLUNTEER_USERNAME, community__in=ctx.communities)
        .values_list("pk", "community_id")
        .first()
    )
    if demo is None or demo[0] not in registered:
        return
    volunteer_id, community_id = demo
    squad = corps.community_squads[community_id]
    squad.join_mode = Team.JoinMode.APPROVAL  # so that requests wait for its admin
    roster.manage(squad, volunteer_id, registered[volunteer_id], Membership.Role.ADMIN)
    waiting = sum(
        1
        for (team_id, _v), row in roster.rows.items()
        if team_id == squad.pk and row[3] == Membership.State.PENDING
    )
    # Neighbours first; in a small demo, anyone.
    neighbours = (v for v, c, _r in active if c == community_id)
    others = (v for v, c, _r in active if c != community_id)
    newcomers = (v for v in chain(neighbours, others) if not roster.has(squad, v))
    for candidate in islice(newcomers, max(0, DEMO_PENDING - waiting)):
        roster.ask(squad, candidate, registered[candidate], Membership.State.PENDING)
    ctx.say(f"the demo volunteer manages {squad.name}")


def add_memberships(ctx: DemoContext) -> None:
    """Write the planned memberships, then each team's leader and contact person."""
    corps = ctx.corps
    roster, leaders = plan_memberships(ctx, corps)
    written = insert_rows(
        Membership, MEMBERSHIP_FIELDS, roster.rows.values(), batch_size=ctx.batch_size
    )
    names = dict(Volunteer.objects.filter(pk__in=leaders.values()).values_list("pk", "real_name"))
    for team in corps.teams:
        team.leader_id = leaders.get(team.pk)
        if team.level in (Team.Level.SQUAD, Team.Level.GROUP) and team.leader_id:
            team.contact_name = names[team.leader_id]
    update_rows(Team, ["leader", "contact_name", "join_mode"], corps.teams)
    states: dict[str, int] = {}
    for row in roster.rows.values():
        states[row[3]] = states.get(row[3], 0) + 1
    ctx.say(f"memberships: {written:,} ({', '.join(f'{n:,} {s}' for s, n in states.items())})")
