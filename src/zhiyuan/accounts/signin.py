"""Sign-in: what was typed resolved to one account, and the lockout counted per account and address.

Every way in (the sign-in page, the admin's, `POST /api/v1/auth/token`) goes through
Django's `authenticate()` and so through `backends.PhoneOrUsernameBackend`, which calls
`check_allowed` before any password is checked and `record_failure` / `record_success`
after. Failures count per *account*, whatever spelling reached it (spaces, full-width
characters, upper case, its phone or volunteer number), and per client address across
accounts (password spraying). The counters live in Django's cache.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from zhiyuan.accounts.models import User
from zhiyuan.core.crypto import blind_index
from zhiyuan.core.security import FailureCounter, RateLimited, client_ip


class SignInLocked(RateLimited):
    code = "locked_out"
    default_message = _("Too many failed sign-ins. For your safety, signing in is paused.")


@dataclass(frozen=True)
class Login:
    """What was typed, resolved: the account (if any) and the key its failures count under."""

    user: User | None
    key: str


def _phone_digits(folded: str) -> str | None:
    digits = folded.replace("-", "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits if digits.isdigit() and len(digits) == 11 else None


def resolve(typed: str) -> Login:
    """The account that `typed` names: by phone, else by username or volunteer number.

    NFKC folds full-width characters, all whitespace is dropped and case is ignored, so
    every spelling of one account has one key. An unknown name gets a key of its own
    (its folded spelling), so probing unknown names is counted the same way.
    """
    folded = "".join(unicodedata.normalize("NFKC", typed or "").split())
    user = None
    phone = _phone_digits(folded)
    if phone is not None:
        user = User.objects.filter(phone_index=blind_index("phone", phone)).first()
    if user is None and folded:
        matches = list(User.objects.filter(username__iexact=folded).order_by("pk")[:2])
        exact = [u for u in matches if u.username == folded]
        user = (exact or matches or [None])[0]
    if user is not None:
        return Login(user=user, key=f"user:{user.pk}")
    return Login(user=None, key=f"name:{folded.casefold()}")


def _cooloff_seconds() -> int:
    return int(settings.LOGIN_COOLOFF.total_seconds())


def _accounts() -> FailureCounter:
    return FailureCounter(
        "signin-account", limit=settings.LOGIN_FAILURE_LIMIT, cooloff=_cooloff_seconds()
    )


def _addresses() -> FailureCounter:
    return FailureCounter(
        "signin-address", limit=settings.LOGIN_ADDRESS_FAILURE_LIMIT, cooloff=_cooloff_seconds()
    )


def _locked() -> SignInLocked:
    minutes = max(1, _cooloff_seconds() // 60)
    message = ngettext(
        "Too many failed sign-ins. For your safety, signing in is paused for %(minutes)d minute.",
        "Too many failed sign-ins. For your safety, signing in is paused for %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return SignInLocked(message, retry_after=_cooloff_seconds())


def _address(request) -> str | None:
    return client_ip(request) if request is not None else None


def check_allowed(request, login: Login) -> None:
    """Raise SignInLocked if the account or the address is paused, before any password check."""
    address = _address(request)
    if _accounts().is_locked(login.key) or (
        address is not None and _addresses().is_locked(address)
    ):
        raise _locked()


def record_failure(request, login: Login) -> None:
    """Count a failure; the one that reaches a limit already answers with the pause."""
    locked = _accounts().fail(login.key)
    address = _address(request)
    if address is not None:
        locked |= _addresses().fail(address)
    if locked:
        raise _locked()


def record_success(request, login: Login) -> None:
    """A success clears the account's failures; the address's stay (one good account must
    not wipe a spraying count)."""
    _accounts().clear(login.key)
