"""Security headers and throttles: the Content-Security-Policy, sign-in lockouts, rate limits.

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
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
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
    code = "rate_limited"
    status = 429
    default_message = gettext_lazy("Too many attempts. Please wait a few minutes and try again.")


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


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
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))
    if peer is None or not any(peer in network for network in trusted):
        return str(peer) if peer is not None else None
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


def throttle(scope: str, key: str | None, *, limit: int, window: int) -> None:
    """Count one attempt at `scope` by `key`; raise RateLimited past `limit` within `window` s.

    A fixed window in the cache: coarse but cheap, and enough to stop a script from
    registering or guessing at speed. The cache is per process unless a shared one is set (ZHIYUAN_CACHE_URL).
    """
    if limit <= 0:
        return
    key = key or "unknown"
    bucket = int(time.time() // window)
    cache_key = f"throttle:{scope}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        raise RateLimited()


def lockout_response(request, response=None, credentials=None):
    """django-axes calls this when an account or address is locked out after failed sign-ins."""
    message = _(
        "Too many failed sign-ins. For your safety, signing in is paused for %(minutes)d minutes."
    ) % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": "locked_out", "message": message, "errors": {}},
            status=429,
        )
    return render(request, "core/locked_out.html", {"message": message}, status=429)


def throttle_registration(request) -> None:
    """Sign-ups from the public (volunteer registrations, help requests) per address per hour."""
    throttle("register", client_ip(request), limit=settings.REGISTRATIONS_PER_HOUR, window=3600)
