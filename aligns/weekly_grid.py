"""A week as 21 slots (7 days × morning, afternoon, evening), stored as one integer bitmask.

Volunteers' availability and clients' preferred times use the same grid, so overlap is a
bitwise AND and its size a count of bits. The slots' names ("Monday morning") are the values
forms send; what a person reads is `slot_label`, in their language.
"""

from django.utils.functional import lazy
from django.utils.translation import pgettext, pgettext_lazy

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = ("morning", "afternoon", "evening")
SLOTS = [(day, part) for day in DAYS for part in PARTS]

DAY_NAMES = {
    "Monday": pgettext_lazy("weekly grid", "Monday"),
    "Tuesday": pgettext_lazy("weekly grid", "Tuesday"),
    "Wednesday": pgettext_lazy("weekly grid", "Wednesday"),
    "Thursday": pgettext_lazy("weekly grid", "Thursday"),
    "Friday": pgettext_lazy("weekly grid", "Friday"),
    "Saturday": pgettext_lazy("weekly grid", "Saturday"),
    "Sunday": pgettext_lazy("weekly grid", "Sunday"),
}
PART_NAMES = {
    "morning": pgettext_lazy("weekly grid", "morning"),
    "afternoon": pgettext_lazy("weekly grid", "afternoon"),
    "evening": pgettext_lazy("weekly grid", "evening"),
}


def bit(day, part):
    return 1 << (DAYS.index(day) * len(PARTS) + PARTS.index(part))


def to_mask(slots):
    """From ["Monday morning", …] (or (day, part) pairs) to the integer."""
    mask = 0
    for slot in slots:
        day, part = slot.split(" ") if isinstance(slot, str) else slot
        mask |= bit(day, part)
    return mask


def to_slots(mask):
    return [f"{day} {part}" for day, part in SLOTS if mask & bit(day, part)]


ALL_SLOTS = to_slots(2**21 - 1)


def _slot_label(slot):
    day, part = slot.split(" ")
    return pgettext(
        "weekly grid: a day and a part of it, as in Monday morning", "%(day)s %(part)s"
    ) % {
        "day": DAY_NAMES[day],
        "part": PART_NAMES[part],
    }


# What a person reads for a slot ("Monday morning"), in their language; lazy, for the choices
# of a form field made when its module is imported.
slot_label = lazy(_slot_label, str)


def count(mask):
    return bin(mask).count("1")


def describe(mask):
    """'Monday morning, Tuesday afternoon…' or 'none', in the reader's language."""
    return ", ".join(_slot_label(slot) for slot in to_slots(mask)) or pgettext(
        "weekly grid: no time of the week", "none"
    )
