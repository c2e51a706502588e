"""The OpenAPI document as the server behaves: every operation's error responses in the one
error shape config/api.py answers with.

django-ninja documents only the responses an operation declares. The errors come from one
place (config/api.py's handlers), so they are added here to every operation by the rule the
server follows: 400 for input it refuses (any operation), 401 and 403 where a token or
session is required, 404 for any operation (an unknown id, or a path that is not there),
409 for writes that can conflict with the current state, 429 where the platform limits
attempts (public operations and sign-in).
"""

from __future__ import annotations

from ninja import NinjaAPI

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["code", "message", "errors"],
    "properties": {
        "code": {"type": "string", "description": "machine-readable, e.g. invalid_input"},
        "message": {"type": "string", "description": "in the caller's language"},
        "errors": {
            "type": "object",
            "description": "reasons per field (`__all__` for the whole input)",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
DESCRIPTIONS = {
    "400": "The input was refused (field and reason in `errors`).",
    "401": "Sign in or send a valid API token.",
    "403": "Not allowed for the caller.",
    "404": "No such object, or not visible to the caller.",
    "409": "Conflicts with the current state (already done, full, closed …).",
    "429": "Too many attempts: wait and try again.",
}
WRITES = {"post", "put", "patch", "delete"}


def error_codes(method: str, secured: bool, path: str) -> list[str]:
    codes = ["400", "404"]
    if secured:
        codes += ["401", "403"]
    if method in WRITES:
        codes.append("409")
    if not secured or path.endswith("/auth/token"):
        codes.append("429")
    return sorted(codes)


def add_error_responses(document: dict) -> dict:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    default_security = document.get("security")
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", *WRITES}:
                continue
            security = operation.get("security", default_security)
            secured = bool(security) and any(bool(s) for s in security)
            responses = operation.setdefault("responses", {})
            responses = {str(k): v for k, v in responses.items()}
            for code in error_codes(method, secured, path):
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            operation["responses"] = dict(sorted(responses.items()))
    return document


class DocumentedAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document states each operation's error responses."""

    def get_openapi_schema(self, *args, **kwargs):
        return add_error_responses(super().get_openapi_schema(*args, **kwargs))
