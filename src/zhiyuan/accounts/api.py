"""API: API tokens (issue, list, revoke) and the caller's own account."""

import datetime as dt

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from zhiyuan.accounts import access, scopes, services
from zhiyuan.core.errors import DomainError

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)
    name: str = Field("", max_length=100)
    days: int | None = Field(None, description="shorter than ZHIYUAN_API_TOKEN_DAYS, if wanted")


class TokenOut(Schema):
    token: str
    prefix: str
    expires_at: dt.datetime


class TokenRowOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoked_reason: str
    state: str


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
    token, key = services.issue_api_token(actor=user, name=payload.name, days=payload.days)
    return Status(201, {"token": key, "prefix": token.prefix, "expires_at": token.expires_at})


@router.get("/tokens", response=list[TokenRowOut])
def my_tokens(request):
    """The caller's API tokens, newest first, with when each was last used and why it ended."""
    return list(request.auth.api_tokens.all())


@router.get("/users/{username}/tokens", response=list[TokenRowOut])
def user_tokens(request, username: str):
    """A user's API tokens: for the user, and for the office admins over their region."""
    return list(access.token_owner_for(request.auth, username).api_tokens.all())


@router.post("/tokens/{token_id}/revoke", response=TokenRowOut)
def revoke_token(request, token_id: int):
    """End a token now (the owner's own, or one of a user in the office admin's region)."""
    token = access.token_for(request.auth, token_id)
    return services.revoke_api_token(actor=request.auth, token=token)


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
