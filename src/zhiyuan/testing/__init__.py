"""The one test cast: factories (`factories`) and the pytest fixtures built on them (`cast`).

The root conftest.py registers `zhiyuan.testing.cast` as a plugin, so every test sees the
same fixtures by name; helpers are imported from `zhiyuan.testing.factories`. No test imports
a conftest.py (tests/quality/test_one_cast.py checks).
"""
