"""Security headers and throttles: the Content-Security-Policy, rate limits, failure counters.

The platform serves every script, style and font itself (no CDN, no inline script), so the
policy can be strict: only our own origin, plus data:/blob: images for QR codes and chart
downloads. Django 5.2 has no CSP of its own (6.0 does); this middleware sets the header.
"""

from __future__ import annotations

import functools
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from zhiyuan.core.errors import DomainError

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)
# Django's admin and the API's Swagger page carry inline scripts and styles of their own.
RELAXED_POLICY = DEFAULT_POLICY.replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
RELAXED_PREFIXES = ("/admin/", "/api/v1/docs")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            relaxed = request.path.startswith(RELAXED_PREFIXES)
            response["Content-Security-Policy"] = RELAXED_POLICY if relaxed else self.policy
        return response


class RateLimited(DomainError):
    """Too many attempts: the API answers 429 in its error shape, a page with the 429 page."""

    code = "rate_limited"
    status = 429
    default_message = gettext_lazy("Too many attempts. Please wait a few minutes and try again.")

    def __init__(self, message=None, *, retry_after: int = 60, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = retry_after


class RateLimitedMiddleware:
    """Turns a RateLimited raised by any view into the 429 page, so no page forgets to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RateLimited):
            return None
        return rate_limited_response(request, exception)


def rate_limited_response(request, exc: RateLimited) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": exc.code, "message": str(exc.message), "errors": {}}, status=429
        )
    else:
        response = render(
            request,
            "core/rate_limited.html",
            {"message": exc.message, "code": exc.code},
            status=429,
        )
    response["Retry-After"] = str(exc.retry_after)
    return response


@functools.lru_cache(maxsize=4096)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address in `text` (a bare address, [v6]:port or v4:port), or None. Kept per
    text: parsing is most of a request id's cost, and visitors come back."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def _as_text(text: str) -> str | None:
    address = _address(text)
    return str(address) if address is not None else None


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)
    except ValueError as exc:
        raise ImproperlyConfigured(f"ZHIYUAN_TRUSTED_PROXIES: {exc}") from None


def client_ip(request) -> str | None:
    """The address of the person behind the request, or None when there is none to tell.

    The connection's own address unless it is one of ZHIYUAN_TRUSTED_PROXIES; then
    X-Forwarded-For is read from the right (each proxy appends the address it saw) past
    every trusted hop, and the first address that is not trusted is the client. Anything a
    client wrote into the header itself lies to the left of that and is never believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    peer = _address(remote)
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    if peer is None or not any(peer in network for network in trusted):
        return _as_text(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a garbled hop: the last address we could trust stands
        client = address
        if not any(address in network for network in trusted):
            break
    return str(client)


def _count(cache_key: str, timeout: int) -> int:
    """Add one to the counter at `cache_key` (created with `timeout` s) and return it.

    Through Django's cache, so the count is shared by every process when the cache is
    (Redis through ZHIYUAN_CACHE_URL), and per process only on the embedded default.
    """
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def throttle(scope: str, key: str | None, *, limit: int, window: int) -> None:
    """Count one attempt at `scope` by `key`; raise RateLimited past `limit` within `window` s.

    A fixed window in the cache: coarse but cheap, and enough to stop a script from
    registering or guessing at speed. The cache is per process unless a shared one is set (ZHIYUAN_CACHE_URL).
    """
    if limit <= 0:
        return
    key = key or "unknown"
    bucket = int(time.time() // window)
    if _count(f"throttle:{scope}:{key}:{bucket}", window + 1) > limit:
        raise RateLimited(retry_after=window - int(time.time() % window))


class FailureCounter:
    """Failures per key that pause the key for `cooloff` s after `limit` of them.

    Each failure restarts the cool-off, so the pause ends `cooloff` s after the last one.
    """

    def __init__(self, scope: str, *, limit: int, cooloff: int):
        self.scope, self.limit, self.cooloff = scope, limit, cooloff

    def _key(self, key: str) -> str:
        return f"failures:{self.scope}:{key}"

    def is_locked(self, key: str) -> bool:
        return self.limit > 0 and (cache.get(self._key(key)) or 0) >= self.limit

    def fail(self, key: str) -> bool:
        """Count one failure; True if it leaves the key paused."""
        cache_key = self._key(key)
        count = _count(cache_key, self.cooloff)
        cache.touch(cache_key, self.cooloff)
        return self.limit > 0 and count >= self.limit

    def clear(self, key: str) -> None:
        cache.delete(self._key(key))


def throttle_registration(request) -> None:
    """Sign-ups from the public (volunteer registrations, help requests) per address per hour."""
    throttle("register", client_ip(request), limit=settings.REGISTRATIONS_PER_HOUR, window=3600)
