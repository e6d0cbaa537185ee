from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from aligns.accounts.models import Scheme
from aligns.forms import DATE_PARTS, DateField
from reports.exports import FORMATS
from reports.period import Period

OTHER_DATES = "other"
# Longer ranges are a typing mistake more often than a report anyone wants.
LONGEST_PERIOD_DAYS = 2 * 366


class ReportForm(forms.Form):
    """Which period to report on. Read from the query string so a report has an address."""

    mark_optional = False  # the dates are for "Other dates" only

    quarter = forms.ChoiceField(
        label=_("Period"),
        error_messages={"invalid_choice": _("Choose a quarter from the list, or other dates")},
    )
    start = DateField(
        label=pgettext_lazy("the first day of a report", "From"),
        required=False,
        error_label=_("start date"),
    )
    end = DateField(
        label=pgettext_lazy("the last day of a report", "To"),
        required=False,
        error_label=_("end date"),
    )
    small_numbers = forms.BooleanField(
        label=_("Hide counts under 5, for sharing outside the scheme"),
        required=False,
        help_text=_(
            # HTML (help text is shown as it is written): "&lt;" shows as "<".
            "Counts of 1 to 4 show as '&lt;5', any average or rate worked out from fewer than "
            "5 people as 'n&lt;5', and any count that would give one of those away as '[c]'."
        ),
    )

    def __init__(self, *args, today=None, choose_small_numbers=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_small_numbers:
            del self.fields["small_numbers"]
        today = today or timezone.localdate()
        quarters = Period.recent_quarters(today)
        self.fields["quarter"].choices = [(q.key, q.label) for q in quarters] + [
            (OTHER_DATES, gettext("Other dates (choose below)"))
        ]
        self.fields["quarter"].initial = quarters[0].key
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The quarter is what most people want: other dates wait in a details element, open
        # when they are chosen (or wrong).
        self.helper.layout = Layout(
            "quarter",
            HTML(_other_dates_open()),
            "start",
            "end",
            HTML("</div></details>"),
            *(["small_numbers"] if choose_small_numbers else []),
        )

    def _dates_typed(self):
        return any(
            str(self.data.get(f"{name}_{part}", "")).strip()
            for name in ("start", "end")
            for part in DATE_PARTS
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quarter") != OTHER_DATES:
            # Dates typed under "Other dates" with a quarter still chosen would be passed
            # over without a word, and the quarter's report taken for theirs.
            if cleaned.get("quarter") and self._dates_typed():
                self.add_error(
                    "quarter",
                    gettext(
                        "To report on the dates typed under Other dates, choose Other dates as "
                        "the period; to report on a quarter, clear those dates"
                    ),
                )
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" not in self.errors and start is None:
            self.add_error("start", gettext("Enter the start date"))
        if "end" not in self.errors and end is None:
            self.add_error("end", gettext("Enter the end date"))
        if start and end:
            if end < start:
                self.add_error(
                    "end", gettext("The end date must be the same as or after the start date")
                )
            elif (end - start).days >= LONGEST_PERIOD_DAYS:
                self.add_error("end", gettext("A report can cover 2 years at most"))
        return cleaned

    @property
    def period(self):
        data = self.cleaned_data
        if data["quarter"] == OTHER_DATES:
            return Period(data["start"], data["end"])
        return Period.from_key(data["quarter"])


def _other_dates_open():
    """The start of the "Other dates" details element, open when they are chosen (or wrong).
    Crispy renders it as a template: the words, in the language in use, are put in escaped."""
    return (
        '<details class="nhsuk-details aligns-other-dates"'
        '{% if form.data.quarter == "other" or form.quarter.errors or form.start.errors '
        "or form.end.errors %} open"
        "{% endif %}>"
        '<summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">'
        f"{_template_text(gettext('Other dates'))}</span></summary>"
        '<div class="nhsuk-details__text"><p class="nhsuk-hint">'
        + _template_text(
            gettext(
                'Choose "Other dates (choose below)" as the period, then the first and last day.'
            )
        )
        + "</p>"
    )


def _template_text(text):
    """Words for a template's source: escaped, and never read as a tag or a variable."""
    return escape(text).replace("{", "&#123;").replace("}", "&#125;")


class ExportForm(ReportForm):
    export_format = forms.ChoiceField(
        choices=[(code, spec.label) for code, spec in FORMATS.items()],
        error_messages={"required": _("Choose a format"), "invalid_choice": _("Choose a format")},
    )


class ReportSettingsForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = [
            "coordinators_see_reports",
            "readmission_comparison_30",
            "readmission_comparison_60",
            "readmission_comparison_source",
            "retention_years",
        ]
        error_messages = {
            field: {
                "invalid": _("Enter a percentage as a number, like 12.5"),
                "max_digits": _("Enter a percentage between 0 and 100"),
                "max_decimal_places": _("Use at most one decimal place, like 12.5"),
                "max_whole_digits": _("Enter a percentage between 0 and 100"),
                "min_value": _("Enter a percentage between 0 and 100"),
                "max_value": _("Enter a percentage between 0 and 100"),
            }
            for field in ("readmission_comparison_30", "readmission_comparison_60")
        }
        widgets = {
            field: forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"})
            for field in ("readmission_comparison_30", "readmission_comparison_60")
        }

    def clean(self):
        cleaned = super().clean()
        has_figure = any(
            cleaned.get(field) is not None
            for field in ("readmission_comparison_30", "readmission_comparison_60")
        )
        if has_figure and not cleaned.get("readmission_comparison_source"):
            self.add_error(
                "readmission_comparison_source",
                gettext("Say where the comparison figures come from, so readers can judge them"),
            )
        return cleaned
