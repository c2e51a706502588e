"""Use cases that write projects: create, edit, publish and close a project; add categories.

The rest of the app's writes live beside this module: `scheduling` (activities, recurring
series and shifts) and `signups` (sign-ups, the waitlist, reminders). They share the
organiser check and the notice helper below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyuan.accounts import scopes
from zhiyuan.accounts.models import User
from zhiyuan.core.errors import Conflict, PermissionDenied, ValidationFailed
from zhiyuan.projects.access import may_organise
from zhiyuan.projects.models import Category, Project, SignUp
from zhiyuan.teams.access import may_manage as may_manage_team
from zhiyuan.teams.models import Team
from zhiyuan.volunteers.notices import notify_volunteer


def _check_organiser(actor: User, project: Project) -> None:
    if not may_organise(actor, project):
        raise PermissionDenied(_("Only admins of the organising team may do this."))


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _tell(signups: Iterable[SignUp], *, kind: str, subject, body_for, key: str) -> None:
    for signup in signups:
        notify_volunteer(
            signup.volunteer,
            kind=kind,
            key=f"{kind}:{key}:{signup.pk}",
            subject=subject,
            body=body_for(signup),
            link=reverse("projects:my_shifts"),
        )


# Projects -----------------------------------------------------------------------------


def _project_errors(*, name, category, starts_on, ends_on) -> dict:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [gettext("The name is required.")]
    if category is None:
        errors["category"] = [gettext("Choose a category.")]
    if starts_on is None or ends_on is None:
        errors["ends_on"] = [gettext("Give the start and end dates.")]
    elif ends_on < starts_on:
        errors["ends_on"] = [gettext("The end cannot be before the start.")]
    return errors


def create_project(
    *,
    actor: User,
    name: str,
    category: Category | None,
    organiser: Team,
    starts_on: dt.date,
    ends_on: dt.date,
    description: str = "",
    target_recipients: str = "",
    is_brand: bool = False,
) -> Project:
    """A draft project of the organiser team; its admins (and the office above) may."""
    if not may_manage_team(actor, organiser):
        raise PermissionDenied(_("Only admins of the organising team may create its projects."))
    errors = _project_errors(name=name, category=category, starts_on=starts_on, ends_on=ends_on)
    if not organiser.is_active:
        errors["organiser"] = [gettext("The organising team is dissolved.")]
    if is_brand and not scopes.administers_region(actor, organiser.region):
        errors["is_brand"] = [gettext("Only the office names brand projects.")]
    if errors:
        raise ValidationFailed(errors)
    return Project.objects.create(
        name=name.strip(),
        category=category,
        organiser=organiser,
        starts_on=starts_on,
        ends_on=ends_on,
        description=(description or "").strip(),
        target_recipients=(target_recipients or "").strip(),
        is_brand=is_brand,
    )


def update_project(*, actor: User, project: Project, **changes) -> Project:
    _check_organiser(actor, project)
    allowed = {
        "name",
        "category",
        "description",
        "target_recipients",
        "starts_on",
        "ends_on",
        "is_brand",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(
            {name: [gettext("This field cannot be changed.")] for name in unknown}
        )
    merged = {name: changes.get(name, getattr(project, name)) for name in allowed}
    errors = _project_errors(
        name=merged["name"],
        category=merged["category"],
        starts_on=merged["starts_on"],
        ends_on=merged["ends_on"],
    )
    if "is_brand" in changes and not scopes.administers_region(actor, project.organiser.region):
        errors["is_brand"] = [gettext("Only the office names brand projects.")]
    if errors:
        raise ValidationFailed(errors)
    for name, value in changes.items():
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    if changes:
        project.save(update_fields=list(changes))
    return project


def publish_project(*, actor: User, project: Project) -> Project:
    _check_organiser(actor, project)
    if project.state != Project.State.DRAFT:
        raise Conflict(_("Only a draft can be published."))
    project.state = Project.State.PUBLISHED
    project.published_at = timezone.now()
    project.save(update_fields=["state", "published_at"])
    return project


def close_project(*, actor: User, project: Project) -> Project:
    _check_organiser(actor, project)
    if project.state != Project.State.PUBLISHED:
        raise Conflict(_("Only a published project can be closed."))
    project.state = Project.State.CLOSED
    project.save(update_fields=["state"])
    return project


def create_category(
    *, actor: User, code: str, name: str, parent: Category | None = None
) -> Category:
    if not scopes.is_district_admin(actor):
        raise PermissionDenied(_("Only the district office may add categories."))
    code, name = (code or "").strip().lower(), (name or "").strip()
    errors = {}
    if not code or not code.isascii() or not all(c.isalnum() or c in "-_" for c in code):
        errors["code"] = [gettext("The code uses lower-case letters, digits, - and _.")]
    if not name:
        errors["name"] = [gettext("The name is required.")]
    if errors:
        raise ValidationFailed(errors)
    if Category.objects.filter(code=code).exists() or Category.objects.filter(name=name).exists():
        raise Conflict(_("This category exists already."), field="name")
    return Category.objects.create(code=code, name=name, parent=parent, sort_order=100)
