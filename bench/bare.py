"""A bare Django project: one JSON view, no middleware, no apps, no database.

bench/endtoend.py serves it with gunicorn exactly as it serves the platform, so the ratio
"× bare" compares the platform with what Django itself costs behind the same server.
"""

from django.conf import settings

from bench.clients import HOST

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view-has-no-secrets",  # noqa: S106 (nothing is signed)
    ALLOWED_HOSTS=[HOST],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402 (after the settings)
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402


def bare(request):
    """The same 20 small dicts as bench/urls.py's in-process bare view."""
    items = [{"id": n, "name": f"item {n}", "value": n * 1.5} for n in range(20)]
    return JsonResponse({"ok": True, "items": items})


urlpatterns = [path("bare/", bare)]
application = get_wsgi_application()
