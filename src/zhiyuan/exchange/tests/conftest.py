"""Exchange tests keep private files (import uploads) in a temporary DATA_DIR."""

import pytest


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path
