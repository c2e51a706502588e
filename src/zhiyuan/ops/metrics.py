"""Prometheus metrics at /metrics: request latency (django-prometheus) and the task queue.

Under gunicorn every worker process writes its counters to PROMETHEUS_MULTIPROC_DIR (set
by zhiyuan.config.gunicorn) and a scrape adds them up. The queue's depth, the age of its
oldest task and the failures on record are read when scraped, from the database or Redis.
"""

from __future__ import annotations

import os

import prometheus_client
from django_prometheus import middleware
from django_prometheus.utils import Time
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

from zhiyuan.ops.health import queue_state


class TaskQueueCollector:
    def collect(self):
        state = queue_state()
        yield GaugeMetricFamily(
            "zhiyuan_tasks_queued", "Background tasks waiting for a worker", value=state.queued
        )
        yield GaugeMetricFamily(
            "zhiyuan_tasks_oldest_queued_seconds",
            "Age of the oldest task waiting for a worker",
            value=state.oldest_seconds,
        )
        yield GaugeMetricFamily(
            "zhiyuan_tasks_failed", "Failed background tasks on record", value=state.failed
        )


def exposition() -> bytes:
    """The metrics in Prometheus' text format (families from both registries, one after another)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = prometheus_client.REGISTRY
    tasks = prometheus_client.CollectorRegistry()
    tasks.register(TaskQueueCollector())
    return prometheus_client.generate_latest(requests) + prometheus_client.generate_latest(tasks)


class PrometheusAfterMiddleware(middleware.PrometheusAfterMiddleware):
    """django-prometheus' per-view counts, each labelled counter looked up once.

    prometheus_client's labels() checks the label names and takes a lock on every call:
    six calls a request, about a third of what the counts cost. The children it returns
    are kept here by metric and label values (views, methods, statuses: a few hundred);
    the counts themselves are the same.
    """

    MAX_CHILDREN = 10_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._children: dict[tuple, object] = {}

    def process_request(self, request):
        """django-prometheus' own, with its two headers read from META: request.headers
        builds a map of every header the request has for them."""
        method = self._method(request)
        self.label_metric(self.metrics.requests_by_method, request, method=method).inc()
        transport = self._transport(request)
        self.label_metric(self.metrics.requests_by_transport, request, transport=transport).inc()
        if request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest":
            self.label_metric(self.metrics.requests_ajax, request).inc()
        content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        self.label_metric(self.metrics.requests_body_bytes, request).observe(content_length)
        request.prometheus_after_middleware_event = Time()

    def label_metric(self, metric, request, response=None, **labels):
        if not labels:
            return metric
        key = (metric, *labels.items())
        child = self._children.get(key)
        if child is None:
            child = metric.labels(**labels)
            if len(self._children) < self.MAX_CHILDREN:
                self._children[key] = child
        return child
