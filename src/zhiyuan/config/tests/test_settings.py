"""Settings chosen from the environment: the shared cache and the task backend."""

import json
import os
import subprocess
import sys

SHOW = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'cache': settings.CACHES['default']['BACKEND'], "
    "'location': settings.CACHES['default'].get('LOCATION'), "
    "'tasks': settings.TASKS['default']['BACKEND'], 'rq': getattr(settings, 'RQ_QUEUES', None), "
    "'apps': settings.INSTALLED_APPS, 'static': settings.STORAGES['staticfiles']['BACKEND']}))"
)


def settings_with(**env) -> dict:
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("ZHIYUAN_", "DATABASE_URL"))
    }
    environ |= {"DJANGO_SETTINGS_MODULE": "zhiyuan.config.settings", **env}
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_the_embedded_default_keeps_state_in_each_process(tmp_path):
    shown = settings_with(ZHIYUAN_DATA_DIR=str(tmp_path))
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["tasks"] == "django_tasks_db.DatabaseBackend"
    assert shown["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_cache_url_shares_throttles_and_figures_through_redis(tmp_path):
    shown = settings_with(ZHIYUAN_DATA_DIR=str(tmp_path), ZHIYUAN_CACHE_URL="redis://10.0.0.9/2")
    assert shown["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert shown["location"] == "redis://10.0.0.9/2"


def test_the_rq_backend_queues_on_the_shared_redis(tmp_path):
    shown = settings_with(
        ZHIYUAN_DATA_DIR=str(tmp_path),
        ZHIYUAN_TASKS_BACKEND="rq",
        ZHIYUAN_CACHE_URL="redis://10.0.0.9/2",
    )
    assert shown["tasks"] == "django_tasks_rq.RQBackend"
    assert "django_rq" in shown["apps"]
    assert shown["rq"] == {"default": {"URL": "redis://10.0.0.9/2"}}


def test_a_key_made_by_another_process_meanwhile_is_the_one_used(tmp_path):
    from zhiyuan.config.env import key_from_file

    path = tmp_path / "secret.key"

    def made_while_another_process_wrote_first():
        path.write_text("the first process's key\n")
        return "a second key"

    assert key_from_file(path, made_while_another_process_wrote_first) == "the first process's key"
    assert key_from_file(path, lambda: "a third key") == "the first process's key"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.key"]


def test_a_new_key_is_readable_by_its_owner_alone(tmp_path):
    from zhiyuan.config.env import key_from_file

    path = tmp_path / "keys" / "field.key"
    assert key_from_file(path, lambda: "k") == "k"
    assert path.read_text() == "k\n"
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["field.key"]
