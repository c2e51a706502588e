"""The OpenAPI document tells the truth: it is a valid OpenAPI document, no two schemas share
a name (one would silently document the other), every operation states its error responses
in the one error shape, and a response of every GET matches the schema of its status."""

from __future__ import annotations

import json
import re

import pytest
from ninja import Schema
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from zhiyuan.accounts.services import issue_api_token
from zhiyuan.config.api import api

pytestmark = pytest.mark.django_db


def _document() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def _schemas(base=Schema):
    for sub in base.__subclasses__():
        if sub.__module__.startswith("zhiyuan."):
            yield sub
        yield from _schemas(sub)


def test_the_document_is_valid_openapi():
    validate(_document())


def test_no_two_schemas_share_a_name():
    by_name: dict[str, set[str]] = {}
    for schema in _schemas():
        by_name.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: mods for name, mods in by_name.items() if len(mods) > 1} == {}


def test_every_operation_states_its_errors_in_the_error_shape():
    document = _document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "404"} <= codes, (method, path)
            if method != "get":
                assert "409" in codes, (method, path)
            for code in codes - {"200", "201", "202", "204"}:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]
                assert ref == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_statistics_figures_are_typed():
    figures = _document()["components"]["schemas"]["StatisticsFigures"]["properties"]
    assert figures["hours_approved"]["type"] == "number"
    assert figures["person_times"]["type"] == "integer"
    assert "description" in figures["persons_served"]


def _schema_for(document: dict, operation: dict, status: int) -> dict | None:
    response = operation["responses"].get(str(status))
    if response is None:
        return None
    content = response.get("content", {}).get("application/json")
    return content["schema"] if content else {}


def test_a_response_of_every_get_matches_its_schema(plan, served, client):  # noqa: F811
    document = _document()
    _token, key = issue_api_token(actor=plan.alice, name="openapi")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    checked, failures = 0, []
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        params = {
            p["name"]: "1"
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        response = client.get(url, params, **headers)
        schema = _schema_for(document, operation, response.status_code)
        if schema is None:
            failures.append(f"GET {path}: {response.status_code} not documented")
            continue
        if schema and response.get("Content-Type", "").startswith("application/json"):
            validator = OAS31Validator({**schema, "components": document["components"]})
            errors = [e.message for e in validator.iter_errors(response.json())]
            if errors:
                failures.append(f"GET {path} {response.status_code}: {errors[:3]}")
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked >= 40
