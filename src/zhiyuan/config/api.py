"""The JSON API at /api/v1/: one NinjaAPI, each app's router, and one place turning errors into responses."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
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


@api.exception_handler(ValidationError)
def input_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        names = [str(part) for part in item.get("loc", ()) if isinstance(part, str)]
        field = names[-1] if names and names[-1] not in {"body", "payload", "query"} else "__all__"
        errors.setdefault(field, []).append(item.get("msg", "invalid"))
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
