"""The import's value step: the words of coded columns the platform does not know, and the
office's choice for each (map to a value, create it, ignore it), remembered as a synonym.

Like the column step it comes after the upload check and before the start; the page and
the command line (`zhiyuan import volunteers --values FILE`) make the same choices.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from zhiyuan.core.errors import ValidationFailed
from zhiyuan.spreadsheets import values
from zhiyuan.spreadsheets.models import ImportJob, ValueSynonym
from zhiyuan.spreadsheets.services import JobBusy, _check_owner
from zhiyuan.spreadsheets.stored import job_rows
from zhiyuan.volunteers.models import PoliticalStatus, Skill

CODED_FIELDS = (ValueSynonym.Field.SKILLS, ValueSynonym.Field.POLITICAL_STATUS)
IGNORE, CREATE = "ignore", "create"
SKILL_SEPARATORS = re.compile(r"[、,;/|\s]+")


@dataclass(frozen=True)
class UnknownValue:
    field: str
    word: str
    rows: int


def unknown_values(job: ImportJob, rows: list[tuple[int, list[str]]]) -> list[UnknownValue]:
    """Each distinct word of the mapped coded columns that matches nothing, with the number
    of rows that hold it, most frequent first."""
    found: list[UnknownValue] = []
    skill_words, _by_id = values.skills()
    vocabularies = {
        ValueSynonym.Field.SKILLS: (skill_words, True),
        ValueSynonym.Field.POLITICAL_STATUS: (values.political_statuses(), False),
    }
    for field in CODED_FIELDS:
        index = job.mapping.get(field)
        if index is None:
            continue
        vocabulary, split = vocabularies[field]
        counts: Counter[str] = Counter()
        for _row, cells in rows:
            cell = cells[int(index)] if int(index) < len(cells) else ""
            words = SKILL_SEPARATORS.split(cell) if split else [cell]
            for word in {w for w in words if w}:
                if vocabulary.match(word).how == "unknown":
                    counts[word] += 1
        found.extend(UnknownValue(field, word, n) for word, n in counts.most_common())
    return found


def options(field: str) -> list[tuple[str, str]]:
    """The choices for a word of `field`: leave it (a warning per row), ignore it, create it
    (skills), or one of the existing values."""
    choices = [("", _("Import without it (a warning per row)")), (IGNORE, _("Ignore it"))]
    if field == ValueSynonym.Field.SKILLS:
        choices.append((CREATE, _("Create it as a new skill")))
        choices += [
            (skill.code, _("Means: %(value)s") % {"value": skill.name})
            for skill in Skill.objects.filter(requires_training=False)
        ]
    else:
        choices += [
            (value, _("Means: %(value)s") % {"value": label})
            for value, label in PoliticalStatus.choices
        ]
    return choices


def _new_skill(word: str) -> Skill:
    skill = Skill.objects.filter(name=word).first()
    if skill is None:
        skill = Skill.objects.create(code=f"tmp-{Skill.objects.count()}", name=word[:50])
        skill.code = f"office-{skill.pk}"
        skill.save(update_fields=["code"])
    return skill


def choose_values(*, actor, job: ImportJob, choices: dict[tuple[str, str], str]) -> int:
    """Remember the office's choice for each (field, word): a synonym for every later import
    too. Returns how many were stored. `choices` maps (field, word) to "", "ignore",
    "create" (skills) or an existing value's code."""
    _check_owner(actor, job)
    if job.status != ImportJob.Status.UPLOADED:
        raise JobBusy(_("The import has already started; its values can no longer change."))
    errors: list[str] = []
    clean: list[tuple[str, str, str]] = []
    for (field, word), choice in choices.items():
        if not choice:
            continue
        allowed = {code for code, _label in options(field)} if field in CODED_FIELDS else set()
        if choice not in allowed or not values.key(word):
            errors.append(_("%(word)s: choose one of the offered values.") % {"word": word})
            continue
        clean.append((field, word, choice))
    if errors:
        raise ValidationFailed({"values": errors})
    with transaction.atomic():
        for field, word, choice in clean:
            if choice == CREATE:
                value = _new_skill(word).code
            elif choice == IGNORE:
                value = values.IGNORED
            else:
                value = choice
            ValueSynonym.objects.update_or_create(
                field=field,
                text=values.key(word)[:100],
                defaults={"value": value, "created_by": actor},
            )
    return len(clean)


def read_choices(text: str) -> dict[tuple[str, str], str]:
    """The command line's choices file: one `field<TAB>word<TAB>choice` a line (UTF-8),
    e.g. `skills	法律	legal_aid`, `skills	无	ignore`, `skills	茶艺	create`."""
    choices: dict[tuple[str, str], str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 3:
            raise ValidationFailed(
                {
                    "values": [
                        _("Line %(n)d: write field, word and choice separated by tabs.")
                        % {"n": number}
                    ]
                }
            )
        choices[(parts[0], parts[1])] = parts[2]
    return choices


def rows_of(job: ImportJob) -> list[tuple[int, list[str]]]:
    return job_rows(job)
