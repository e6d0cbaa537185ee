from django import forms
from django.utils.translation import gettext_lazy as _
from localflavor.gb.forms import GBPostcodeField

from aligns.accounts.forms import InvitationEmailForm
from aligns.catalogues.models import Need
from aligns.forms import DateField, UKPhoneField, WeeklyGridField
from volunteers.models import DbsLevel, Stage, TrainingCourse, Volunteer


class VolunteerForm(forms.ModelForm):
    phone = UKPhoneField(label=_("Phone number"), required=False)
    postcode = GBPostcodeField(
        label=_("Home postcode"),
        error_messages={
            "required": _("Enter their home postcode"),
            "invalid": _("Enter a real postcode, like AB1 2CD"),
        },
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("What they offer"),
        queryset=Need.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    availability = WeeklyGridField(label=_("When they are usually free"))

    class Meta:
        model = Volunteer
        fields = [
            "given_name",
            "family_name",
            "email",
            "phone",
            "postcode",
            "gender",
            "languages",
            "skills",
            "driver",
            "car_insurance_confirmed",
            "availability",
            "max_active_clients",
            "experienced",
            "preferences",
            "lived_experience",
        ]
        labels = {
            "given_name": _("First name"),
            "family_name": _("Last name"),
            "email": _("Email"),
            "gender": _("Gender"),
            "languages": _("Languages"),
            "car_insurance_confirmed": _("Car insurance confirmed"),
            "preferences": _("Preferences"),
            "max_active_clients": _("Most clients at once"),
            "experienced": _("Experienced: may support high-risk clients"),
            "lived_experience": _("Lived experience they chose to share"),
        }
        error_messages = {
            "given_name": {"required": _("Enter the volunteer's first name")},
            "family_name": {"required": _("Enter the volunteer's last name")},
        }
        widgets = {"preferences": forms.Textarea(attrs={"rows": 3})}

    def clean_postcode(self):
        from localflavor.gb.forms import GBPostcodeField

        return GBPostcodeField(
            error_messages={"invalid": _("Enter a real postcode, like AB1 2CD")}
        ).clean(self.cleaned_data["postcode"])


class AvailabilityForm(forms.Form):
    availability = WeeklyGridField(
        label=_("When are you usually free?"),
        help_text=_("Tick every part of the week you could call or visit."),
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Move to"),
        choices=Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where to move them")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when they leave."),
    )

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, Stage(s).label) for s in Stage if s in allowed]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stage") == Stage.LEFT and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the volunteer is leaving"))
        return cleaned


class DbsForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"),
        choices=DbsLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the level of the check")},
    )
    certificate_number = forms.RegexField(
        label=_("Certificate number"),
        regex=r"^[0-9]{12}$",
        error_messages={
            "required": _("Enter the certificate number"),
            "invalid": _("Certificate number must be the 12 digits on the certificate"),
        },
    )
    issued_on = DateField(label=_("Date of issue"))
    update_service = forms.BooleanField(label=_("On the DBS update service"), required=False)
    recheck_due = DateField(
        label=_("Recheck due"), help_text=_("The scheme's policy, often 3 years.")
    )

    def clean(self):
        cleaned = super().clean()
        issued, due = cleaned.get("issued_on"), cleaned.get("recheck_due")
        if issued and due and due <= issued:
            self.add_error("recheck_due", _("Recheck due must be after the date of issue"))
        return cleaned


class ReferenceForm(forms.Form):
    referee_name = forms.CharField(
        label=_("Referee's name"),
        max_length=200,
        error_messages={"required": _("Enter the referee's name")},
    )
    received_on = DateField(label=_("Date received"))
    satisfactory = forms.BooleanField(label=_("The reference is satisfactory"), required=False)


class TrainingForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=TrainingCourse.objects.none(),
        error_messages={"required": _("Choose the course")},
    )
    completed_on = DateField(label=_("Date completed"))

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = TrainingCourse.objects.filter(scheme=scheme)


class VolunteerInviteForm(InvitationEmailForm):
    """The address a volunteer's invitation to sign in goes to (their profile's, to start)."""
