"""Normalising what people type: full-width characters, stray spaces."""

import unicodedata


def normalise_input(value: str) -> str:
    """Full-width letters and digits to ASCII (NFKC), all whitespace removed, upper case."""
    folded = unicodedata.normalize("NFKC", value or "")
    return "".join(folded.split()).upper()


# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP "CSV
# injection"): spreadsheets write such text as text, and names refuse it.
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def starts_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would take `text` for a formula (or the start of one)."""
    return bool(text) and text[0] in FORMULA_TRIGGERS
