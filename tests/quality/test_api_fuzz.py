"""API fuzzing: schemathesis over /api/v1/openapi.json as each role — no 500s, every answer in schema.

Each operation of the apps below gets `ZHIYUAN_FUZZ_EXAMPLES` generated requests per role
(default 3, which keeps the suite near 90 s on SQLite; derandomised, so a run repeats;
10-15 for a deeper nightly run; anonymous gets half, nearly all its answers being 401),
sent through the WSGI app in the test's database: a small district with teams, a project, shifts, hours and a certificate. Checks:
`not_a_server_error` and `response_schema_conformance`. A failure lists every operation at
fault with the request that broke it (replay it with the printed curl command).
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.internal.result import Err

from zhiyuan.accounts.services import issue_api_token

pytestmark = pytest.mark.django_db

# Every tag of /api/v1/ (a test below fails if an operation's tag is missing here).
TAGS = {
    "accounts",
    "regions",
    "volunteers",
    "teams",
    "stations",
    "projects",
    "service hours",
    "certificates",
    "privacy",
    "helpdesk",
    "evaluations and complaints",
    "honours",
    "news",
    "training",
    "spreadsheets",
    "exchange",
    "reports",
}
EXAMPLES = int(os.environ.get("ZHIYUAN_FUZZ_EXAMPLES", "3"))
# ZHIYUAN_FUZZ_TAGS="news,reports" narrows a (deeper) run to some apps while debugging.
ONLY = {tag.strip() for tag in os.environ.get("ZHIYUAN_FUZZ_TAGS", "").split(",") if tag.strip()}
# Small integer ids reach the fixture's rows (SQLite and PostgreSQL number them from 1), so every
# other case of an operation with an integer path parameter acts on a real object, not a 404.
REAL_IDS = 2
CHECKS = (not_a_server_error, response_schema_conformance)
RESULTS: dict[str, dict[str, int]] = {}
STATUSES: Counter[int] = Counter()


@pytest.fixture
def api_schema(db):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from zhiyuan.config.wsgi import application

    # The WSGI handler closes the connection when a request starts and finishes; inside the
    # test's transaction that would close it under the test (PostgreSQL). Django's test
    # client unhooks the same receivers while it calls the app; the fuzzer calls it directly.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # django-ninja writes OpenAPI 3.1; schemathesis 3.x reads it behind this switch.
    schemathesis.experimental.OPEN_API_3_1.enable()
    try:
        yield schemathesis.from_wsgi("/api/v1/openapi.json", application, validate_schema=False)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema, failures: list[str]):
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            error = result.err()
            tags = set(
                schema.raw_schema["paths"]
                .get(error.path or "", {})
                .get((error.method or "").lower(), {})
                .get("tags", [])
            )
            if tags & TAGS or not tags:
                failures.append(f"{error.method} {error.path}: unusable schema: {error}")
            continue
        operation = result.ok()
        tags = set(operation.definition.raw.get("tags", []))
        if tags & TAGS and (not ONLY or tags & ONLY):
            yield operation


def fuzz(schema, headers: dict, examples: int) -> tuple[int, list[str]]:
    cases = 0
    failures: list[str] = []
    for operation in _operations(schema, failures):

        @settings(
            max_examples=examples,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            nonlocal cases
            cases += 1
            if cases % 2:
                for name, value in (case.path_parameters or {}).items():
                    if isinstance(value, int) and not isinstance(value, bool):
                        case.path_parameters[name] = abs(value) % REAL_IDS + 1
            # Each case in its own savepoint, rolled back: one case's 500 cannot poison the
            # transaction for the rest, and no case changes the world the next one sees.
            with transaction.atomic():
                response = case.call_wsgi(headers=headers)
                transaction.set_rollback(True)
            STATUSES[response.status_code] += 1
            case.validate_response(response, checks=CHECKS)

        began, before = time.monotonic(), cases
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
            failures.append(f"{operation.verbose_name}: {str(exc)[:1500]}")
        if os.environ.get("ZHIYUAN_FUZZ_VERBOSE"):
            print(
                f"  {operation.verbose_name}: {cases - before} cases, {time.monotonic() - began:.2f} s"
            )
    return cases, failures


def bearer(user) -> dict:
    _token, key = issue_api_token(actor=user, name="fuzz")
    return {"Authorization": f"Bearer {key}"}


ROLES = {
    "anonymous": (None, max(2, EXAMPLES // 2)),
    "volunteer": ("gina_user", EXAMPLES),
    "team_admin": ("carol_user", EXAMPLES),
    "district_admin": ("alice", EXAMPLES),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_no_server_errors_and_answers_match_the_schema(api_schema, world, role):  # noqa: F811
    who, examples = ROLES[role]
    world.gina_user = world.gina.user
    headers = bearer(getattr(world, who)) if who else {}
    started = time.monotonic()
    cases, failures = fuzz(api_schema, headers, examples)
    RESULTS[role] = {
        "cases": cases,
        "failures": len(failures),
        "seconds": round(time.monotonic() - started, 1),
    }
    print(f"\nfuzz {role}: {RESULTS[role]}, statuses {dict(sorted(STATUSES.items()))}")
    STATUSES.clear()
    assert not failures, "\n\n".join(failures)


def test_every_operation_of_the_api_is_fuzzed():
    from zhiyuan.config.api import api

    paths = api.get_openapi_schema()["paths"]
    left_out = sorted(
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if not set(operation.get("tags", [])) & TAGS
    )
    assert not left_out, left_out
