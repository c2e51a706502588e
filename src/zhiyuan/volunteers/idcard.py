"""Identity documents: GB 11643 citizen ID numbers and the other accepted document types.

A 居民身份证 number is 17 digits and a check digit (0-9 or X) computed by ISO 7064 MOD
11-2; digits 7-14 are the birth date and digit 17 is odd for men, even for women.
First-generation 15-digit numbers are converted to 18 digits, not refused. An unknown
place code (the first six digits) is only a warning: the reference tables lag behind
boundary changes and residence permits for Hong Kong, Macau and Taiwan (81/82/83).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from zhiyuan.core.errors import DomainError
from zhiyuan.core.text import normalise_input


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card (居民身份证)")
    HMT_RESIDENCE = "hmt_residence", _("Residence permit for Hong Kong, Macau and Taiwan residents")
    HK_MACAU_PERMIT = (
        "hk_macau_permit",
        _("Mainland travel permit for Hong Kong and Macau residents"),
    )
    TAIWAN_PERMIT = "taiwan_permit", _("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT = "foreign_permanent", _("Foreign permanent residence ID card")
    PASSPORT = "passport", _("Passport")


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


GB11643_TYPES = {IdType.RESIDENT_ID, IdType.HMT_RESIDENCE}
OTHER_FORMATS = {
    IdType.HK_MACAU_PERMIT: (
        re.compile(r"^[HM]\d{8}(\d{2})?$"),
        _("A Hong Kong/Macau travel permit number is H or M followed by 8 or 10 digits."),
    ),
    IdType.TAIWAN_PERMIT: (
        re.compile(r"^\d{8}$"),
        _("A Taiwan travel permit number has 8 digits."),
    ),
    IdType.FOREIGN_PERMANENT: (
        re.compile(r"^([A-Z]{3}\d{12}|9\d{16}[\dX])$"),
        _(
            "A foreign permanent residence ID is 3 letters and 12 digits, or 18 digits starting with 9."
        ),
    ),
    IdType.PASSPORT: (
        re.compile(r"^[A-Z0-9]{5,17}$"),
        _("A passport number has 5 to 17 letters and digits."),
    ),
}


class InvalidIdNumber(DomainError):
    code = "invalid_id_number"

    def __init__(self, message):
        super().__init__(message, field="id_number")


@dataclass(frozen=True)
class IdDocument:
    """A validated document number, normalised; birth date and gender where it encodes them."""

    id_type: str
    number: str
    birth_date: dt.date | None = None
    gender: str | None = None
    warnings: tuple[str, ...] = field(default=())

    @property
    def index_value(self) -> str:
        """What the duplicate check hashes: the same person's card under one key."""
        return f"{self.id_type}:{self.number}"


def check_digit(body: str) -> str:
    """The ISO 7064 MOD 11-2 check digit of a 17-digit body.

    stdnum's calc_check_digit expects the full number and ignores its last character.
    """
    return ric.calc_check_digit(body + "0")


def _upgrade_15(number: str) -> str:
    body = number[:6] + "19" + number[6:]
    return body + check_digit(body)


@functools.lru_cache(maxsize=16384)
def place_code_known(code: str, year: str) -> bool:
    """Whether python-stdnum's table knows the 6-digit place code for a birth in `year` (codes
    come and go over the years). Cached: a roster of 70,000 holds a few thousand pairs, and
    the table look-up is the slow part of checking a number.

    Whatever the table does with a code it knows only in part (`370986`: a province and a
    prefecture but no county, where stdnum raises KeyError), the answer is "not known": an
    unfamiliar place code is a warning, never a failure.
    """
    body = f"{code}{year}0101001"
    try:
        place = ric.get_birth_place(body + check_digit(body))
    except Exception:  # noqa: BLE001 - any failure of the reference table means "unknown"
        return False
    return bool(place.get("county"))


def parse_gb11643(raw: str, *, id_type: str = IdType.RESIDENT_ID, today=None) -> IdDocument:
    number = normalise_input(raw)
    if len(number) == 15 and id_type == IdType.RESIDENT_ID:
        if not (number.isascii() and number.isdigit()):
            raise InvalidIdNumber(_("A 15-digit ID number may contain only digits."))
        number = _upgrade_15(number)
    if len(number) != 18:
        raise InvalidIdNumber(
            _(
                "The ID number must have 18 characters (or 15 for a first-generation card); "
                "you entered %(count)d."
            )
            % {"count": len(number)}
        )
    if not (
        number.isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")
    ):
        raise InvalidIdNumber(
            _("The ID number may contain only digits, with X allowed as the last character.")
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidIdNumber(
            _("The birth date in the ID number (%(date)s) is not a real date.")
            % {"date": number[6:14]}
        ) from None
    today = today or timezone.localdate()
    if birth > today:
        raise InvalidIdNumber(_("The birth date in the ID number lies in the future."))
    if birth.year < 1900:
        raise InvalidIdNumber(_("The birth date in the ID number is before 1900."))
    if check_digit(number[:17]) != number[17]:
        raise InvalidIdNumber(
            _(
                "The check digit (last character) of the ID number is wrong: please check each digit."
            )
        )
    warnings: list[str] = []
    if id_type == IdType.HMT_RESIDENCE:
        if number[:2] not in {"81", "82", "83"}:
            raise InvalidIdNumber(
                _(
                    "A residence permit number for Hong Kong, Macau or Taiwan starts with 81, 82 or 83."
                )
            )
    elif number[:2] in {"81", "82", "83"}:
        warnings.append(str(_("This looks like a residence permit number, not an identity card.")))
    elif not place_code_known(number[:6], number[6:10]):
        warnings.append(str(_("The place code of the ID number is not in our reference table.")))
    gender = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
    return IdDocument(
        id_type=id_type, number=number, birth_date=birth, gender=gender, warnings=tuple(warnings)
    )


ID_TYPES = frozenset(IdType.values)


def parse_document(id_type: str, raw: str, *, today=None) -> IdDocument:
    """Validate a document number of any accepted type; raise InvalidIdNumber with the reason."""
    if id_type not in ID_TYPES:
        raise DomainError(_("Unknown ID type."), field="id_type")
    if not (raw or "").strip():
        raise InvalidIdNumber(_("The ID number is required."))
    if id_type in GB11643_TYPES:
        return parse_gb11643(raw, id_type=id_type, today=today)
    number = normalise_input(raw)
    pattern, message = OTHER_FORMATS[IdType(id_type)]
    if not pattern.match(number):
        raise InvalidIdNumber(message)
    return IdDocument(id_type=id_type, number=number)


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


class InvalidPhone(DomainError):
    code = "invalid_phone"

    def __init__(self, message):
        super().__init__(message, field="phone")


def parse_mobile(raw: str) -> str:
    """A mainland mobile number, 11 digits starting 13-19; +86 and separators are dropped."""
    number = normalise_input(raw).replace("-", "")
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    if not number:
        raise InvalidPhone(_("The mobile phone number is required."))
    if not PHONE_RE.match(number):
        raise InvalidPhone(_("A mobile phone number has 11 digits and starts with 13 to 19."))
    return number


def generate_gb11643(place: str, birth: dt.date, sequence: int) -> str:
    """A valid number for synthetic data: place code, birth date, 3-digit sequence, check digit."""
    body = f"{place}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + check_digit(body)
