"""WSGI entry point for production servers (e.g. `gunicorn --preload zhiyuan.config.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
application = get_wsgi_application()

# Import every view and the API's schemas now, not on the first request: with --preload
# the workers fork with it done, so the first visitors do not wait for it.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
