"""`zhiyuan serve` refuses a configuration that must not face the public."""

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def production_env(monkeypatch, settings, tmp_path):
    monkeypatch.setenv("ZHIYUAN_SECRET_KEY", "s" * 50)
    monkeypatch.setenv("ZHIYUAN_FIELD_KEY", settings.FIELD_KEY)
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text("{}")


def refusal() -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("serve")
    return str(excinfo.value)


def test_serve_refuses_debug_mode(production_env, settings):
    settings.DEBUG = True
    assert "ZHIYUAN_DEBUG is on" in refusal()


@pytest.mark.parametrize("name", ["ZHIYUAN_SECRET_KEY", "ZHIYUAN_FIELD_KEY"])
def test_serve_refuses_a_missing_secret(production_env, monkeypatch, name):
    monkeypatch.delenv(name)
    message = refusal()
    assert f"{name} is not set" in message
    assert "ZHIYUAN_DEBUG" not in message


def test_serve_refuses_before_static_files_are_collected(production_env, settings, tmp_path):
    (tmp_path / "staticfiles.json").unlink()
    assert "zhiyuan collectstatic" in refusal()
