"""Secondary suppression: hiding more counts so that no hidden count can be worked out.

Hiding counts of 1 to 4 ('<5') is not enough when the counts beside them add up to a total
that is shown: Received 15, Accepted 8, Awaiting 5 gives Declined and Withdrawn 2 between
them, so 1 each. A report declares which of its counts add up to which (`sums`), and
`withhold` hides more counts, the smallest first, until none of the hidden ones can be
pinned down from what is shown.

A reader is assumed to know every sum, that '<5' is 1 to 4, and that any other hidden count
('[c]') is not: 0, or 5 or more. Working from these alone, narrowing each hidden count's
range through every sum until nothing changes, no hidden count may come out exact, and no
sum with a shown total may leave its hidden counts adding up to 1 to 4 (a small group given
away whole). In a small report that means hiding zeros as well: a zero shown beside small
counts says as much as any other count. A hidden zero the reader could work out anyway is
shown again: it gives nothing away that is not already known, and zeros are never small.

Some groups are never shown but can be worked out all the same: of 15 discharges, 13 contacted
in time leaves 2 who were not. Those are `unseen` counts: hidden from the start, part of the
sums like any other, and given away only if they are 1 to 4 and come out exact.
"""

from math import inf

SMALL_NUMBER = 5
_MOST_ROUNDS = 1000


def withhold(values, primary, sums, unseen=frozenset()):
    """The counts to hide besides `primary`, and the hidden counts that can still be worked
    out when there is nothing left to hide around them (every count of a breakdown so small
    that '<5' itself gives it away: four '<5' adding up to a '<5' are all 1).

    `values`: {position: count} for every count; `primary`: the positions hidden as 1 to 4;
    `sums`: (total, parts) pairs of positions, the total being the parts added up; `unseen`:
    the positions of counts never shown (primary too if they are 1 to 4). Positions are
    anything hashable (the report uses (table, row, column))."""
    hidden = set(primary) | set(unseen)
    while exposed := _exposed(values, primary, hidden, sums, unseen):
        candidate = _next_to_hide(values, hidden, sums, exposed)
        if candidate is None:
            break  # Everything that could be hidden around it is: nothing more to do.
        hidden.add(candidate)
    ranges = narrowed_ranges(values, primary, hidden, sums, unseen)
    withheld = hidden - set(primary) - set(unseen)
    return {p for p in withheld if ranges[p] != (0, 0)}, exposed


def _next_to_hide(values, hidden, sums, exposed):
    """The smallest shown count in a sum with an exposed count; if those sums have none, in
    the sums beside them, and so on outwards."""
    reached, seen = set(exposed), None
    while reached != seen:
        seen = set(reached)
        groups = [[total, *parts] for total, parts in sums if reached & {total, *parts}]
        shown = {p for group in groups for p in group if p not in hidden}
        if shown:
            return min(shown, key=lambda p: (values[p], str(p)))
        reached |= {p for group in groups for p in group}
    return None


def _exposed(values, primary, hidden, sums, unseen):
    """The hidden counts a reader could work out exactly, and those of any sum that leaves
    hidden counts adding up to 1 to 4 (a small group given away whole)."""
    ranges = narrowed_ranges(values, primary, hidden, sums, unseen)
    # A range closed past itself means a sum does not hold as declared: treated as exact.
    # A zero worked out is no matter: zeros are shown. Nor is an unseen count of 5 or more.
    exposed = {
        p
        for p in hidden
        if ranges[p][0] >= ranges[p][1]
        and ranges[p] != (0, 0)
        and (p in primary or p not in unseen)
    }
    for total, parts in sums:
        if total not in hidden:
            hidden_parts = [p for p in parts if p in hidden]
            left = values[total] - sum(values[p] for p in parts if p not in hidden)
            if len(hidden_parts) > 1 and 0 < left < SMALL_NUMBER:
                exposed |= set(hidden_parts)
            if len(hidden_parts) > 1 and 0 < left <= _MOST_TO_SPLIT:
                exposed |= _pinned_in_gaps(hidden_parts, left, primary, unseen, ranges)
    return exposed


# A sum's hidden counts adding up to at most this are tried value by value (_pinned_in_gaps).
_MOST_TO_SPLIT = 60


def _pinned_in_gaps(parts, left, primary, unseen, ranges):
    """The counts of `parts` (hidden, adding up to `left`) that only one value fits, once a
    '[c]' is known to be 0 or 5 or more and not just "between 0 and its highest": 6 between
    '[c]', '<5' and '[c]' can only be 5, 1 and 0 (or 0, 1 and 5), so the '<5' is 1. Ranges
    alone cannot see it."""

    def possible(p):
        low, high = ranges[p]
        values = range(max(low, 0), min(high, left) + 1)
        if p in unseen:
            return set(values)
        if p in primary:
            return {v for v in values if 0 < v < SMALL_NUMBER}
        return {v for v in values if v == 0 or v >= SMALL_NUMBER}

    options = {p: possible(p) for p in parts}
    pinned = set()
    for p in parts:
        sums = {0}
        for other in parts:
            if other != p:
                sums = {a + b for a in sums for b in options[other] if a + b <= left}
        fits = {v for v in options[p] if left - v in sums}
        if (
            len(fits) == 1
            and (value := next(iter(fits)))
            and (p not in unseen or value < SMALL_NUMBER)
        ):
            pinned.add(p)
    return pinned


def narrowed_ranges(values, primary, hidden, sums, unseen=frozenset()):
    """Each count's (lowest, highest) as a reader could narrow it: a shown count is exact;
    '<5' is 1 to 4 and any other hidden count 0 or 5 or more, narrowed through every sum
    until nothing changes. Of an unseen count the reader knows only what the sums say."""
    ranges = {
        p: (values[p], values[p])
        if p not in hidden
        else ((1, SMALL_NUMBER - 1) if p in primary and p not in unseen else (0, inf))
        for p in values
    }
    changed, rounds = True, 0
    # Each round narrows a range by at least one; the cap only guards against sums declared
    # wrongly, which could otherwise push ranges past each other for ever.
    while changed and rounds < _MOST_ROUNDS:
        changed, rounds = False, rounds + 1
        for total, parts in sums:
            for position in [total, *parts]:
                if position not in hidden:
                    continue
                low, high = _range_from_the_others(ranges, total, parts, position)
                old_low, old_high = ranges[position]
                new = (max(old_low, low), min(old_high, high))
                if position not in primary and position not in unseen:
                    new = _not_small(*new)
                if new != ranges[position]:
                    ranges[position] = new
                    changed = True
    return ranges


def _not_small(low, high):
    """A '[c]' is never 1 to 4: a range starting there starts at 5, one ending there ends
    at 0."""
    return (
        SMALL_NUMBER if 0 < low < SMALL_NUMBER else low,
        0 if 0 < high < SMALL_NUMBER else high,
    )


def _range_from_the_others(ranges, total, parts, position):
    if position == total:
        return sum(ranges[p][0] for p in parts), sum(ranges[p][1] for p in parts)
    others = [p for p in parts if p != position]
    return (
        ranges[total][0] - sum(ranges[p][1] for p in others),
        ranges[total][1] - sum(ranges[p][0] for p in others),
    )
