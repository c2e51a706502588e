"""Use cases that write teams and memberships: found, edit, move, dissolve; join, invite, decide, leave."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.places.models import Region
from zhiyuan.teams.access import check_manage
from zhiyuan.teams.models import Membership, Specialty, Team
from zhiyuan.volunteers.access import own_volunteer
from zhiyuan.volunteers.models import Volunteer
from zhiyuan.volunteers.notices import notify_volunteer


def _district_code(region: Region) -> str:
    return region.path.split("/")[1]


def _placement_errors(*, level: str, parent: Team | None, region: Region | None, team=None):
    """What is wrong with putting a team of `level` in `region` under `parent`."""
    errors: dict[str, list[str]] = {}
    if level not in Team.Level.values:
        errors["level"] = [str(_("Choose a level."))]
        return errors
    if parent is not None:
        if team is not None and parent.path.startswith(team.path):
            errors["parent"] = [str(_("A team cannot be placed under itself or its own sub-team."))]
        elif not parent.is_active:
            errors["parent"] = [str(_("The parent team is dissolved."))]
        elif Team.LEVEL_RANK[Team.Level(level)] <= Team.LEVEL_RANK[Team.Level(parent.level)]:
            errors["level"] = [
                str(
                    _("A %(level)s cannot be placed under a %(parent)s.")
                    % {
                        "level": Team.Level(level).label,
                        "parent": parent.get_level_display(),
                    }
                )
            ]
        if region is not None and _district_code(region) != _district_code(parent.region):
            errors["region"] = [
                str(_("The team's region must be in the same district as its parent team."))
            ]
    if region is None:
        errors["region"] = [str(_("Choose the team's home region."))]
    return errors


def _validate_fields(errors, *, name, kind, specialty, join_mode, contact_phone, founded_on):
    if not (name or "").strip():
        errors["name"] = [str(_("The name is required."))]
    if kind not in Team.Kind.values:
        errors["kind"] = [str(_("Choose a kind of team."))]
    elif kind == Team.Kind.PROFESSIONAL and specialty is None:
        errors["specialty"] = [str(_("A professional team needs a specialty."))]
    if join_mode not in Team.JoinMode.values:
        errors["join_mode"] = [str(_("Choose how volunteers join."))]
    phone = (contact_phone or "").strip()
    if phone and not all(ch.isdigit() or ch in "-+ " for ch in phone):
        errors["contact_phone"] = [str(_("A phone number has digits only."))]
    if founded_on and founded_on > timezone.localdate():
        errors["founded_on"] = [str(_("The founding date cannot be in the future."))]


def create_team(
    *,
    actor: User,
    name: str,
    level: str,
    kind: str,
    region: Region | None,
    parent: Team | None = None,
    specialty: Specialty | None = None,
    sponsor_unit: str = "",
    join_mode: str = Team.JoinMode.APPROVAL,
    contact_name: str = "",
    contact_phone: str = "",
    founded_on: dt.date | None = None,
    description: str = "",
) -> Team:
    """Found a team under `parent` (its admins may) or a root corps (the region's office may)."""
    if parent is not None:
        check_manage(actor, parent)
    elif region is None or not scopes.administers_region(actor, region):
        raise PermissionDenied(_("Only the district office may found a top-level corps."))
    errors = _placement_errors(level=level, parent=parent, region=region)
    _validate_fields(
        errors,
        name=name,
        kind=kind,
        specialty=specialty,
        join_mode=join_mode,
        contact_phone=contact_phone,
        founded_on=founded_on,
    )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        team = Team.objects.create(
            name=name.strip(),
            level=level,
            parent=parent,
            path="",
            kind=kind,
            specialty=specialty if kind == Team.Kind.PROFESSIONAL or specialty else None,
            sponsor_unit=sponsor_unit.strip(),
            region=region,
            join_mode=join_mode,
            contact_name=contact_name.strip(),
            contact_phone=contact_phone.strip(),
            founded_on=founded_on,
            description=description.strip(),
        )
        team.path = f"{parent.path if parent else '/'}{team.pk}/"
        team.save(update_fields=["path"])
    return team


EDITABLE = (
    "name",
    "kind",
    "specialty",
    "sponsor_unit",
    "region",
    "join_mode",
    "contact_name",
    "contact_phone",
    "founded_on",
    "description",
    "leader",
)


def update_team(*, actor: User, team: Team, **changes) -> Team:
    """Edit a team's details; its place in the tree changes only through move_team."""
    check_manage(actor, team)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            {name: [str(_("This field cannot be changed."))] for name in unknown}
        )
    merged = {name: changes.get(name, getattr(team, name)) for name in EDITABLE}
    errors = {}
    if "region" in changes:
        errors.update(
            _placement_errors(
                level=team.level, parent=team.parent, region=merged["region"], team=team
            )
        )
    _validate_fields(
        errors,
        name=merged["name"],
        kind=merged["kind"],
        specialty=merged["specialty"],
        join_mode=merged["join_mode"],
        contact_phone=merged["contact_phone"],
        founded_on=merged["founded_on"],
    )
    leader = merged["leader"]
    if leader is not None and "leader" in changes and not leader.is_active:
        errors["leader"] = [str(_("The leader must be an active volunteer."))]
    if errors:
        raise ValidationFailed(errors)
    for name in changes:
        value = merged[name]
        setattr(team, name, value.strip() if isinstance(value, str) else value)
    if changes:
        team.save(update_fields=list(changes))
    return team


def move_team(*, actor: User, team: Team, new_parent: Team) -> Team:
    """Re-attach a team and its whole subtree under `new_parent` (both must be the actor's)."""
    check_manage(actor, team)
    check_manage(actor, new_parent)
    errors = _placement_errors(level=team.level, parent=new_parent, region=team.region, team=team)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        old_prefix = team.path
        new_prefix = f"{new_parent.path}{team.pk}/"
        Team.objects.filter(scopes.within("path", old_prefix)).update(
            path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1))
        )
        Team.objects.filter(pk=team.pk).update(parent=new_parent)
    team.refresh_from_db()
    return team


def dissolve_team(*, actor: User, team: Team, reason: str) -> Team:
    """Close a team with no active sub-teams; its memberships end, their history stays."""
    check_manage(actor, team)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [str(_("Give a reason for dissolving the team."))]})
    if Team.objects.filter(parent=team, status=Team.Status.ACTIVE).exists():
        raise Conflict(_("Dissolve or move its sub-teams first."))
    now = timezone.now()
    with transaction.atomic():
        team.status = Team.Status.DISSOLVED
        team.description = f"{team.description}\n[{now:%Y-%m-%d}] {reason}".strip()
        team.save(update_fields=["status", "description"])
        Membership.objects.filter(team=team, state__in=Membership.OPEN_STATES).update(
            state=Membership.State.LEFT, left_at=now, note=reason[:300]
        )
    return team


def join_team(*, actor: User, team: Team) -> Membership:
    """Join by the team's mode: open → member at once; approval → waiting; invitation → accept."""
    volunteer = own_volunteer(actor)
    if not team.is_active:
        raise Conflict(_("This team is dissolved."))
    with transaction.atomic():
        existing = (
            Membership.objects.select_for_update()
            .filter(team=team, volunteer=volunteer, state__in=Membership.OPEN_STATES)
            .first()
        )
        if existing is not None and existing.state == Membership.State.INVITED:
            return _activate(existing, decided_by=actor)
        if existing is not None:
            raise Conflict(_("You are already a member of this team or waiting for approval."))
        if team.join_mode == Team.JoinMode.INVITATION:
            raise PermissionDenied(_("This team takes members by invitation only."))
        now = timezone.now()
        is_open = team.join_mode == Team.JoinMode.OPEN
        try:
            with transaction.atomic():
                return Membership.objects.create(
                    team=team,
                    volunteer=volunteer,
                    state=Membership.State.ACTIVE if is_open else Membership.State.PENDING,
                    joined_at=now if is_open else None,
                )
        except IntegrityError:
            raise Conflict(
                _("You are already a member of this team or waiting for approval.")
            ) from None


def _activate(membership: Membership, *, decided_by) -> Membership:
    membership.state = Membership.State.ACTIVE
    membership.joined_at = timezone.now()
    membership.decided_by = decided_by
    membership.save(update_fields=["state", "joined_at", "decided_by"])
    return membership


def invite(*, actor: User, team: Team, volunteer: Volunteer) -> Membership:
    check_manage(actor, team)
    if not volunteer.is_active:
        raise ValidationFailed({"volunteer": [str(_("Only active volunteers can be invited."))]})
    try:
        with transaction.atomic():
            return Membership.objects.create(
                team=team, volunteer=volunteer, state=Membership.State.INVITED, decided_by=actor
            )
    except IntegrityError:
        raise Conflict(_("This volunteer is already a member or has a pending request.")) from None


def _locked(membership: Membership) -> Membership:
    return (
        Membership.objects.select_for_update()
        .select_related("team", "volunteer")
        .get(pk=membership.pk)
    )


def decide_request(
    *, actor: User, membership: Membership, approve: bool, note: str = ""
) -> Membership:
    """Approve or refuse a join request, under a row lock so two admins cannot both decide."""
    check_manage(actor, membership.team)
    if not approve and len((note or "").strip()) < 2:
        raise ValidationFailed({"note": [str(_("Tell the volunteer why the request is refused."))]})
    with transaction.atomic():
        row = _locked(membership)
        if row.state != Membership.State.PENDING:
            raise Conflict(_("This request has already been decided."))
        if approve:
            row = _activate(row, decided_by=actor)
        else:
            row.state = Membership.State.REJECTED
            row.decided_by = actor
            row.note = note.strip()[:300]
            row.save(update_fields=["state", "decided_by", "note"])
        _tell_decision(row)
        return row


def _tell_decision(row: Membership) -> None:
    names = {"team": row.team.name, "note": row.note}
    if row.state == Membership.State.ACTIVE:
        subject = gettext("You have joined %(team)s") % names
        body = gettext("Your request to join %(team)s is approved.") % names
    else:
        subject = gettext("Your request to join %(team)s is not accepted") % names
        body = gettext("Reason: %(note)s") % names
    notify_volunteer(
        row.volunteer,
        kind=f"membership_{row.state}",
        key=f"membership:{row.pk}:{row.state}",
        subject=subject,
        body=body,
        link=reverse("teams:detail", args=[row.team_id]),
    )


def accept_invitation(*, actor: User, membership: Membership) -> Membership:
    volunteer = own_volunteer(actor)
    with transaction.atomic():
        row = _locked(membership)
        if row.volunteer_id != volunteer.pk:
            raise PermissionDenied(_("This invitation is for someone else."))
        if row.state != Membership.State.INVITED:
            raise Conflict(_("This invitation is no longer open."))
        return _activate(row, decided_by=actor)


def _close(row: Membership, *, actor: User, note: str) -> Membership:
    row.state = Membership.State.LEFT
    row.left_at = timezone.now()
    row.decided_by = actor
    row.note = note[:300]
    row.save(update_fields=["state", "left_at", "decided_by", "note"])
    return row


def leave_team(*, actor: User, team: Team) -> Membership:
    """The volunteer leaves (or withdraws a request / declines an invitation); history stays."""
    volunteer = getattr(actor, "volunteer", None)
    with transaction.atomic():
        row = (
            Membership.objects.select_for_update()
            .filter(team=team, volunteer=volunteer, state__in=Membership.OPEN_STATES)
            .first()
            if volunteer
            else None
        )
        if row is None:
            raise Conflict(_("You are not a member of this team."))
        return _close(row, actor=actor, note="")


def remove_member(*, actor: User, membership: Membership, reason: str) -> Membership:
    check_manage(actor, membership.team)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationFailed({"reason": [str(_("Give a reason for removing the member."))]})
    with transaction.atomic():
        row = _locked(membership)
        if row.state not in Membership.OPEN_STATES:
            raise Conflict(_("This person is no longer a member."))
        return _close(row, actor=actor, note=reason)


def set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Make a member a leader or admin (or back). Nobody changes their own role."""
    check_manage(actor, membership.team)
    if role not in Membership.Role.values:
        raise ValidationFailed({"role": [str(_("Choose member, leader or admin."))]})
    if membership.volunteer.user_id == actor.pk:
        raise PermissionDenied(_("You cannot change your own role."))
    with transaction.atomic():
        row = _locked(membership)
        if row.state != Membership.State.ACTIVE:
            raise Conflict(_("Only active members can be given a role."))
        row.role = role
        row.save(update_fields=["role"])
    return row


def create_specialty(*, actor: User, code: str, name: str) -> Specialty:
    if not scopes.runs_a_district(actor):
        raise PermissionDenied(_("Only the district office may add specialties."))
    errors = {}
    code, name = (code or "").strip().lower(), (name or "").strip()
    if not code or not all(ch.isalnum() or ch in "-_" for ch in code) or not code.isascii():
        errors["code"] = [str(_("The code uses lower-case letters, digits, - and _."))]
    if not name:
        errors["name"] = [str(_("The name is required."))]
    if errors:
        raise ValidationFailed(errors)
    if Specialty.objects.filter(code=code).exists() or Specialty.objects.filter(name=name).exists():
        raise Conflict(_("This specialty exists already."), field="name")
    return Specialty.objects.create(code=code, name=name, sort_order=100)
