"""Status changes through a transition table: the one way a status field is moved."""

from aligns.audit.services import attribute_change


def move(instance, target, *, table, refused, message, by, reason, field="status"):
    """Set `instance.<field>` to `target` if `table` allows it from the current value, naming
    who moved it and why for its history; otherwise raise `refused(message)`.

    `message` may use {current} and {target}: the two values' labels, in lower case.
    """
    current = getattr(instance, field)
    if target not in table[current]:
        labels = dict(instance._meta.get_field(field).flatchoices)
        raise refused(
            message.format(current=str(labels[current]).lower(), target=str(labels[target]).lower())
        )
    setattr(instance, field, target)
    attribute_change(instance, by=by, reason=reason)
