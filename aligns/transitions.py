"""Status changes through a transition table: the one way a status field is moved.

A table is {status: the statuses it may become}. `move` changes one row (and says why when it
may not); `move_all` changes every row of a queryset that may make the move, and leaves the
others as they are, so a done call is never cancelled and a cancelled one never done.
"""

from aligns.audit.services import attribute_change


def move(instance, target, *, table, refused, message, by, reason, field="status"):
    """Set `instance.<field>` to `target` if `table` allows it from the current value, naming
    who moved it and why for its history; otherwise raise `refused(message)`.

    `message` may use {current} and {target}: the two values' labels, in lower case; or be a
    function of the instance, for a message that needs more than the two labels.
    """
    current = getattr(instance, field)
    if target not in table[current]:
        if callable(message):
            raise refused(message(instance))
        labels = dict(instance._meta.get_field(field).flatchoices)
        raise refused(
            message.format(current=str(labels[current]).lower(), target=str(labels[target]).lower())
        )
    setattr(instance, field, target)
    attribute_change(instance, by=by, reason=reason)


def move_all(queryset, target, *, table, field="status", **also):
    """Move to `target` every row of `queryset` whose `field` `table` allows to; set `also`
    on them too. One UPDATE; returns how many rows moved."""
    allowed = [current for current, targets in table.items() if target in targets]
    return queryset.filter(**{f"{field}__in": allowed}).update(**{field: target}, **also)
