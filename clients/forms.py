from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from localflavor.gb.forms import GBPostcodeField

from aligns.forms import DateField, UKPhoneField, WeeklyGridField, not_in_future
from aligns.text import lower_first
from clients.assessment import LEVEL_ORDER, RED, SECTIONS, RiskLevel, answers_from_the_ward
from clients.instruments import INSTRUMENTS
from clients.models import Client, ConsentKind, GoalCategory, GoalOutcome, Timepoint

NO_WAY_TO_PHONE = _(
    "Enter a phone number for the patient or their next of kin, or say why there is none"
)


WAYS_TO_PHONE = ("phone", "next_of_kin_phone", "no_phone_reason")


def ask_for_a_way_to_phone(form):
    """One of the three ways to phone is needed, so none of them is marked "(optional)"
    (each is, on its own), and the first says what is needed."""
    for name in WAYS_TO_PHONE:
        form.fields[name].conditional = True
    form.fields["phone"].help_text = _(
        "If they have no phone, give their next of kin's number or say why there is none."
    )


def check_a_way_to_phone(form, cleaned):
    """A person the scheme must call within days of going home needs a number to call: their
    own or their next of kin's, or a reason there is none (a care home's office, say)."""
    if not (
        cleaned.get("phone") or cleaned.get("next_of_kin_phone") or cleaned.get("no_phone_reason")
    ) and not {"phone", "next_of_kin_phone"} & set(form.errors):
        form.add_error("phone", NO_WAY_TO_PHONE)


class ClientForm(forms.ModelForm):
    postcode = GBPostcodeField(
        label=_("Postcode"),
        error_messages={
            "required": _("Enter the postcode"),
            "invalid": _("Enter a real postcode, like AB1 2CD"),
        },
    )
    phone = UKPhoneField(label=_("Phone number"), required=False)
    preferred_times = WeeklyGridField(
        label=_("When would the client like calls or visits?"),
        help_text=_("Used to find a volunteer who is free then. Leave blank if any time suits."),
    )
    next_of_kin_phone = UKPhoneField(label=_("Their phone number"), required=False)

    class Meta:
        model = Client
        fields = [
            "given_name", "family_name", "gender", "ethnic_category", "address_line_1",
            "address_line_2", "town", "postcode",
            "phone", "no_phone_reason", "next_of_kin_name", "next_of_kin_relationship",
            "next_of_kin_phone",
            "gp_practice", "language", "interpreter_needed", "communication_notes",
            "preferred_volunteer_gender", "preferred_volunteer_language", "preferred_times",
            "pets", "access_notes",
        ]  # fmt: skip
        labels = {
            "given_name": _("First name"),
            "family_name": _("Last name"),
            "next_of_kin_name": _("Next of kin or main contact"),
            "interpreter_needed": _("Needs an interpreter"),
            "preferred_volunteer_gender": _("Would the client prefer a volunteer of a gender?"),
            "preferred_volunteer_language": _(
                "Language the volunteer should speak, if not English"
            ),
            "ethnic_category": _("Ethnic group"),
            "gender": _("Gender"),
            "pets": _("Pets"),
        }
        help_texts = {
            "gender": _("As the client describes it. For the scheme's reports only."),
            "ethnic_category": _(
                "As the client describes it. Choose 'Not stated' if they would rather not say; "
                "leave blank if nobody has asked yet."
            ),
        }
        error_messages = {
            "given_name": {"required": _("Enter the client's first name")},
            "family_name": {"required": _("Enter the client's last name")},
            "address_line_1": {"required": _("Enter the first line of the address")},
            "town": {"required": _("Enter the town or city")},
            "language": {"required": _("Enter the client's main language")},
        }
        widgets = {
            "communication_notes": forms.Textarea(attrs={"rows": 3}),
            "access_notes": forms.Textarea(attrs={"rows": 3}),
            "preferred_volunteer_gender": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ask_for_a_way_to_phone(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Name and address"), "given_name", "family_name", "address_line_1",
                     "address_line_2", "town", "postcode", "phone", "no_phone_reason"),
            Fieldset(_("About the client"), "gender", "ethnic_category"),
            Fieldset(_("Next of kin and GP"), "next_of_kin_name", "next_of_kin_relationship",
                     "next_of_kin_phone", "gp_practice"),
            Fieldset(_("Communication"), "language", "interpreter_needed", "communication_notes"),
            Fieldset(_("For their volunteer"), "preferred_volunteer_gender",
                     "preferred_volunteer_language", "preferred_times", "pets", "access_notes"),
        )  # fmt: skip
        self.order_fields([pointer.name for pointer in self.helper.layout.get_field_names()])

    def clean(self):
        cleaned = super().clean()
        check_a_way_to_phone(self, cleaned)
        return cleaned


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Which consent?"),
        choices=ConsentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which consent this is")},
    )
    given = forms.TypedChoiceField(
        label=_("What did the client decide?"),
        choices=[("yes", _("They give consent")), ("no", _("They withdraw consent"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the client gives or withdraws consent")},
    )
    decided_on = DateField(label=_("Date the client decided"), error_label=_("date"))
    obtained_by = forms.CharField(
        label=_("Who did the client tell?"),
        max_length=200,
        error_messages={"required": _("Enter who the client told")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_decided_on(self):
        return not_in_future(self.cleaned_data["decided_on"], _("The date"))


class AssessmentForm(forms.Form):
    """Every question of clients/assessment.py, each with an optional note.

    A red-flag answer needs a note: what a volunteer or coordinator must know about it.
    """

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        # A first assessment starts from the risks the ward noted, to be confirmed.
        self.from_the_ward = (
            {}
            if assessment.answers
            else answers_from_the_ward(assessment.client.ward_risks.values_list("code", flat=True))
        )
        self.sections = []
        layout = []
        for section in SECTIONS:
            names = []
            for question in section.questions:
                self.fields[question.code] = forms.ChoiceField(
                    label=question.text,
                    choices=[(answer.value, answer.form_label) for answer in question.answers],
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": gettext("Answer '%(question)s'") % {"question": question.text}
                    },
                    initial=assessment.answers.get(question.code, {}).get("answer")
                    or self.from_the_ward.get(question.code),
                )
                self.fields[f"{question.code}_note"] = forms.CharField(
                    label=gettext("Note on %(question)s")
                    % {"question": lower_first(str(question.text))},
                    required=False,
                    help_text=question.note_hint
                    or gettext("Anything a volunteer or coordinator should know."),
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=assessment.note_for(question.code),
                )
                names += [question.code, f"{question.code}_note"]
            layout.append(Fieldset(section.title, *names))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        for section in SECTIONS:
            for question in section.questions:
                answer = question.answer(cleaned.get(question.code))
                if answer and answer.flag == RED and not cleaned.get(f"{question.code}_note"):
                    self.add_error(
                        f"{question.code}_note",
                        # The question named: the error summary lists every field's error,
                        # and several questions may have a red-flag answer.
                        gettext(
                            "%(question)s: '%(answer)s' is a red flag. Say what volunteers "
                            "need to know."
                        )
                        % {"question": question.text, "answer": answer.label},
                    )
        return cleaned

    def answers(self):
        return {
            question.code: {
                "answer": self.cleaned_data[question.code],
                "note": self.cleaned_data[f"{question.code}_note"],
            }
            for section in SECTIONS
            for question in section.questions
        }


# Lowering the level the answers give needs a reason (only medium and high can be lowered).
LOWERED_WITHOUT_A_REASON = {
    RiskLevel.MEDIUM: _("The answers make this medium risk: say why it should be lower"),
    RiskLevel.HIGH: _("The answers make this high risk: say why it should be lower"),
}


class SignOffForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Overall risk level"),
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the overall risk level")},
    )
    reason = forms.CharField(
        label=_("Reason for changing the level"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to lower the level the answers give. Optional to raise it."),
    )

    def __init__(self, *args, computed, **kwargs):
        super().__init__(*args, **kwargs)
        self.computed = computed
        self.fields["level"].initial = computed

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level")
        lowered = level and LEVEL_ORDER[RiskLevel(level)] < LEVEL_ORDER[self.computed]
        if lowered and not cleaned.get("reason", "").strip():
            self.add_error("reason", LOWERED_WITHOUT_A_REASON[self.computed])
        return cleaned


class ReassessmentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is a new assessment needed?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: readmitted after a fall; concern raised by the volunteer."),
        error_messages={"required": _("Say why a new assessment is needed")},
    )


class GoalForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What kind of goal?"),
        choices=GoalCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of goal this is")},
    )
    description = forms.CharField(
        label=_("The goal, in the client's words"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: to walk to the corner shop on my own again."),
        error_messages={"required": _("Enter the goal")},
    )


class GoalReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was the goal met?"),
        choices=GoalOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the goal was met")},
    )


class MeasureForm(forms.Form):
    """One instrument's items; any item may be left unanswered (recorded as missing)."""

    timepoint = forms.ChoiceField(
        label=_("When is this?"),
        choices=Timepoint.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose baseline or end of support")},
    )
    taken_on = DateField(label=_("Date the client answered"), error_label=_("date"))

    def __init__(self, *args, instrument, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = INSTRUMENTS[instrument]
        for item in self.instrument.items:
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.text,
                choices=[("", _("Not answered"))] + [(str(v), label) for v, label in item.choices],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect if len(item.choices) <= 4 else forms.Select,
            )

    def clean_taken_on(self):
        return not_in_future(self.cleaned_data["taken_on"], _("The date the client answered"))

    def values(self):
        return {item.code: self.cleaned_data.get(item.code) for item in self.instrument.items}
