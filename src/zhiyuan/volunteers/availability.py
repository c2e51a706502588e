"""Weekly availability as a 21-bit mask: 7 days × morning / afternoon / evening."""

from django.utils.translation import gettext_lazy as _

DAYS = [
    ("mon", _("Mon")),
    ("tue", _("Tue")),
    ("wed", _("Wed")),
    ("thu", _("Thu")),
    ("fri", _("Fri")),
    ("sat", _("Sat")),
    ("sun", _("Sun")),
]
PERIODS = [("am", _("Morning")), ("pm", _("Afternoon")), ("eve", _("Evening"))]
SLOTS = [f"{day}_{period}" for day, _label in DAYS for period, _plabel in PERIODS]
SLOT_BITS = {slot: 1 << index for index, slot in enumerate(SLOTS)}
FULL_WEEK = (1 << len(SLOTS)) - 1


def to_mask(slots) -> int:
    """`["sat_am", "sun_am"]` -> bit mask; an unknown slot name raises KeyError."""
    mask = 0
    for slot in slots:
        mask |= SLOT_BITS[slot]
    return mask


def to_slots(mask: int) -> list[str]:
    return [slot for slot, bit in SLOT_BITS.items() if mask & bit]


def to_labels(mask: int) -> list[str]:
    """The slots of a mask in words ("Sat Morning"), never as their codes."""
    labels = dict(slot_choices())
    return [labels[slot] for slot in to_slots(mask)]


def slot_choices() -> list[tuple[str, str]]:
    return [
        (f"{day}_{period}", f"{day_label} {period_label}")
        for day, day_label in DAYS
        for period, period_label in PERIODS
    ]
