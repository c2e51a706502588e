"""The demo's sign-in accounts: an office admin of the district and one volunteer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from zhiyuan.accounts.models import Role, RoleGrant, User
from zhiyuan.volunteers.models import Volunteer

if TYPE_CHECKING:
    from zhiyuan.demo.context import DemoContext

# Published in the README and printed by the command: demo databases only.
DEMO_PASSWORD = "zhiyuan-demo"  # noqa: S105
ADMIN_USERNAME = "admin"
VOLUNTEER_USERNAME = "volunteer"


def _new_user(username: str, **fields) -> User | None:
    """A new account with the demo password, or None if the username is taken.

    An existing account keeps its password: the demo never resets a real one.
    """
    if User.objects.filter(username=username).exists():
        return None
    user = User(username=username, **fields)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def add_office_admin(ctx: DemoContext) -> None:
    """The district office admin (区文明办), also a superuser for the Django admin."""
    user = _new_user(ADMIN_USERNAME, full_name="区文明办管理员", is_staff=True, is_superuser=True)
    if user is None:
        user = User.objects.get(username=ADMIN_USERNAME)
        ctx.say(f"account {ADMIN_USERNAME} exists already: its password is unchanged")
    else:
        ctx.credentials.append(("district office admin", ADMIN_USERNAME, DEMO_PASSWORD))
    RoleGrant.objects.get_or_create(
        user=user, role=Role.DISTRICT_ADMIN, region=ctx.district, defaults={"note": "demo"}
    )
    ctx.office_admin = user


def add_volunteer_account(ctx: DemoContext) -> None:
    """Give the most recently registered active volunteer an account to sign in with."""
    volunteer = (
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE, user__isnull=True)
        .order_by("-id")
        .first()
    )
    if volunteer is None:
        ctx.say("no active volunteer: no volunteer account made")
        return
    user = _new_user(
        VOLUNTEER_USERNAME, full_name=volunteer.real_name, phone_index=volunteer.phone_index
    )
    if user is None:
        ctx.say(f"account {VOLUNTEER_USERNAME} exists already: no volunteer account made")
        return
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    ctx.credentials.append(
        (
            f"volunteer {volunteer.real_name} ({volunteer.volunteer_no})",
            VOLUNTEER_USERNAME,
            DEMO_PASSWORD,
        )
    )
