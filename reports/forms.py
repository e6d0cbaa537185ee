from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils import timezone

from aligns.accounts.models import Scheme
from aligns.forms import DateField
from reports.exports import FORMATS
from reports.period import Period

OTHER_DATES = "other"
# Longer ranges are a typing mistake more often than a report anyone wants.
LONGEST_PERIOD_DAYS = 2 * 366


class ReportForm(forms.Form):
    """Which period to report on. Read from the query string so a report has an address."""

    mark_optional = False  # the dates are for "Other dates" only

    quarter = forms.ChoiceField(
        label="Period",
        error_messages={"invalid_choice": "Choose a quarter from the list, or other dates"},
    )
    start = DateField(label="From", required=False, error_label="start date")
    end = DateField(label="To", required=False, error_label="end date")
    small_numbers = forms.BooleanField(
        label="Hide counts under 5, for sharing outside the scheme",
        required=False,
        help_text="Counts of 1 to 4 show as '<5', any average or rate worked out from "
        "fewer than 5 people as 'n<5', and any count that would give one of those away as "
        "'[c]'.",
    )

    def __init__(self, *args, today=None, choose_small_numbers=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_small_numbers:
            del self.fields["small_numbers"]
        today = today or timezone.localdate()
        quarters = Period.recent_quarters(today)
        self.fields["quarter"].choices = [(q.key, q.label) for q in quarters] + [
            (OTHER_DATES, "Other dates (choose below)")
        ]
        self.fields["quarter"].initial = quarters[0].key
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The quarter is what most people want: other dates wait in a details element, open
        # when they are chosen (or wrong).
        self.helper.layout = Layout(
            "quarter",
            HTML(_OTHER_DATES_OPEN),
            "start",
            "end",
            HTML("</div></details>"),
            *(["small_numbers"] if choose_small_numbers else []),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quarter") != OTHER_DATES:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" not in self.errors and start is None:
            self.add_error("start", "Enter the start date")
        if "end" not in self.errors and end is None:
            self.add_error("end", "Enter the end date")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif (end - start).days >= LONGEST_PERIOD_DAYS:
                self.add_error("end", "A report can cover 2 years at most")
        return cleaned

    @property
    def period(self):
        data = self.cleaned_data
        if data["quarter"] == OTHER_DATES:
            return Period(data["start"], data["end"])
        return Period.from_key(data["quarter"])


_OTHER_DATES_OPEN = (
    '<details class="nhsuk-details aligns-other-dates"'
    '{% if form.data.quarter == "other" or form.start.errors or form.end.errors %} open{% endif %}>'
    '<summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">'
    "Other dates</span></summary>"
    '<div class="nhsuk-details__text"><p class="nhsuk-hint">Choose "Other dates (choose '
    'below)" as the period, then the first and last day.</p>'
)


class ExportForm(ReportForm):
    export_format = forms.ChoiceField(
        choices=[(code, spec.label) for code, spec in FORMATS.items()],
        error_messages={"required": "Choose a format", "invalid_choice": "Choose a format"},
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
                "invalid": "Enter a percentage as a number, like 12.5",
                "max_digits": "Enter a percentage between 0 and 100",
                "max_decimal_places": "Use at most one decimal place, like 12.5",
                "max_whole_digits": "Enter a percentage between 0 and 100",
                "min_value": "Enter a percentage between 0 and 100",
                "max_value": "Enter a percentage between 0 and 100",
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
                "Say where the comparison figures come from, so readers can judge them",
            )
        return cleaned
