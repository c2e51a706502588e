"""The JSON API at /api/v1/: one NinjaAPI, each app's router, and one place turning errors into responses."""

import logging
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from ninja.errors import AuthenticationError, HttpError, ValidationError

from zhiyuan.accounts.api import router as accounts_router
from zhiyuan.accounts.apiauth import REQUIRED
from zhiyuan.config.openapi import DocumentedAPI
from zhiyuan.core.errors import DomainError
from zhiyuan.core.security import RateLimited
from zhiyuan.exchange.api import router as exchange_router
from zhiyuan.feedback.api import router as feedback_router
from zhiyuan.helpdesk.api import router as helpdesk_router
from zhiyuan.honours.api import router as honours_router
from zhiyuan.news.api import router as news_router
from zhiyuan.ops.api import router as ops_router
from zhiyuan.ops.middleware import _is_unavailable, unavailable_response
from zhiyuan.places.api import router as places_router
from zhiyuan.projects.api import router as projects_router
from zhiyuan.reports.api import router as reports_router
from zhiyuan.service.api import router as service_router
from zhiyuan.service.certificate_api import router as certificate_router
from zhiyuan.spreadsheets.api import router as spreadsheets_router
from zhiyuan.stations.api import router as stations_router
from zhiyuan.teams.api import router as teams_router
from zhiyuan.training.api import router as training_router
from zhiyuan.volunteers.api import router as volunteers_router

logger = logging.getLogger("zhiyuan.api")

api = DocumentedAPI(
    title="zhiyuan API",
    version="1",
    description="志愿 — district volunteer-service platform. Errors: "
    '`{"code": "...", "message": "...", "errors": {"field": ["reason"]}}`.',
    auth=REQUIRED,
    urls_namespace="api",
)
api.add_router("/auth", accounts_router)
api.add_router("/regions", places_router)
# Sign-ups and check-in scans first: a request's path is matched against the routes in
# this order, and those two are the civility day's bursts.
api.add_router("/", projects_router)
api.add_router("/", service_router)
api.add_router("/", volunteers_router)
api.add_router("/", teams_router)
api.add_router("/", stations_router)
api.add_router("/", certificate_router)
api.add_router("/", training_router)
api.add_router("/", helpdesk_router)
api.add_router("/", feedback_router)
api.add_router("/", honours_router)
api.add_router("/", news_router)
api.add_router("/", spreadsheets_router)
api.add_router("/", exchange_router)
api.add_router("/", reports_router)
api.add_router("/", ops_router)


def error_body(code: str, message: str, errors: dict | None = None) -> dict:
    return {"code": code, "message": message, "errors": errors or {}}


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    response = api.create_response(
        request, error_body(exc.code, str(exc.message), exc.as_errors()), status=exc.status
    )
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


# A field's error in the user's language, by pydantic's error type; %(…)s are the type's
# context (max_length, le, expected …). pydantic's own messages are English only.
_WHOLE_NUMBER = gettext_lazy("Enter a whole number.")
_NUMBER = gettext_lazy("Enter a number.")
_DATE = gettext_lazy("Enter a date (YYYY-MM-DD).")
_DATETIME = gettext_lazy("Enter a date and time (YYYY-MM-DDTHH:MM).")
_TIME = gettext_lazy("Enter a time (HH:MM).")
_FIELD_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "too_long": gettext_lazy("At most %(max_length)s items."),
    "too_short": gettext_lazy("At least %(min_length)s items."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "greater_than": gettext_lazy("Must be more than %(gt)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "int_parsing": _WHOLE_NUMBER,
    "int_type": _WHOLE_NUMBER,
    "int_from_float": _WHOLE_NUMBER,
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "decimal_parsing": _NUMBER,
    "decimal_type": _NUMBER,
    "finite_number": _NUMBER,
    "decimal_max_digits": gettext_lazy("At most %(max_digits)s digits."),
    "decimal_max_places": gettext_lazy("At most %(decimal_places)s decimal places."),
    "bool_parsing": gettext_lazy("Enter true or false."),
    "bool_type": gettext_lazy("Enter true or false."),
    "date_parsing": _DATE,
    "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "date_type": _DATE,
    "datetime_parsing": _DATETIME,
    "datetime_from_date_parsing": _DATETIME,
    "datetime_type": _DATETIME,
    "time_parsing": _TIME,
    "time_type": _TIME,
    "enum": gettext_lazy("Choose one of: %(expected)s."),
    "literal_error": gettext_lazy("Choose one of: %(expected)s."),
    "string_type": gettext_lazy("Enter text."),
    "string_pattern_mismatch": gettext_lazy("The format is not valid."),
    "list_type": gettext_lazy("Enter a list."),
    "json_invalid": gettext_lazy("The request body is not valid JSON."),
    "extra_forbidden": gettext_lazy("This field is not accepted."),
}


def field_message(item: dict) -> str:
    """One pydantic error as the user reads it: by its type, in the user's language (a
    validator's ValueError keeps its own text); a type without a message here says the value
    is not valid."""
    kind, context = item.get("type", ""), item.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and context.get("error"):
        return str(context["error"])  # a validator's own message, written for the user
    if "expected" in context:  # "'daily', 'weekly' or 'monthly'": pydantic's English list
        values = re.split(r", | or ", str(context["expected"]))
        context = {**context, "expected": pgettext("between listed choices", ", ").join(values)}
    message = _FIELD_MESSAGES.get(kind)
    if message is None:
        return _("This value is not valid.")
    try:
        return str(message) % context
    except (KeyError, TypeError, ValueError):
        return _("This value is not valid.")


@api.exception_handler(ValidationError)
def input_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        names = [str(part) for part in item.get("loc", ()) if isinstance(part, str)]
        field = names[-1] if names and names[-1] not in {"body", "payload", "query"} else "__all__"
        errors.setdefault(field, []).append(field_message(item))
    return api.create_response(
        request,
        error_body("invalid_input", _("Some fields are not valid."), errors),
        status=400,
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        error_body("unauthenticated", _("Sign in or send a valid API token.")),
        status=401,
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code = {403: "forbidden", 404: "not_found"}.get(exc.status_code, "error")
    return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(DjangoPermissionDenied)
def forbidden(request, exc):
    message = str(exc) or _("You do not have permission to do this.")
    return api.create_response(request, error_body("forbidden", message), status=403)


@api.exception_handler(SuspiciousOperation)
def bad_request(request, exc: SuspiciousOperation):
    """Django's refusals of a malformed request (a body over DATA_UPLOAD_MAX_MEMORY_SIZE,
    too many fields): the API's error shape, not Django's HTML 400 page."""
    if isinstance(exc, RequestDataTooBig):
        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = _("The request body is too large (at most %(mb)d MB).") % {"mb": limit_mb}
        return api.create_response(request, error_body("too_large", message), status=413)
    return api.create_response(
        request, error_body("bad_request", _("The request is not valid.")), status=400
    )


@api.exception_handler(Exception)
def server_error(request, exc: Exception):
    """Anything unexpected still answers in the error shape (a database outage as a 503)."""
    if _is_unavailable(exc):
        return unavailable_response(request, exc)
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return api.create_response(
        request,
        error_body("server_error", _("Something went wrong on our side. It has been logged.")),
        status=500,
    )
