"""Reading one roster row's cells and checking them with the registration's rules.

This module only turns cells into values (names of communities, skills and statuses,
dates as offices write them) and reports each problem against its column; every rule on
the values is `volunteers.validation`'s, as for the registration page and API. The look-ups
are loaded once per import, so a row costs no query.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyuan.core import crypto
from zhiyuan.core.errors import DomainError
from zhiyuan.core.masking import mask_identifier
from zhiyuan.places.models import Region
from zhiyuan.spreadsheets import columns, values
from zhiyuan.volunteers import validation as rules
from zhiyuan.volunteers.idcard import Gender, IdDocument, IdType
from zhiyuan.volunteers.models import PoliticalStatus, Volunteer

ID_TYPE_NAMES = {
    "居民身份证": IdType.RESIDENT_ID,
    "身份证": IdType.RESIDENT_ID,
    "二代身份证": IdType.RESIDENT_ID,
    "港澳台居民居住证": IdType.HMT_RESIDENCE,
    "居住证": IdType.HMT_RESIDENCE,
    "港澳居民来往内地通行证": IdType.HK_MACAU_PERMIT,
    "回乡证": IdType.HK_MACAU_PERMIT,
    "台湾居民来往大陆通行证": IdType.TAIWAN_PERMIT,
    "台胞证": IdType.TAIWAN_PERMIT,
    "外国人永久居留身份证": IdType.FOREIGN_PERMANENT,
    "护照": IdType.PASSPORT,
}
GENDER_NAMES = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
ID_TYPES = frozenset(IdType.values)
SKILL_SEPARATORS = re.compile(r"[、,;/|\s]+")
COMMUNITY_SUFFIXES = ("居民委员会", "居委会", "村民委员会", "村委会")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def _key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).lower()


@dataclass
class Problem:
    column: str
    value: str
    reason: str
    # A warning: the row is imported without this value.
    warning: bool = False


@dataclass
class CleanRow:
    """A valid row, ready to be encrypted and inserted."""

    real_name: str
    document: IdDocument
    phone: str
    community_id: int
    skill_ids: list[int]
    birth_date: dt.date
    gender: str
    political_status: str
    national_no: str | None = None


@dataclass
class RowResult:
    clean: CleanRow | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]


class RowValidator:
    """Validates rows of one import: `validate(cells) -> RowResult`."""

    def __init__(
        self,
        *,
        scope: Region,
        mapping: dict[str, int],
        titles: list[str],
        default_community: Region | None = None,
        today: dt.date | None = None,
    ):
        self.mapping = mapping
        self.titles = titles
        self.today = today or timezone.localdate()
        self.default_community_id = default_community.pk if default_community else None
        communities = list(
            Region.objects.filter(level=Region.Level.COMMUNITY).select_related("parent")
        )
        self.scope_path = scope.path
        self.communities = {c.pk: c for c in communities}
        # name -> ids (names may repeat across subdistricts), code -> id,
        # "subdistrict name + community name" -> id.
        self.by_name: dict[str, set[int]] = {}
        self.by_code: dict[str, int] = {}
        self.by_full_name: dict[str, int] = {}
        for c in communities:
            self.by_name.setdefault(_key(c.name), set()).add(c.pk)
            self.by_code[c.code] = c.pk
            if c.parent is not None:
                self.by_full_name[_key(c.parent.name) + _key(c.name)] = c.pk
        self.skill_words, self.skills_by_id = values.skills()
        self.political_words = values.political_statuses()
        order = (
            "real_name",
            "id_type",
            "id_number",
            "phone",
            "community",
            "skills",
            "political_status",
            "gender",
            "birth_date",
        )
        # A row's cells in that order, "" for a field not in the file or a row too short: the
        # row padded with blanks, then one C call (a field not in the file reads the last
        # blank of the padding).
        indexes = [mapping.get(name) for name in order]
        self._padding = [""] * (max((i for i in indexes if i is not None), default=0) + 2)
        self._pick = operator.itemgetter(*(-1 if i is None else i for i in indexes))
        self._gender_memo: dict[str, str | None] = {}
        self._titles = {name: self.title(name) for name in columns.FIELDS}
        self._community_memo: dict[str, tuple] = {}
        self._skills_memo: dict[str, tuple] = {}
        self._political_memo: dict[str, tuple] = {}
        # National numbers already held (number -> its holder's ID-number index) and those
        # given earlier in this file: a number is one person's. Loaded here, as every other
        # look-up: an import checks its rows in a worker process that makes no query
        # (`services._check_batch`).
        self._national_held: dict[str, str] = (
            dict(
                Volunteer.objects.filter(national_no__isnull=False).values_list(
                    "national_no", "id_number_index"
                )
            )
            if "national_no" in mapping
            else {}
        )
        self._national_seen: dict[str, str] = {}

    def title(self, field_name: str) -> str:
        index = self.mapping.get(field_name)
        if index is None or index >= len(self.titles):
            return field_name
        return self.titles[index] or field_name

    def cell(self, cells: list[str], field_name: str) -> str:
        index = self.mapping.get(field_name)
        if index is None or index >= len(cells):
            return ""
        return cells[index]

    def validate(self, cells: list[str]) -> RowResult:
        result = RowResult()
        problems = result.problems
        titles = self._titles

        def problem(field_name: str, value: str, reason, warning: bool = False) -> None:
            if field_name in {"id_number", "phone"}:
                value = mask_identifier(_key(value).upper())
            problems.append(Problem(titles[field_name], value[:200], str(reason), warning))

        (
            name_cell,
            type_cell,
            raw_id,
            raw_phone,
            community_cell,
            skills_cell,
            political_cell,
            gender_cell,
            birth_cell,
        ) = self._pick(cells + self._padding if type(cells) is list else [*cells, *self._padding])
        try:
            real_name = rules.real_name(name_cell)
        except DomainError as exc:
            real_name = ""
            problem("real_name", " ".join(name_cell.split()), exc.message)
        id_type = self._id_type(type_cell, problem) if type_cell else IdType.RESIDENT_ID
        document = None
        if id_type is not None:
            document = self._plain_resident_id(id_type, raw_id)
            if document is None and "E+" in raw_id:
                problem(
                    "id_number",
                    raw_id,
                    _(
                        "The ID number was typed into a number cell and Excel kept only its "
                        "first 15 digits: format the column as text (文本) and enter the "
                        "numbers again."
                    ),
                )
            elif document is None:
                try:
                    document = rules.document(id_type, raw_id, today=self.today)
                except DomainError as exc:
                    problem("id_number", raw_id, exc.message)
        if (
            len(raw_phone) == 11
            and raw_phone.isascii()
            and raw_phone.isdigit()
            and raw_phone[1] in "3456789"
        ):
            phone = raw_phone if raw_phone[0] == "1" else None
        else:
            phone = None
        if phone is None:
            try:
                phone = rules.phone(raw_phone)
            except DomainError as exc:
                problem("phone", raw_phone, exc.message)
        community_id = self._replay(self._community, self._community_memo, community_cell, problem)
        skill_ids = self._replay(self._skills, self._skills_memo, skills_cell, problem)
        political = self._replay(self._political, self._political_memo, political_cell, problem)
        try:
            gender = self._gender_memo[gender_cell]
        except KeyError:
            gender = GENDER_NAMES.get(_key(gender_cell)) if gender_cell else None
            self._gender_memo[gender_cell] = gender
        if gender_cell and gender is None:
            # Only a warning: the ID number holds the gender (or the rule below says so).
            problem("gender", gender_cell, _("Write the gender as 男 or 女."), True)
        birth = _parse_date(birth_cell) if birth_cell else None
        if birth_cell and birth is None:
            problem("birth_date", birth_cell, _("Write the birth date as YYYY-MM-DD."))
        if document is not None:
            try:
                birth, gender = rules.birth_and_gender(
                    document, birth_date=birth, gender=gender, today=self.today
                )
            except DomainError as exc:
                cell = {"gender": gender_cell, "birth_date": birth_cell}.get(exc.field, raw_id)
                problem(exc.field, cell, exc.message)
        national_no = None
        national_cell = self.cell(cells, "national_no") if "national_no" in self.mapping else ""
        if national_cell.strip() and document is not None:
            national_no = self._national(national_cell, document, problem)
        if problems and not all(p.warning for p in problems):
            return result
        result.clean = CleanRow(
            real_name=real_name,
            document=document,
            phone=phone,
            community_id=community_id,
            skill_ids=list(skill_ids),
            birth_date=birth,
            gender=gender,
            political_status=political,
            national_no=national_no,
        )
        return result

    def _national(self, value: str, document: IdDocument, problem) -> str | None:
        """The row's national number, or None with a warning: the person is imported (or
        filled in) without it when it is malformed or another person's."""
        try:
            number = rules.national_number(value)
        except DomainError as exc:
            problem(
                "national_no",
                value,
                _("%(reason)s Imported without it.") % {"reason": exc.message},
                True,
            )
            return None
        if number is None:
            return None
        holder = self._national_held.get(number) or self._national_seen.get(number)
        index = crypto.blind_index("id_number", document.index_value)
        if holder is not None and holder != index:
            problem(
                "national_no",
                value,
                _("This national volunteer number is another person's: imported without it."),
                True,
            )
            return None
        self._national_seen[number] = index
        return number

    @staticmethod
    def _replay(check, memo: dict, value: str, problem):
        """`check(value, problem)` once per distinct value: a roster repeats a few dozen
        communities, skills and statuses; the result and its problems are replayed."""
        try:
            outcome, found = memo[value]
        except KeyError:
            found = []
            outcome = check(value, lambda *args: found.append(args))
            memo[value] = outcome, found
        for args in found:
            problem(*args)
        return outcome

    def _plain_resident_id(self, id_type: str, raw: str) -> IdDocument | None:
        """The common case checked directly: an 18-character resident ID number in plain ASCII
        that passes every check of `parse_gb11643`, as it would parse it (without its advisory
        warnings, which an import does not show); None for anything else, which
        `parse_document` then checks and explains. A test holds the two to the same verdicts."""
        if id_type != IdType.RESIDENT_ID or len(raw) != 18 or not raw.isascii():
            return None
        number = raw.upper()
        last = number[17]
        if not (number[:17].isdigit() and (last.isdigit() or last == "X")):
            return None
        checksum = (1 - 2 * int(number[:17], 13)) % 11
        if ("X" if checksum == 10 else str(checksum)) != last:
            return None
        year = int(number[6:10])
        try:
            birth = dt.date(year, int(number[10:12]), int(number[12:14]))
        except ValueError:
            return None
        if birth > self.today or year < 1900:
            return None
        return IdDocument(
            id_type=id_type,
            number=number,
            birth_date=birth,
            gender=Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE,
        )

    def _id_type(self, value: str, problem) -> str | None:
        if not value:
            return IdType.RESIDENT_ID
        key = _key(value)
        if key in ID_TYPES:
            return key
        id_type = ID_TYPE_NAMES.get(key)
        if id_type is None:
            problem("id_type", value, _("Unknown ID type: write e.g. 居民身份证 or 护照."))
        return id_type

    def _community(self, value: str, problem) -> int | None:
        if not value:
            if self.default_community_id is None:
                problem("community", value, _("The home community is required."))
            return self.default_community_id
        key = _key(value)
        for suffix in COMMUNITY_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                break
        candidates: set[int] = set()
        if key in self.by_code:
            candidates = {self.by_code[key]}
        elif key in self.by_full_name:
            candidates = {self.by_full_name[key]}
        else:
            candidates = self.by_name.get(key) or self.by_name.get(key + "社区") or set()
        if not candidates:
            problem("community", value, _("No community of this name exists."))
            return None
        in_scope = set()
        refusal = None
        for pk in candidates:
            try:
                rules.community_in(self.communities[pk], self.scope_path)
            except DomainError as exc:
                refusal = exc
            else:
                in_scope.add(pk)
        if not in_scope:
            problem("community", value, refusal.message)
            return None
        if len(in_scope) > 1:
            problem(
                "community",
                value,
                _(
                    "Several communities have this name: write the subdistrict before it, or the code."
                ),
            )
            return None
        return next(iter(in_scope))

    def _skills(self, value: str, problem) -> list[int]:
        """The skills a cell names; a word that means none, or a skill that needs training,
        is a warning and the person is imported without it."""
        ids: list[int] = []
        for part in SKILL_SEPARATORS.split(value or ""):
            if not part:
                continue
            found = self.skill_words.match(part)
            if found.value is None:
                if found.how == "unknown":
                    problem(
                        "skills",
                        part,
                        _("Unknown skill %(skill)s: imported without it.") % {"skill": part},
                        True,
                    )
                continue
            skill = self.skills_by_id[found.value]
            try:
                rules.declarable_skills([skill])
            except DomainError as exc:
                problem("skills", part, exc.message, True)
                continue
            if skill.pk not in ids:
                ids.append(skill.pk)
        return ids

    def _political(self, value: str, problem) -> str:
        if not value:
            return PoliticalStatus.MASSES
        found = self.political_words.match(value)
        if found.value is None:
            if found.how == "unknown":
                problem(
                    "political_status",
                    value,
                    _(
                        "Unknown political status: imported as 群众; write e.g. 中共党员 or 共青团员."
                    ),
                    True,
                )
            return PoliticalStatus.MASSES
        return rules.political_status(found.value)


EXCEL_EPOCH = dt.date(1899, 12, 30)


def _parse_date(text: str) -> dt.date | None:
    """A date as offices write it: 1990-01-02, 1990/1/2, 1990.1.2, 19900102, 1990年1月2日,
    or Excel's day number when the cell was not formatted as a date (32875)."""
    text = text.strip()
    if text.isdigit() and 4 <= len(text) <= 5:
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
