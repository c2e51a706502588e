"""WSGI entry point for production servers (e.g. `gunicorn --preload zhiyuan.config.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyuan.config.settings")
application = get_wsgi_application()

# Import every view and the API's schemas now, not on the first request: with --preload
# the workers fork with it done, so the first visitors do not wait for it.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

# Compile the templates and load the catalogues too (config/warmup.py): a worker renewed
# after max_requests answers its first visitors without compiling what they ask for.
from zhiyuan.config.warmup import warm  # noqa: E402

warm()

# Last, with everything the master loaded in memory: move it out of the cyclic garbage
# collector's reach. The workers inherit it without their collections walking (and so
# copying, page by page) the master's objects again and again: a renewed worker's first
# seconds went from p99 700-1,000 ms to 10-125 ms, and a cached page from 0.9 to 0.45 ms
# of CPU under wrk (bench/endtoend.py with ZHIYUAN_WEB_MAX_REQUESTS=3000).
import gc  # noqa: E402

gc.freeze()
