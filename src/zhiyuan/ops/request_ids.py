"""A request id for every request, and what the JSON access log needs to know about it.

The id comes from the proxy (nginx's `$request_id` in X-Request-ID) when it looks like one,
else it is made here, as nginx makes it (32 random hex digits); it goes back in the response's X-Request-ID header. The client
address (through trusted proxies) and the signed-in user's id are left in the WSGI
environ, where zhiyuan.config.gunicorn's access logger writes them into the request's line.
"""

from __future__ import annotations

import re
import secrets

from zhiyuan.core.security import client_ip

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = offered if REQUEST_ID.match(offered) else secrets.token_hex(16)
        request.META["zhiyuan.request_id"] = request.request_id
        request.META["zhiyuan.client"] = client_ip(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        # Only a user already loaded for the view: the log never costs a query of its own.
        user = request.__dict__.get("_cached_user")
        if user is not None and user.is_authenticated:
            request.META["zhiyuan.user"] = user.pk
        return response
