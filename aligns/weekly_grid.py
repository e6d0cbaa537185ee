"""A week as 21 slots (7 days × morning, afternoon, evening), stored as one integer bitmask.

Volunteers' availability and clients' preferred times use the same grid, so overlap is a
bitwise AND and its size a count of bits.
"""

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS = ("morning", "afternoon", "evening")
SLOTS = [(day, part) for day in DAYS for part in PARTS]


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


def count(mask):
    return bin(mask).count("1")


def describe(mask):
    """'Monday morning, Tuesday afternoon…' or 'none'."""
    return ", ".join(to_slots(mask)) or "none"
