from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from aligns.audit.forms import SharingForm
from aligns.catalogues.models import Need
from aligns.forms import DateField, Reveal, not_in_future
from visits.models import (
    MAX_EPISODE_WEEKS,
    CallKind,
    CommunityService,
    ConcernCategory,
    ExitOutcome,
    ReadmissionSource,
    Urgency,
    Wellbeing,
)
from visits.services import (
    contact_day_refusal,
    episode_close_refusal,
    readmission_day_refusal,
    return_home_day_refusal,
    visit_day_refusal,
)


class _EpisodeForm(forms.Form):
    """A form about one episode, its days judged against its support."""

    def __init__(self, *args, episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode


class ContactForm(_EpisodeForm):
    """Log a call or visit in under a minute: everything but the first two is optional.

    The concern's questions show only once "I am worried about them" is ticked, and none of
    them is answered in advance: how urgent a worry is, is the volunteer's call to make.
    """

    kind = forms.ChoiceField(
        label=_("What was it?"),
        choices=CallKind.choices,
        widget=forms.RadioSelect,
        initial=CallKind.CALL,
        error_messages={"required": _("Choose a phone call or a home visit")},
    )
    answered = forms.TypedChoiceField(
        label=_("Did you speak with them?"),
        # "Yes" here answers a question in the past ("Do" in Welsh), not every yes.
        choices=[("yes", pgettext_lazy("did you speak with them?", "Yes")), ("no", _("No answer"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you spoke with them")},
    )
    happened_on = DateField(
        label=_("When?"),
        help_text=_("Today unless you are logging it late."),
        error_label=_("date"),
    )
    duration_minutes = forms.IntegerField(
        label=_("How long, in minutes?"),
        min_value=0,
        max_value=600,
        required=False,
        error_messages={
            "min_value": _("Minutes must be 0 or more"),
            "max_value": _("Minutes must be 600 or fewer"),
            "invalid": _("Enter the minutes as a number, like 20"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("What did you do?"),
        queryset=Need.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wellbeing = forms.TypedChoiceField(
        label=_("How did they seem?"),
        choices=[("", _("Did not say"))] + list(Wellbeing.choices),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short, factual. Your coordinator reads these."),
    )
    raise_concern = forms.BooleanField(
        label=_("I am worried about them: raise a concern"), required=False
    )
    concern_category = forms.ChoiceField(
        label=_("What kind of worry?"),
        required=False,
        choices=[("", _("Choose"))] + list(ConcernCategory.choices),
    )
    concern_urgency = forms.ChoiceField(
        label=_("How urgent?"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    concern_description = forms.CharField(
        label=_("What happened?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_happened_on(self):
        happened = self.cleaned_data["happened_on"]
        if happened and happened > timezone.localdate():
            raise forms.ValidationError(_("The date must be today or in the past"))
        refusal = contact_day_refusal(self.episode, happened)
        if refusal:
            raise forms.ValidationError(refusal)
        return happened

    def clean(self):
        cleaned = super().clean()
        started = cleaned.get("concern_category") or cleaned.get("concern_description", "").strip()
        if started and not cleaned.get("raise_concern"):
            # Never let a worry written down go nowhere.
            self.add_error(
                "raise_concern",
                _(
                    "Tick 'I am worried about them' to send this concern, or clear the "
                    "concern answers"
                ),
            )
        if cleaned.get("raise_concern"):
            if not cleaned.get("concern_category"):
                self.add_error("concern_category", _("Choose what kind of worry it is"))
            if not cleaned.get("concern_urgency"):
                self.add_error("concern_urgency", _("Choose how urgent it is"))
            if not cleaned.get("concern_description", "").strip():
                self.add_error("concern_description", _("Say what happened"))
        return cleaned

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        concern = ("concern_category", "concern_urgency", "concern_description")
        for name in concern:
            self.fields[name].conditional = True  # needed once "I am worried" is ticked
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form tag has its own
        self.helper.layout = Layout(
            *(name for name in self.fields if name != "raise_concern" and name not in concern),
            Reveal("raise_concern", *concern),
        )

    def concern(self):
        if not self.cleaned_data.get("raise_concern"):
            return None
        return {
            "category": self.cleaned_data["concern_category"],
            "urgency": self.cleaned_data["concern_urgency"],
            "description": self.cleaned_data["concern_description"].strip(),
        }


class ExtendForm(_EpisodeForm):
    """Offers only the weeks support can still be extended by (MAX_EPISODE_WEEKS in all);
    the page is not offered once there are none (episode_extend_view)."""

    EXTENSIONS = [(1, _("1 week")), (2, _("2 weeks"))]

    weeks = forms.TypedChoiceField(
        label=_("By how many weeks?"),
        coerce=int,
        choices=EXTENSIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how many weeks"),
            "invalid_choice": _("Choose one of the numbers of weeks shown"),
        },
    )
    reason = forms.CharField(
        label=_("Why?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the support is being extended")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        planned, left = self.episode.planned_weeks, self.episode.weeks_left_to_extend
        field = self.fields["weeks"]
        field.help_text = ngettext(
            "Support is planned for %(planned)s week and lasts %(most)s weeks at most.",
            "Support is planned for %(planned)s weeks and lasts %(most)s weeks at most.",
            planned,
        ) % {"planned": planned, "most": MAX_EPISODE_WEEKS}
        field.choices = [(n, label) for n, label in self.EXTENSIONS if n <= left]


class ReadmissionForm(_EpisodeForm):
    admitted_on = DateField(label=_("Date readmitted"), error_label=_("date"))
    source = forms.ChoiceField(
        label=_("Who told us?"),
        choices=ReadmissionSource.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who told us")},
    )
    reason = forms.CharField(
        label=_("Reason, if known"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_admitted_on(self):
        admitted_on = not_in_future(self.cleaned_data["admitted_on"], _("The date readmitted"))
        refusal = readmission_day_refusal(self.episode, admitted_on)
        if refusal:
            raise forms.ValidationError(refusal)
        return admitted_on


class ReturnHomeForm(_EpisodeForm):
    returned_on = DateField(label=_("Date they went home again"), error_label=_("date"))

    def clean_returned_on(self):
        day = not_in_future(self.cleaned_data["returned_on"], _("The date"))
        refusal = return_home_day_refusal(self.episode, day)
        if refusal:
            raise forms.ValidationError(refusal)
        return day


class CloseForm(_EpisodeForm):
    outcome = forms.ChoiceField(
        label=_("Why is support ending?"),
        choices=ExitOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why support is ending")},
    )

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"]
        refusal = episode_close_refusal(self.episode, outcome)
        if refusal:
            raise forms.ValidationError(refusal)
        return outcome


class VisitForm(_EpisodeForm):
    day = DateField(label=_("Day of the visit"), error_label=_("day"))
    part = forms.ChoiceField(
        label=_("Time of day"),
        widget=forms.RadioSelect,
        choices=[("10", _("Morning")), ("14", _("Afternoon")), ("18", _("Evening"))],
        error_messages={"required": _("Choose the time of day")},
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The day of the visit must be today or later"))
        refusal = visit_day_refusal(self.episode, day)
        if refusal:
            raise forms.ValidationError(refusal)
        return day

    def due_at(self):
        return timezone.make_aware(
            timezone.datetime.combine(
                self.cleaned_data["day"],
                timezone.datetime.min.time().replace(hour=int(self.cleaned_data["part"])),
            )
        )


class ConcernCloseForm(forms.Form):
    action_taken = forms.CharField(
        label=_("What was done?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: called the GP; referred to adult social care; advised to call 999."
        ),
        error_messages={"required": _("Say what was done")},
    )
    escalated_to = forms.CharField(
        label=_("Escalated to an NHS partner (who)"), required=False, max_length=200
    )


class CommunityServiceForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like https://example.org")},
    )

    class Meta:
        model = CommunityService
        fields = ["name", "category", "description", "area_covered", "phone", "email", "website"]
        labels = {
            "name": _("Name"),
            "category": _("Category"),
            "description": _("Description"),
            "area_covered": _("Area covered"),
            "phone": _("Phone"),
            "email": _("Email"),
        }
        error_messages = {
            "name": {"required": _("Enter the service's name")},
            "category": {"required": _("Choose a category")},
            "email": {"invalid": _("Enter an email address like name@example.org")},
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class OnwardReferralForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=CommunityService.objects.none(),
        error_messages={"required": _("Choose the service")},
    )
    referred_on = DateField(label=_("Date referred"), error_label=_("date"))

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = CommunityService.objects.filter(scheme=scheme)

    def clean_referred_on(self):
        return not_in_future(self.cleaned_data["referred_on"], _("The date referred"))


class SummarySharingForm(SharingForm):
    as_pdf = forms.TypedChoiceField(
        label=_("How do you want the summary?"),
        choices=[("no", _("A page to print")), ("yes", _("A PDF file to send"))],
        coerce=lambda value: value == "yes",
        initial="no",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a page to print or a PDF file")},
    )


class DeclineOfferForm(forms.Form):
    """Shared: the volunteer saying no to an offer, and the coordinator withdrawing one."""

    reason = forms.CharField(
        label=_("Why can you not take this on?"),
        help_text=_("Your coordinator sees this."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you cannot take this on")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
            self.fields["reason"].help_text = ""
            self.fields["reason"].error_messages["required"] = _("Say why")


class StopAssignmentForm(DeclineOfferForm):
    """A coordinator withdrawing an offer or ending a support: the form names the offer it
    was shown for, so one sent after a colleague already moved the client on does not end
    the next volunteer's."""

    assignment = forms.IntegerField(widget=forms.HiddenInput, required=False)
