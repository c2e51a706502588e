"""The one place a domain error becomes a form error."""

from django import forms

from zhiyuan.core.errors import DomainError
from zhiyuan.core.security import RateLimited


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Attach each message to its field, or to the form when the field isn't on it.

    Too many attempts is no fault of the form: it goes on to the 429 page
    (`core.security.RateLimitedMiddleware`).
    """
    if isinstance(exc, RateLimited):
        raise exc
    for field, messages in exc.as_errors().items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
