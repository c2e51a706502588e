"""gunicorn's configuration for production (`zhiyuan serve`, or `gunicorn -c python:zhiyuan.config.gunicorn`).

Every value can be changed through the environment (see the README's settings table). The
workers are plain synchronous processes, two per core and one more, forked after the
application is loaded (`preload_app`): imports and URL resolution happen once, the
workers share that memory, and a broken release fails at start instead of in a worker.
Each worker keeps its database connection open between requests (`ZHIYUAN_DB_CONN_MAX_AGE`,
checked before reuse), so a request does not pay for a new connection.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import tempfile

from gunicorn import glogging
from gunicorn.http import wsgi as gunicorn_wsgi

from zhiyuan.config.env import envint, envstr

# Persistent connections are the production default; the developer's server opens one per request.
os.environ.setdefault("ZHIYUAN_DB_CONN_MAX_AGE", "600")

bind = envstr("ZHIYUAN_BIND", "127.0.0.1:8000").split(",")
workers = envint("ZHIYUAN_WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = envint("ZHIYUAN_WEB_THREADS", 1)
# A request still running after this many seconds is a bug or an attack: the worker is
# replaced. Imports, exports and reports run in the task worker, never in a request.
timeout = envint("ZHIYUAN_WEB_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
preload_app = True
# Replace each worker after about this many requests: bounds any slow growth in memory.
# Not fewer: a new worker starts with empty caches (compiled templates, the pages and
# answers kept per user), and at 5,000 a burst of 800 requests a second renewed each
# worker every few seconds.
max_requests = envint("ZHIYUAN_WEB_MAX_REQUESTS", 50_000)
max_requests_jitter = max_requests // 10
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = envstr("ZHIYUAN_ACCESS_LOG", "-") or None
errorlog = "-"
# nginx passes the scheme in X-Forwarded-Proto; Django reads it (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "*"
proc_name = "zhiyuan"
# Several instances may run on one host; none needs gunicorn's control socket.
control_socket_disable = True

# Prometheus counters from every worker are summed through files in this folder.
_metrics_dir = envstr("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="zhiyuan-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


class JsonAccessLogger(glogging.Logger):
    """One JSON line per request, with the request id and client address the app worked out."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        line = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "request_id": environ.get("zhiyuan.request_id"),
            "client": environ.get("zhiyuan.client") or environ.get("REMOTE_ADDR"),
            "user": environ.get("zhiyuan.user"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
            "agent": environ.get("HTTP_USER_AGENT"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(line, ensure_ascii=False))


logger_class = JsonAccessLogger


# The server does not announce itself (no `Server: gunicorn` header): nothing for a probe.
_default_headers = gunicorn_wsgi.Response.default_headers


def _default_headers_without_server(self) -> list[str]:
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


gunicorn_wsgi.Response.default_headers = _default_headers_without_server
