from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from localflavor.gb.forms import GBPostcodeField

from aligns.accounts.models import Hospital, Ward
from aligns.catalogues.models import KnownRisk, Need
from aligns.forms import DateField, DateInput, NHSNumberField, UKPhoneField, not_in_future
from clients.forms import ask_for_a_way_to_phone, check_a_way_to_phone
from clients.models import PERSON_FIELDS
from referrals.models import DeclineReason, DischargePathway, Referral, Status
from referrals.services import referral_find_duplicate, went_home_refusal

OLDEST_AGE_YEARS = 120
# An expected discharge further back than this is almost certainly a typo in the year.
DISCHARGE_PAST_LIMIT_DAYS = 7
DISCHARGE_FUTURE_LIMIT_DAYS = 180
# Recording that a patient went home is allowed later, but not months later.
ACTUAL_DISCHARGE_PAST_LIMIT_DAYS = 60


def _today():
    return timezone.localdate()


def ward_choices(scheme):
    """The scheme's wards grouped by hospital, for a select with optgroups."""
    groups = {}
    for ward in Ward.objects.filter(hospital__scheme=scheme).select_related("hospital"):
        groups.setdefault(ward.hospital.name, []).append((ward.pk, ward.name))
    return [("", _("Choose a ward"))] + list(groups.items())


class ReferralForm(forms.ModelForm):
    """Everything ward staff tell the scheme about a patient, in one page."""

    ward = forms.TypedChoiceField(
        label=_("Ward"),
        coerce=int,
        error_messages={"required": _("Choose the ward"), "invalid_choice": _("Choose the ward")},
    )
    date_of_birth = DateField(
        label=_("Date of birth"),
        help_text=_("For example, 15 3 1944"),
        widget=DateInput(autocomplete="off"),
    )
    nhs_number = NHSNumberField()
    postcode = GBPostcodeField(
        label=_("Postcode"),
        error_messages={
            "required": _("Enter the postcode"),
            "invalid": _("Enter a real postcode, like AB1 2CD"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
    )
    phone = UKPhoneField(label=_("Patient's phone number"), required=False)
    next_of_kin_phone = UKPhoneField(label=_("Their phone number"), required=False)
    expected_discharge_date = DateField(
        label=_("Expected discharge date"), help_text=_("For example, 28 11 2026")
    )
    discharge_pathway = forms.TypedChoiceField(
        label=_("Discharge pathway"),
        coerce=int,
        choices=DischargePathway.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the discharge pathway"),
            "invalid_choice": _("Choose the discharge pathway"),
        },
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("What does the patient need help with?"),
        help_text=_("Select all that apply."),
        queryset=Need.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing the patient needs help with")},
    )
    risks = forms.ModelMultipleChoiceField(
        label=_("Known risks"),
        help_text=_("Select all that apply, so the scheme can plan safe visits."),
        queryset=KnownRisk.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_to_referral = forms.BooleanField(
        label=_("The patient agrees to be referred to the scheme"),
        error_messages={"required": _("Confirm the patient agrees to be referred")},
    )
    consent_to_hold = forms.BooleanField(
        label=_(
            "The patient agrees to the scheme holding and using their information to support them"
        ),
        error_messages={
            "required": _("Confirm the patient agrees to the scheme holding their information")
        },
    )
    consent_to_share_with_nhs = forms.BooleanField(
        label=_(
            "The patient also agrees to the scheme sharing how their support went with their "
            "GP and the hospital (optional)"
        ),
        help_text=_("If you did not ask, leave it: the scheme will ask them."),
        required=False,
    )
    consent_obtained_on = DateField(
        label=_("Date consent was given"), error_label=_("consent date")
    )

    class Meta:
        model = Referral
        # Everything about the person that a ward can know (a typed NHS number is never
        # verified), and the referral's own. The page's layout below gives their order.
        fields = [
            *(name for name in PERSON_FIELDS if name != "nhs_number_verified"),
            "ward",
            "expected_discharge_date",
            "discharge_pathway",
            "needs",
            "risks",
            "risk_notes",
            "consent_to_referral",
            "consent_to_hold",
            "consent_to_share_with_nhs",
            "consent_obtained_by",
            "consent_obtained_on",
            "referrer_name",
            "referrer_role",
            "referrer_contact",
        ]
        labels = {
            "given_name": _("First name"),
            "family_name": _("Last name"),
            "next_of_kin_name": _("Next of kin or main contact"),
            "interpreter_needed": _("The patient needs an interpreter"),
            "consent_obtained_by": _("Consent obtained by"),
            "referrer_name": _("Your name"),
            "referrer_role": _("Your job title"),
            "referrer_contact": _("Your phone number or email"),
            "risk_notes": _("Notes on risks"),
        }
        help_texts = {
            "risk_notes": _(
                "Required if you chose 'Other'. For example: key safe code held by son."
            ),
            "communication_notes": _("For example: hard of hearing, uses large print."),
            "referrer_contact": _("So the scheme can ask you about this referral."),
        }
        error_messages = {
            "given_name": {"required": _("Enter the patient's first name")},
            "family_name": {"required": _("Enter the patient's last name")},
            "address_line_1": {"required": _("Enter the first line of the address")},
            "town": {"required": _("Enter the town or city")},
            "language": {"required": _("Enter the patient's main language")},
            "consent_obtained_by": {"required": _("Enter who obtained the patient's consent")},
            "referrer_name": {"required": _("Enter your name")},
            "referrer_role": {"required": _("Enter your job title")},
            "referrer_contact": {
                "required": _("Enter a phone number or email we can reach you on")
            },
        }
        widgets = {
            "risk_notes": forms.Textarea(attrs={"rows": 3}),
            "communication_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        ask_for_a_way_to_phone(self)
        self.fields["ward"].choices = ward_choices(user.scheme)
        if not self.is_bound:
            first_ward = user.wards.first()
            self.initial.update(
                {
                    "ward": first_ward.pk if first_ward else None,
                    "consent_obtained_by": user.full_name,
                    "consent_obtained_on": _today(),
                    "referrer_name": user.full_name,
                    "referrer_role": user.job_title,
                    "referrer_contact": user.phone or user.email,
                }
            )
        # Warn about a duplicate as soon as the number is typed, not only on sending.
        self.fields["nhs_number"].widget.attrs.update(
            {
                "hx-get": reverse("referrals:check_nhs_number"),
                "hx-trigger": "change",
                "hx-target": "#nhs-number-check",
                "hx-swap": "innerHTML",
            }
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Patient"),
                "given_name",
                "family_name",
                "date_of_birth",
                "nhs_number",
                HTML('<div id="nhs-number-check" aria-live="polite"></div>'),
                "address_line_1",
                "address_line_2",
                "town",
                "postcode",
                "phone",
                "no_phone_reason",
            ),
            Fieldset(
                _("Next of kin"),
                "next_of_kin_name",
                "next_of_kin_relationship",
                "next_of_kin_phone",
            ),
            Fieldset(_("Discharge"), "ward", "expected_discharge_date", "discharge_pathway"),
            Fieldset(_("Needs and risks"), "needs", "risks", "risk_notes"),
            Fieldset(_("Communication"), "language", "interpreter_needed", "communication_notes"),
            Fieldset(
                _("Consent"),
                "consent_to_referral",
                "consent_to_hold",
                "consent_to_share_with_nhs",
                "consent_obtained_by",
                "consent_obtained_on",
            ),
            Fieldset(_("About you"), "referrer_name", "referrer_role", "referrer_contact"),
        )
        # The error summary lists problems in the order the page shows the fields.
        self.order_fields([pointer.name for pointer in self.helper.layout.get_field_names()])

    def clean_ward(self):
        ward = Ward.objects.filter(
            pk=self.cleaned_data["ward"], hospital__scheme=self.user.scheme
        ).select_related("hospital")
        if not ward:
            raise forms.ValidationError(_("Choose the ward"))
        return ward.get()

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = _today()
        # Today is not in the past: a date of birth of today is the referral's own date
        # typed in the wrong place, not a patient born this morning.
        if born >= today:
            raise forms.ValidationError(_("Date of birth must be in the past"))
        if born < today.replace(year=today.year - OLDEST_AGE_YEARS):
            raise forms.ValidationError(
                gettext("Date of birth must be within the last %(years)s years: check the year")
                % {"years": OLDEST_AGE_YEARS}
            )
        return born

    def clean_nhs_number(self):
        nhs_number = self.cleaned_data["nhs_number"]
        duplicate = referral_find_duplicate(scheme=self.user.scheme, nhs_number=nhs_number)
        if duplicate is not None:
            raise forms.ValidationError(duplicate.message, code="duplicate")
        return nhs_number

    def clean_expected_discharge_date(self):
        return clean_discharge_date(self.cleaned_data["expected_discharge_date"], EXPECTED)

    def clean_consent_obtained_on(self):
        return not_in_future(self.cleaned_data["consent_obtained_on"], _("Date consent was given"))

    def clean(self):
        cleaned = super().clean()
        check_a_way_to_phone(self, cleaned)
        risks = cleaned.get("risks") or []
        if any(risk.code == KnownRisk.OTHER for risk in risks) and not cleaned.get("risk_notes"):
            self.add_error("risk_notes", _("Say what the other risk is"))
        return cleaned


# Which discharge date is checked: each has its own sentences, for translating whole.
EXPECTED, ACTUAL = "expected", "actual"
TOO_LONG_AGO = {
    EXPECTED: _(
        "Expected discharge date must be no more than %(days)s days ago: check the date, or "
        "call the scheme about a patient already home"
    ),
    ACTUAL: _(
        "Actual discharge date must be no more than %(days)s days ago: check the date, or "
        "call the scheme about a patient already home"
    ),
}
TOO_FAR_AHEAD = {
    EXPECTED: _("Expected discharge date must be within 6 months: check the year"),
    ACTUAL: _("Actual discharge date must be within 6 months: check the year"),
}


def clean_discharge_date(value, which, past_limit_days=DISCHARGE_PAST_LIMIT_DAYS):
    today = _today()
    if value < today - timedelta(days=past_limit_days):
        raise forms.ValidationError(TOO_LONG_AGO[which] % {"days": past_limit_days})
    if value > today + timedelta(days=DISCHARGE_FUTURE_LIMIT_DAYS):
        raise forms.ValidationError(TOO_FAR_AHEAD[which])
    return value


class DischargeDatesForm(forms.Form):
    expected_discharge_date = DateField(
        label=_("Expected discharge date"), help_text=_("For example, 28 11 2026")
    )
    actual_discharge_date = DateField(
        label=_("Date the patient went home"),
        required=False,
        help_text=_("Leave blank until the patient has gone home."),
        error_label=_("discharge date"),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral

    def clean_expected_discharge_date(self):
        expected = self.cleaned_data["expected_discharge_date"]
        if expected == self.initial.get("expected_discharge_date"):
            return expected  # unchanged: an old date is history, not a typo
        return clean_discharge_date(expected, EXPECTED)

    def clean_actual_discharge_date(self):
        went_home = self.cleaned_data["actual_discharge_date"]
        refusal = went_home_refusal(self.referral, went_home)
        if refusal:
            raise forms.ValidationError(refusal)
        if went_home is None:
            return None
        if went_home > _today():
            raise forms.ValidationError(
                _(
                    "Date the patient went home must be today or in the past. "
                    "For a future date, change the expected discharge date"
                )
            )
        return clean_discharge_date(
            went_home, ACTUAL, past_limit_days=ACTUAL_DISCHARGE_PAST_LIMIT_DAYS
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing this referral?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you are withdrawing the referral")},
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the referral declined?"),
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the referral is declined")},
    )
    note = forms.CharField(
        label=_("Note for the ward"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The ward sees this. Required if you chose 'Other reason'."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == DeclineReason.OTHER and not cleaned.get("note"):
            self.add_error("note", _("Say why the referral is declined"))
        return cleaned


class QueueFilterForm(forms.Form):
    """Narrow the triage queue. Values that do not fit are ignored rather than refused."""

    mark_optional = False  # filters: every one may be left as it is

    STATUS_CHOICES = [
        ("", _("Waiting for a decision")),
        *Status.choices,
        ("all", _("All statuses")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    hospital = forms.ModelChoiceField(
        label=_("Hospital"), queryset=Hospital.objects.none(), required=False, empty_label=_("All")
    )
    ward = forms.ModelChoiceField(
        label=_("Ward"), queryset=Ward.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hospital"].queryset = Hospital.objects.visible_to(user)
        self.fields["ward"].queryset = Ward.objects.visible_to(user).select_related("hospital")

    def apply(self, referrals):
        chosen = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = chosen.get("status") or Status.SUBMITTED
        if status != "all":
            referrals = referrals.filter(status=status)
        if chosen.get("hospital"):
            referrals = referrals.filter(hospital=chosen["hospital"])
        if chosen.get("ward"):
            referrals = referrals.filter(ward=chosen["ward"])
        return referrals
