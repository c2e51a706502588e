"""The one place a domain error becomes a form error."""

from django import forms

from zhiyuan.core.errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Attach each message to its field, or to the form when the field isn't on it."""
    for field, messages in exc.as_errors().items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
