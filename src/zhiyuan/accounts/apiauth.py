"""API authentication: bearer tokens, or the browser session (with CSRF on writes)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from zhiyuan.accounts.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        row = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class SessionAuth(AuthBase):
    """The signed-in browser user; unsafe methods must carry the CSRF token."""

    # Declared as the session cookie in OpenAPI (`in`/`name` at the scheme's top level:
    # AuthBase turns each `openapi_*` attribute into one key of the security scheme).
    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = "sessionid"

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
        return user


def anonymous(request):
    """Lets an endpoint open to everyone still see who is signed in, if anyone."""
    return AnonymousUser()


REQUIRED = [TokenAuth(), SessionAuth()]
OPTIONAL = [TokenAuth(), SessionAuth(), anonymous]
