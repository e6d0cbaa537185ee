from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from aligns.accounts.models import User
from aligns.forms import DateField
from aligns.validators import is_plain_digits


class LogFilterForm(forms.Form):
    """Filters for the access and sharing logs: by person, by user, by dates."""

    mark_optional = False  # filters: every one may be left blank

    nhs_number = forms.CharField(
        label=_("Person (NHS number)"), required=False, max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )  # fmt: skip
    user = forms.ModelChoiceField(
        label=_("By"), required=False, queryset=None, empty_label=_("Anyone"),
        error_messages={"invalid_choice": _("Choose someone from the list")},
    )  # fmt: skip
    since = DateField(label=_("From"), required=False, error_label=_("start date"))
    until = DateField(label=_("To"), required=False, error_label=_("end date"))

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.visible_to(viewer).order_by("full_name")
        self.scheme = viewer.scheme
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_nhs_number(self):
        digits = "".join(self.cleaned_data["nhs_number"].split())
        if digits and not is_plain_digits(digits):
            raise forms.ValidationError(_("Enter an NHS number as 10 digits, like 999 123 4560"))
        return digits

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date must be the same as or after the start date"))
        return cleaned

    def apply(self, entries, *, when, by, person):
        """Filter `entries` on the field names given for the time, the user and the person."""
        if not self.is_bound or not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["nhs_number"]:
            entries = entries.filter(person(data["nhs_number"]))
        if data["user"]:
            entries = entries.filter(**{by: data["user"]})
        if data["since"]:
            entries = entries.filter(**{f"{when}__date__gte": data["since"]})
        if data["until"]:
            entries = entries.filter(**{f"{when}__date__lte": data["until"]})
        return entries
