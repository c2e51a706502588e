"""Documentation tests: the README names every setting; the catalogue translates every message."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[4]
SETTINGS_FILE = Path(__file__).resolve().parents[1] / "settings.py"
PO_FILE = settings.LOCALE_PATHS[0] / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_environment_setting_is_in_the_readme():
    source = "\n".join(
        path.read_text()
        for path in SETTINGS_FILE.parents[1].rglob("*.py")
        if "tests" not in path.parts
    )
    names = set(re.findall(r'env(?:str|bool|int|list)\("([A-Z_]+)"', source))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text()
    assert names, "found no settings: the pattern is out of date"
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == []


def _po_entries(text: str):
    """(fields, fuzzy) per entry of a .po file: msgid, msgid_plural, msgstr, msgstr[n]."""
    entries, fields, fuzzy, key = [], {}, False, None
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if fields:
                entries.append((fields, fuzzy))
            fields, fuzzy, key = {}, False, None
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line):
            key = match.group(1)
            fields[key] = match.group(2)
        elif line.startswith('"') and key:
            fields[key] += line[1:-1]
    return entries


def test_every_message_has_a_zh_hans_translation():
    entries = _po_entries(PO_FILE.read_text())
    assert len(entries) > 100
    untranslated = [
        fields["msgid"]
        for fields, fuzzy in entries
        if fields.get("msgid")
        and (fuzzy or not all(v for k, v in fields.items() if k.startswith("msgstr")))
    ]
    assert untranslated == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [("Volunteer number", "志愿者编号"), ("Sign in", "登录"), ("Pending review", "待审核")],
)
def test_the_default_language_is_simplified_chinese(english, chinese):
    assert settings.LANGUAGE_CODE == "zh-hans"
    with translation.override("zh-hans"):
        assert translation.gettext(english) == chinese
