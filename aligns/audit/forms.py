from django import forms
from django.utils.translation import gettext_lazy as _

from aligns.audit.models import LawfulBasis


class SharingForm(forms.Form):
    """Who receives the information, why, and on what basis; the same for every share."""

    recipient_organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("For example the ward, or the client's GP practice."),
        error_messages={"required": _("Enter the organisation you are sharing with")},
    )
    recipient_person = forms.CharField(label=_("Person or team"), max_length=200, required=False)
    purpose = forms.CharField(
        label=_("Why are you sharing it?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why you are sharing it")},
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"),
        choices=LawfulBasis.choices,
        initial=LawfulBasis.PUBLIC_TASK_HEALTH,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the lawful basis")},
    )
    override_reason = forms.CharField(
        label=_("Safeguarding or vital-interests reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only if the client has withdrawn consent to share: why it must be shared "
            "anyway. The share is flagged for the manager's review."
        ),
    )
