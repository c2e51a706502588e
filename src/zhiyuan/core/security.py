"""Security headers and throttles: the Content-Security-Policy, sign-in lockouts, rate limits.

The platform serves every script, style and font itself (no CDN, no inline script), so the
policy can be strict: only our own origin, plus data:/blob: images for QR codes and chart
downloads. Django 5.2 has no CSP of its own (6.0 does); this middleware sets the header.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
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


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttle(scope: str, key: str, *, limit: int, window: int) -> None:
    """Count one attempt at `scope` by `key`; raise RateLimited past `limit` within `window` s.

    A fixed window in the cache: coarse but cheap, and enough to stop a script from
    registering or guessing at speed. The cache is per process unless a shared one is set.
    """
    if limit <= 0:
        return
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
