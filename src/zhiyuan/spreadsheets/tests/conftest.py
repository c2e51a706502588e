"""Spreadsheet tests keep private files in a temporary DATA_DIR (roster helpers: factories)."""

import pytest


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.DATA_DIR = tmp_path
