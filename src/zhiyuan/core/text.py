"""Normalising what people type: full-width characters, stray spaces."""

import unicodedata


def normalise_input(value: str) -> str:
    """Full-width letters and digits to ASCII (NFKC), all whitespace removed, upper case."""
    folded = unicodedata.normalize("NFKC", value or "")
    return "".join(folded.split()).upper()
