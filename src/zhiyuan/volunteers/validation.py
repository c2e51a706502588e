"""The rules for a volunteer's fields, each in one function.

Registration (page and API), profile edits and the roster import all check a volunteer
through these functions; the import adds only the reading of cells and the per-row report.
Each function takes already-parsed values (a Skill, a Region, a date), makes no query
unless its name says so, and raises a DomainError naming the field at fault.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from zhiyuan.core.errors import Conflict, DomainError
from zhiyuan.core.text import starts_like_formula
from zhiyuan.volunteers.idcard import (
    Gender,
    IdDocument,
    check_digit,
    parse_document,
    parse_mobile,
)
from zhiyuan.volunteers.models import PoliticalStatus, Skill, Volunteer

MIN_AGE = 8
# Built once: `Gender.values` makes a new list at each use (an import checks every row).
GENDERS = frozenset(Gender.values)
NAME_LENGTH = (2, 50)
# 志愿者统一编号 (MZ/T 061): the standard's text gives no public pattern, so this is the
# documented assumption of docs/exchange.md: 8 to 20 Latin capitals and digits.
NATIONAL_NUMBER = re.compile(r"[0-9A-Z]{8,20}")


class DuplicateNationalNumber(Conflict):
    code = "duplicate_national_number"
    default_message = _("This national volunteer number is already another volunteer's.")

    def __init__(self):
        super().__init__(field="national_no")


class DuplicateIdNumber(Conflict):
    code = "duplicate_id_number"
    # Says only that the number is taken, never by whom.
    default_message = _(
        "This ID number is already registered. If it is yours, sign in, or ask the district "
        "office for help."
    )

    def __init__(self):
        super().__init__(field="id_number")


def real_name(raw: str) -> str:
    """The real name, runs of spaces as one: 2 to 50 characters, never formula-like (a name
    starting with `=` would run as a formula in the office's spreadsheet)."""
    name = " ".join((raw or "").split())
    low, high = NAME_LENGTH
    if not low <= len(name) <= high:
        raise DomainError(_("Enter the real name (2 to 50 characters)."), field="real_name")
    if starts_like_formula(name):
        raise DomainError(
            _("A name cannot start with =, +, - or @: write the name as it is on the ID card."),
            field="real_name",
        )
    return name


def document(id_type: str, raw: str, *, today: dt.date | None = None) -> IdDocument:
    """The identity document (see `idcard.parse_document`)."""
    return parse_document(id_type, raw, today=today)


def phone(raw: str) -> str:
    """The mainland mobile number (see `idcard.parse_mobile`)."""
    return parse_mobile(raw)


def birth_and_gender(
    doc: IdDocument,
    *,
    birth_date: dt.date | None,
    gender: str | None,
    today: dt.date,
) -> tuple[dt.date, str]:
    """The birth date and gender: from the document where it holds them (an entered gender
    that contradicts it is refused), entered otherwise; and the minimum age."""
    if doc.gender and gender and gender != doc.gender:
        raise DomainError(
            _("The gender does not match the ID number: please check both."), field="gender"
        )
    birth = doc.birth_date or birth_date
    gender = doc.gender or gender
    if birth is None:
        raise DomainError(_("Enter the birth date for this type of document."), field="birth_date")
    if (today - birth).days < MIN_AGE * 365:
        raise DomainError(
            _("Volunteers must be at least %(age)d years old.") % {"age": MIN_AGE},
            field="id_number" if doc.birth_date else "birth_date",
        )
    if gender not in GENDERS:
        raise DomainError(_("Enter the gender for this type of document."), field="gender")
    return birth, gender


def declarable_skills(skills: Sequence[Skill], *, held: Iterable[Skill] = ()) -> list[Skill]:
    """The skills a volunteer may declare: one that needs training (Art. 16) only when a
    completed course has already certified it (`held`)."""
    certified = {skill.pk for skill in held}
    refused = [s for s in skills if s.requires_training and s.pk not in certified]
    if refused:
        raise DomainError(
            _("Only a completed training course certifies: %(skills)s.")
            % {"skills": "、".join(s.name for s in refused)},
            field="skills",
        )
    return list({skill.pk: skill for skill in skills}.values())


def political_status(value: str) -> str:
    if value not in PoliticalStatus.values:
        raise DomainError(_("Choose a political status."), field="political_status")
    return value


def community_in(community, scope_path: str | None) -> None:
    """A home community lies in the region (path prefix) it is registered or imported into."""
    if scope_path is not None and not community.path.startswith(scope_path):
        raise DomainError(
            _("This community is outside the region of the import."), field="community"
        )


def registered_indexes(indexes: list[str]) -> set[str]:
    """The ID-number blind indexes among `indexes` that are already registered (one query
    per 500 on SQLite, one on PostgreSQL): the duplicate rule for one person or a roster."""
    if not indexes:
        return set()
    quote = connection.ops.quote_name
    table, column = quote(Volunteer._meta.db_table), quote("id_number_index")
    found: set[str] = set()
    # Only identifiers from the model's meta, quoted, go into the text; values are parameters.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One parameter: the hashes (hex, no commas) joined, split by the server; psycopg
            # need not parse thousands of placeholders, nor quote an array element by element
            # (which cost an import 0.3 s of its 70,000 rows).
            cursor.execute(
                f"SELECT {column} FROM {table} "  # noqa: S608
                f"WHERE {column} = ANY(string_to_array(%s, ','))",
                [",".join(indexes)],
            )
            return {value for (value,) in cursor.fetchall()}
        for start in range(0, len(indexes), 500):
            chunk = indexes[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {column} FROM {table} WHERE {column} IN ({marks})",  # noqa: S608
                chunk,
            )
            found.update(value for (value,) in cursor.fetchall())
    return found


def not_registered(index: str) -> None:
    """One document registers one volunteer (the unique blind index holds it under races)."""
    if registered_indexes([index]):
        raise DuplicateIdNumber()


def national_number(raw: str | None) -> str | None:
    """The national unified volunteer number (志愿者统一编号), or None when left blank.

    Full-width characters, spaces and hyphens as people type them are folded away and
    letters are capitalised; what remains is 8 to 20 letters and digits. It is never the
    district's own number, nor an ID number (the national number exists so that the ID
    number need not serve as a public identifier).
    """
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(text.split()).replace("-", "").upper()
    if not text:
        return None
    prefix = settings.VOLUNTEER_NUMBER_PREFIX.upper()
    if text.startswith(prefix) and len(text) == len(prefix) + 8 and text[len(prefix) :].isdigit():
        raise DomainError(
            _(
                "This is the district's own volunteer number: enter the number the national "
                "volunteer-service information system gave this volunteer."
            ),
            field="national_no",
        )
    if not NATIONAL_NUMBER.fullmatch(text):
        raise DomainError(
            _("A national volunteer number has 8 to 20 letters and digits, nothing else."),
            field="national_no",
        )
    if len(text) == 18 and text[:17].isdigit() and check_digit(text[:17]) == text[17]:
        raise DomainError(
            _(
                "This is an ID number, not a national volunteer number: the national number "
                "is the one the national system gave."
            ),
            field="national_no",
        )
    return text


def national_number_free(number: str, *, volunteer_id: int | None) -> None:
    """One national number belongs to one volunteer (the unique column holds it under races)."""
    if Volunteer.objects.filter(national_no=number).exclude(pk=volunteer_id).exists():
        raise DuplicateNationalNumber()
