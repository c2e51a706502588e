"""Before gunicorn forks its workers: templates compiled, catalogues loaded, the heap frozen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.template import engines

from zhiyuan.config.warmup import warm

SRC = Path(__file__).resolve().parents[3]


def test_warm_compiles_the_pages_templates_into_the_cached_loader():
    assert warm() > 100
    loader = engines["django"].engine.template_loaders[0]
    cached = {key.split("-")[0] for key in loader.get_template_cache}
    assert {"base.html", "accounts/login.html", "portal/home.html"} <= cached


def test_the_wsgi_module_leaves_the_masters_objects_frozen(tmp_path):
    """What the workers inherit is out of the collector's reach (gc.freeze): without it a
    renewed worker's first collections walked the master's whole heap (p99 700–1,000 ms)."""
    probe = "import gc, zhiyuan.config.wsgi; print(gc.get_freeze_count())"
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "ZHIYUAN_DATA_DIR": str(tmp_path),
        "ZHIYUAN_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "zhiyuan.config.settings",
    }
    done = subprocess.run(  # noqa: S603 (this interpreter)
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert int(done.stdout.split()[-1]) > 100_000
