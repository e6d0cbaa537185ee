"""A service's refusal, whole: tests compare the words a person is shown, not a part of them."""

import pytest


def refusal_words(refused_as, act):
    """What `act` says when it refuses; it must refuse with `refused_as` (a service's own
    ActionRefused), not any error."""
    with pytest.raises(refused_as) as refused:
        act()
    return str(refused.value)
