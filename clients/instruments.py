"""Outcome measure instruments, defined as data in one place.

To add an instrument (for example SWEMWBS, once the scheme has registered to use it and
can show its copyright line), add an Instrument here: no model or form changes are needed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SUM, SEPARATE = "sum", "separate"


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    choices: tuple  # ((value, label), ...), values are integers
    short: str = ""  # a label for tables; the full text is what the client is asked


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    items: tuple
    # SUM: the items add up to one total (only when every item is answered).
    # SEPARATE: each item is reported on its own and never added up.
    scoring: str
    # Which direction is better, for saying whether a client improved.
    lower_is_better: bool
    copyright: str = ""
    instructions: str = ""


_UCLA_CHOICES = ((1, _("Hardly ever")), (2, _("Some of the time")), (3, _("Often")))
_ZERO_TO_TEN = tuple((value, str(value)) for value in range(11))

UCLA3 = Instrument(
    code="ucla3",
    name=_("UCLA three-item loneliness scale"),
    version="Hughes et al. 2004",
    scoring=SUM,
    lower_is_better=True,
    instructions=_("How often do you feel…"),
    items=(
        Item(
            "companionship",
            _("…that you lack companionship?"),
            _UCLA_CHOICES,
            _("Lack companionship"),
        ),
        Item("left_out", _("…left out?"), _UCLA_CHOICES, _("Left out")),
        Item("isolated", _("…isolated from others?"), _UCLA_CHOICES, _("Isolated")),
    ),
)

ONS4 = Instrument(
    code="ons4",
    name=_("ONS4 personal wellbeing"),
    version="ONS 2011",
    scoring=SEPARATE,
    lower_is_better=False,  # except anxiety: see ITEM_LOWER_IS_BETTER
    instructions=_("On a scale of 0 to 10, where 0 is 'not at all' and 10 is 'completely'…"),
    items=(
        Item("life_satisfaction", _("…how satisfied are you with your life nowadays?"),
             _ZERO_TO_TEN, _("Life satisfaction")),
        Item("worthwhile", _("…to what extent do you feel the things you do in your life are "
                             "worthwhile?"), _ZERO_TO_TEN, _("Worthwhile")),
        Item("happiness", _("…how happy did you feel yesterday?"), _ZERO_TO_TEN, _("Happiness")),
        Item("anxiety", _("…how anxious did you feel yesterday?"), _ZERO_TO_TEN, _("Anxiety")),
    ),
)  # fmt: skip

# Items where a lower score is the better one, overriding their instrument's direction.
ITEM_LOWER_IS_BETTER = {("ons4", "anxiety")}

INSTRUMENTS = {instrument.code: instrument for instrument in (UCLA3, ONS4)}


def item_lower_is_better(instrument, item_code):
    if (instrument.code, item_code) in ITEM_LOWER_IS_BETTER:
        return True
    return instrument.lower_is_better
