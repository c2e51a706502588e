"""API: API tokens and the caller's own account."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from zhiyuan.accounts import scopes
from zhiyuan.accounts.services import issue_api_token
from zhiyuan.core.errors import DomainError

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = ""


class TokenOut(Schema):
    token: str
    prefix: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    volunteer_no: str | None


class BadCredentials(DomainError):
    status = 401
    code = "bad_credentials"
    default_message = _("The username or password is wrong.")


@router.post("/token", auth=None, response={201: TokenOut})
def create_token(request, payload: TokenIn):
    """Exchange a username (or phone, or volunteer number) and password for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise BadCredentials()
    token, key = issue_api_token(actor=user, name=payload.name)
    return Status(201, {"token": key, "prefix": token.prefix})


@router.get("/me", response=MeOut)
def me(request):
    user = request.auth
    volunteer = getattr(user, "volunteer", None)
    return {
        "username": user.username,
        "full_name": user.full_name,
        "roles": sorted(scopes.roles_of(user)),
        "volunteer_no": volunteer.volunteer_no if volunteer else None,
    }
