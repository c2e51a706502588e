"""The service tests' `live` shift (gina and dave2 confirmed, carol organising) for ratings."""

from zhiyuan.projects.tests.conftest import plan  # noqa: F401 - live's dependency
from zhiyuan.service.tests.conftest import live  # noqa: F401 - the live fixture
from zhiyuan.teams.tests.conftest import corps  # noqa: F401 - plan's dependency
