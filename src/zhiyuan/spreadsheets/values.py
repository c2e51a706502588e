"""The words offices write for coded values (skills, political status) and what they mean.

A word is matched by the value's name, then its code, then the synonym list (admin-editable,
and remembered from the import's value step), then a close match (the one name that contains
the word or is contained in it, or the one clearly closest spelling). What is still unknown
is not an error: the person is imported without it, with a warning in the report.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

from zhiyuan.spreadsheets.models import ValueSynonym
from zhiyuan.volunteers.models import PoliticalStatus, Skill

CLOSE_CUTOFF = 0.6
IGNORED = ""  # a synonym with no value: the word is dropped silently

POLITICAL_NAMES = {
    "中共党员": PoliticalStatus.CPC_MEMBER,
    "党员": PoliticalStatus.CPC_MEMBER,
    "中国共产党党员": PoliticalStatus.CPC_MEMBER,
    "中共预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "预备党员": PoliticalStatus.CPC_PROBATIONARY,
    "共青团员": PoliticalStatus.CYL_MEMBER,
    "团员": PoliticalStatus.CYL_MEMBER,
    "民主党派": PoliticalStatus.DEMOCRATIC_PARTY,
    "民主党派成员": PoliticalStatus.DEMOCRATIC_PARTY,
    "群众": PoliticalStatus.MASSES,
}


def key(text: str) -> str:
    """A word as compared: NFKC (full-width to half-width), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).lower()


@dataclass(frozen=True)
class Match:
    """What a word means: `value` (a skill id or a status), None when unknown; `how` says
    which rule found it ("name", "synonym", "close", "ignored", "unknown")."""

    value: object
    how: str


UNKNOWN = Match(None, "unknown")


class Vocabulary:
    """One field's words: exact names and codes, synonyms, and the names for close matches."""

    def __init__(self, exact: dict[str, object], synonyms: dict[str, object], names: dict):
        self.exact = exact
        self.synonyms = synonyms
        self.names = names  # key of a display name -> value, for close matches
        self._memo: dict[str, Match] = {}

    def match(self, word: str) -> Match:
        k = key(word)
        try:
            return self._memo[k]
        except KeyError:
            pass
        if not k:
            found = Match(None, "ignored")
        elif k in self.exact:
            found = Match(self.exact[k], "name")
        elif k in self.synonyms:
            value = self.synonyms[k]
            found = Match(None, "ignored") if value is _IGNORE else Match(value, "synonym")
        else:
            found = self._close(k)
        self._memo[k] = found
        return found

    def _close(self, k: str) -> Match:
        containing = {v for name, v in self.names.items() if k in name or name in k}
        if len(containing) == 1:
            return Match(next(iter(containing)), "close")
        if containing:
            return UNKNOWN  # several names contain it: only a person can choose
        close = difflib.get_close_matches(k, list(self.names), n=2, cutoff=CLOSE_CUTOFF)
        if len(close) == 1 or (
            len(close) == 2
            and difflib.SequenceMatcher(None, k, close[0]).ratio()
            > difflib.SequenceMatcher(None, k, close[1]).ratio()
        ):
            return Match(self.names[close[0]], "close")
        return UNKNOWN


_IGNORE = object()


def _synonyms(field: str, resolve) -> dict[str, object]:
    """Synonym key -> value (or _IGNORE); one whose value no longer exists is left out."""
    found: dict[str, object] = {}
    for text, value in ValueSynonym.objects.filter(field=field).values_list("text", "value"):
        resolved = _IGNORE if value == IGNORED else resolve(value)
        if resolved is not None:
            found[key(text)] = resolved
    return found


def skills() -> tuple[Vocabulary, dict[int, Skill]]:
    """The skills' vocabulary (values are skill ids) and the skills by id."""
    by_id = {skill.pk: skill for skill in Skill.objects.all()}
    exact: dict[str, object] = {}
    for skill in by_id.values():
        exact[key(skill.name)] = skill.pk
        exact.setdefault(key(skill.code), skill.pk)
    by_code = {skill.code: skill.pk for skill in by_id.values()}
    synonyms = {
        k: v for k, v in _synonyms(ValueSynonym.Field.SKILLS, by_code.get).items() if k not in exact
    }
    names = {key(skill.name): skill.pk for skill in by_id.values()}
    return Vocabulary(exact, synonyms, names), by_id


def political_statuses() -> Vocabulary:
    exact: dict[str, object] = {key(name): value for name, value in POLITICAL_NAMES.items()}
    for value, label in PoliticalStatus.choices:
        exact.setdefault(key(value), value)
        exact.setdefault(key(str(label)), value)
    valid = set(PoliticalStatus.values)
    synonyms = _synonyms(ValueSynonym.Field.POLITICAL_STATUS, lambda v: v if v in valid else None)
    names = {key(name): value for name, value in POLITICAL_NAMES.items()}
    return Vocabulary(exact, synonyms, names)
