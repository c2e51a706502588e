"""When the database is unreachable, answer 503 with a friendly page (or JSON), not a traceback.

Django reconnects by itself: a connection that failed is marked, closed when the request
finishes (`close_old_connections` on `request_finished`), and the next request opens a new
one, so the site recovers as soon as the database is back. This module only makes the
outage readable: the middleware for errors in views, `server_error` (handler500) for errors
in other middleware (sessions, sign-in) that Django turns into a 500 before we see them.
"""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("zhiyuan.ops")
RETRY_AFTER_SECONDS = "30"


def _is_unavailable(exc: BaseException) -> bool:
    """Connection-level failures only: a bad query (ProgrammingError, IntegrityError) is a bug."""
    return isinstance(exc, OperationalError | InterfaceError)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DatabaseError as exc:
            # Errors raised before a view runs (sessions, authentication middleware).
            if not _is_unavailable(exc):
                raise
            return self._unavailable(request, exc)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not _is_unavailable(exc):
            return None
        return self._unavailable(request, exc)

    def _unavailable(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        return unavailable_response(request, exc)


def unavailable_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    logger.error("database unavailable for %s %s: %s", request.method, request.path, exc)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "code": "unavailable",
                "message": _("The service is briefly unavailable. Try again shortly."),
                "errors": {},
            },
            status=503,
        )
    else:
        # No context processors: they might query the database that just went away.
        html = loader.get_template("503.html").render({"request_path": request.path})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage that escaped a middleware is still a 503, anything else a 500 page.

    Rendered without context processors: they may need the database that just failed.
    """
    exc = sys.exc_info()[1]
    if exc is not None and _is_unavailable(exc):
        return unavailable_response(request, exc)
    html = loader.get_template("500.html").render({})
    return HttpResponse(html, status=500)
