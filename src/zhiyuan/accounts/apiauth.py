"""API authentication: bearer tokens, or the browser session (with CSRF on writes)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from zhiyuan.accounts.backends import PhoneOrUsernameBackend
from zhiyuan.accounts.models import ApiToken
from zhiyuan.core.pagecache import remembered

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class TokenAuth(HttpBearer):
    """A usable token of an active account. The token's row and its user's are read once per
    process until their tables are written (core.pagecache.remembered): a revocation, a
    password change or a closed account counts on the next request; expiry is checked here."""

    def authenticate(self, request, token: str):
        key_hash = ApiToken.hash_key(token)

        def row():
            return (
                ApiToken.objects.filter(key_hash=key_hash, revoked_at=None)
                .values_list("pk", "user_id", "expires_at", "last_used_at")
                .first()
            )

        found = remembered(f"token:{key_hash}", row, keep_none=False)
        now = timezone.now()
        if found is None or found[2] <= now:
            return None
        token_id, user_id, _expires_at, last_used_at = found
        user = PhoneOrUsernameBackend().get_user(user_id)  # None for a closed account
        if user is None:
            return None
        if last_used_at is None or (now - last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        return user


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
