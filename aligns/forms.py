"""Form pieces shared across ALIGNS.

``DateField`` asks for a date as three boxes – day, month and year – the way the NHS.UK
date input pattern does, and gives back a ``datetime.date``. Use it for dates people
know as numbers (date of birth, discharge date)::

    class ClientForm(forms.Form):
        date_of_birth = DateField(
            label="Date of birth",
            help_text="For example, 15 3 1984",
            widget=DateInput(autocomplete="bday"),
        )

Its error messages follow the NHS.UK pattern and are built from the label:
"Enter the date of birth", "Date of birth must include a month", "Date of birth must
be a real date", "Year must include 4 numbers". If the label is a question, pass
``error_label`` with the words to use instead ("date of birth").

The ``nhsuk`` crispy template pack (templates/nhsuk/) renders ``DateInput`` as an
NHS.UK date input; rules like "must be in the past" belong in validators or the form.
"""

import datetime

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from aligns import weekly_grid
from aligns.nhs import is_valid_nhs_number, normalise_nhs_number
from aligns.text import lower_first
from aligns.validators import is_plain_digits, normalise_uk_phone

# The parts of a date typed in three boxes, each named "<field>_<part>" in the form data.
DATE_PARTS = ("day", "month", "year")
# Dates outside these years are typing mistakes here, and far-off years break date arithmetic.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _date_problem(day, month, year):
    """Say what is wrong with a typed day, month and year, if anything.

    Returns ``(code, parts)``: ``code`` is None for a real date, otherwise one of
    "required", "incomplete", "year_length", "year_range" or "invalid"; ``parts`` names the boxes at
    fault, so the date input can highlight just those.
    """
    typed = {"day": day, "month": month, "year": year}
    missing = tuple(part for part in DATE_PARTS if not typed[part])
    if len(missing) == len(DATE_PARTS):
        return "required", DATE_PARTS
    if missing:
        return "incomplete", missing
    not_numbers = tuple(
        part for part in DATE_PARTS if not (typed[part].isascii() and typed[part].isdigit())
    )
    if not_numbers:
        return "invalid", not_numbers
    if len(year) != 4:
        return "year_length", ("year",)
    if not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
        return "year_range", ("year",)
    try:
        datetime.date(int(year), int(month), int(day))
    except (ValueError, OverflowError):  # OverflowError: a month of 99999999999999999999
        return "invalid", DATE_PARTS
    return None, ()


def _typed_parts(values):
    """Three stripped strings from whatever a form or widget holds for the date."""
    values = list(values or ())
    values += [None] * (len(DATE_PARTS) - len(values))
    return tuple("" if value is None else str(value).strip() for value in values[: len(DATE_PARTS)])


def not_in_future(value, what):
    """For dates that have happened: "<what> must be today or in the past"."""
    if value and value > timezone.localdate():
        raise ValidationError(gettext("%(what)s must be today or in the past") % {"what": what})
    return value


class DateInput(forms.MultiWidget):
    """Day, month and year text boxes (names ``<name>_day``, ``_month``, ``_year``).

    Each box is a numeric text input; ids are ``<id>_0`` (day), ``<id>_1`` and ``<id>_2``.
    ``autocomplete`` is the token for the whole date ("bday" gives bday-day, bday-month
    and bday-year). The nhsuk pack draws the NHS.UK markup; rendered on its own the widget
    falls back to Django's plain multi-widget markup.
    """

    nhsuk_date_input = True  # the nhsuk pack's field.html looks for this
    part_labels = {
        "day": pgettext_lazy("date input", "Day"),
        "month": pgettext_lazy("date input", "Month"),
        "year": pgettext_lazy("date input", "Year"),
    }
    part_widths = {"day": 2, "month": 2, "year": 4}

    def __init__(self, attrs=None, autocomplete=None):
        widgets = {}
        for part in DATE_PARTS:
            part_attrs = {"inputmode": "numeric"}
            if autocomplete in ("on", "off"):
                part_attrs["autocomplete"] = autocomplete
            elif autocomplete:
                part_attrs["autocomplete"] = f"{autocomplete}-{part}"
            widgets[part] = forms.TextInput(attrs=part_attrs)
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value:
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        typed = _typed_parts(subwidget["value"] for subwidget in subwidgets)
        # If the parts make a real date, an error on the field (say, "must be in the
        # past") is about the whole date, so every box is highlighted.
        faulty = _date_problem(*typed)[1] or DATE_PARTS
        for part, subwidget in zip(DATE_PARTS, subwidgets, strict=True):
            subwidget["part"] = part
            subwidget["label"] = self.part_labels[part]
            subwidget["width"] = self.part_widths[part]
            subwidget["highlight"] = part in faulty
        return context


class DateField(forms.MultiValueField):
    """A date typed as day, month and year; cleans to ``datetime.date`` (or None).

    Messages can be overridden through ``error_messages`` like any Django field; they may
    use ``%(name)s`` (the label, starting lower case), ``%(Name)s`` (starting upper case)
    and, for "incomplete", ``%(missing)s`` ("month", "day and year").
    """

    widget = DateInput
    default_error_messages = {
        "required": gettext_lazy("Enter the %(name)s"),
        "incomplete": gettext_lazy("%(Name)s must include a %(missing)s"),
        "invalid": gettext_lazy("%(Name)s must be a real date"),
        "year_length": gettext_lazy("Year must include 4 numbers"),
        "year_range": gettext_lazy("Year must be between %(earliest)s and %(latest)s"),
    }
    # The parts named in "must include a month", "must include a day and year".
    part_names = {
        "day": pgettext_lazy("date input, missing part", "day"),
        "month": pgettext_lazy("date input, missing part", "month"),
        "year": pgettext_lazy("date input, missing part", "year"),
    }

    def __init__(self, *, error_label=None, **kwargs):
        self.error_label = error_label
        fields = tuple(forms.CharField() for _ in DATE_PARTS)
        super().__init__(fields, **kwargs)

    def _parts_named(self, parts):
        """ "month", or "day and year" (two are missing at most: three is "required")."""
        names = [self.part_names[part] for part in parts]
        if len(names) == 2:
            return gettext("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
        return "".join(str(name) for name in names)

    def _params(self, missing=()):
        name = lower_first(str(self.error_label or self.label or gettext("date")))
        return {
            "name": name,
            "Name": name[:1].upper() + name[1:],
            "missing": self._parts_named(missing),
            "earliest": EARLIEST_YEAR,
            "latest": LATEST_YEAR,
        }

    def compress(self, data_list):
        code, parts = _date_problem(*_typed_parts(data_list))
        if code == "required":
            return None
        if code:
            raise ValidationError(self.error_messages[code], code=code, params=self._params(parts))
        day, month, year = _typed_parts(data_list)
        return datetime.date(int(year), int(month), int(day))

    def clean(self, value):
        if self.disabled and not isinstance(value, list | tuple):
            value = self.widget.decompress(value)
        if _date_problem(*_typed_parts(value))[0] == "required" and self.required:
            raise ValidationError(
                self.error_messages["required"], code="required", params=self._params()
            )
        date = self.compress(value)
        self.validate(date)
        self.run_validators(date)
        return date


class WeeklyGridField(forms.MultipleChoiceField):
    """Ticks on a week of mornings, afternoons and evenings; cleans to a weekly_grid bitmask."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            choices=[(slot, weekly_grid.slot_label(slot)) for slot in weekly_grid.ALL_SLOTS],
            **kwargs,
        )

    def prepare_value(self, value):
        return weekly_grid.to_slots(value) if isinstance(value, int) else value

    def clean(self, value):
        return weekly_grid.to_mask(super().clean(value))

    def has_changed(self, initial, data):
        return self.prepare_value(initial) != data


class NHSNumberField(forms.CharField):
    """Ten digits, spaces or dashes allowed, with a valid Modulus 11 check digit."""

    default_error_messages = {
        "required": gettext_lazy("Enter the patient's NHS number"),
        "length": gettext_lazy("NHS number must be 10 digits, like 999 123 4567"),
        "checksum": gettext_lazy(
            "This is not a valid NHS number. Check each digit against the patient's "
            "wristband or record"
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("NHS number"))
        kwargs.setdefault("help_text", gettext_lazy("10 digits, for example 999 123 4567"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "spellcheck": "false"})

    def to_python(self, value):
        return normalise_nhs_number(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        if len(value) != 10 or not is_plain_digits(value):
            raise forms.ValidationError(self.error_messages["length"], code="length")
        if not is_valid_nhs_number(value):
            raise forms.ValidationError(self.error_messages["checksum"], code="checksum")


class UKPhoneField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return normalise_uk_phone(value) if value else value


class Reveal(LayoutObject):
    """A single checkbox whose follow-up questions show only once it is ticked.

    The NHS.UK conditional reveal: ``Reveal("worried", "what", "how_urgent")`` draws the
    checkbox with ``data-aria-controls`` naming a ``nhsuk-checkboxes__conditional`` block that
    holds the other fields. NHS.UK frontend hides the block while the box is unticked; without
    JavaScript its stylesheet leaves the block showing, so every question can still be answered.
    """

    def __init__(self, checkbox, *fields):
        self.checkbox = checkbox
        self.fields = [checkbox, *fields]

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        # Each field's template escaped what it drew and returns safe HTML, which
        # format_html_join keeps as it is (anything not marked safe would be escaped).
        revealed = format_html_join(
            "",
            "{}",
            (
                (render_field(field, form, context, template_pack=template_pack, **kwargs),)
                for field in self.fields[1:]
            ),
        )
        return render_field(
            self.checkbox,
            form,
            context,
            template_pack=template_pack,
            extra_context={"conditional_html": revealed},
            **kwargs,
        )
