"""Domain errors: one exception family, turned into API and form errors in one place each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused an action; `message` is shown to the user.

    `code` is machine-readable and stable; `field` names the input at fault, if any;
    `status` is the HTTP status the API answers with.
    """

    code = "invalid"
    status = 400
    default_message = _("The request is not valid.")

    def __init__(self, message=None, *, field: str | None = None, code: str | None = None):
        self.message = message if message is not None else self.default_message
        self.field = field
        if code is not None:
            self.code = code
        super().__init__(str(self.message))

    def as_errors(self) -> dict[str, list[str]]:
        return {self.field or "__all__": [str(self.message)]}


class ValidationFailed(DomainError):
    """Several inputs are wrong at once; `errors` maps each field to its messages."""

    code = "validation_failed"

    def __init__(self, errors: Mapping[str, Sequence[str | Promise]]):
        self.errors = {field: [str(m) for m in msgs] for field, msgs in errors.items()}
        first_field, first_msgs = next(iter(self.errors.items()))
        super().__init__(first_msgs[0], field=first_field)

    def as_errors(self) -> dict[str, list[str]]:
        return self.errors


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state.")


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")
