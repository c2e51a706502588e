"""News tests store covers in a temporary MEDIA_ROOT (the fixtures: zhiyuan.testing.cast)."""

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
