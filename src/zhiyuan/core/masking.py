"""Masked display of personal identifiers: the first 3 and last 4 characters stay visible."""


def mask_identifier(value: str, *, head: int = 3, tail: int = 4) -> str:
    """`110105194912310021` -> `110***********0021`; short values are masked whole."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_phone(value: str) -> str:
    """`13812345678` -> `138****5678`."""
    return mask_identifier(value, head=3, tail=4)
