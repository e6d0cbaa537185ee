from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from aligns.accounts.lockout import client_ip_address
from aligns.accounts.models import Role, Scheme, User, Ward
from aligns.accounts.services import (
    domain_refusal,
    email_has_account,
    public_email_over_limit,
    schemes_taking_requests_from,
    user_accept_invitation,
)
from aligns.accounts.two_factor import APP_CODE_DIGITS, BACKUP_CODE_DIGITS, normalise_code
from aligns.outbox.services import queue_email
from aligns.permissions import Permission
from aligns.shortcuts import posted_id
from aligns.validators import normalise_uk_phone, validate_plain_line


class SignInForm(AuthenticationForm):
    """Django's sign-in form, labelled for people who sign in with their email address."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].error_messages["required"] = _("Enter your email address")
        # Django sets max_length here without a validator: without one, any length reaches the
        # database lookup and django-axes' failure log (a 255-character column).
        self.fields["username"].validators.append(
            MaxLengthValidator(
                User._meta.get_field("email").max_length,
                message=_("Email address must be %(limit_value)d characters or fewer"),
            )
        )
        self.fields["password"].error_messages["required"] = _("Enter your password")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "autofocus": False}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.error_messages["invalid_login"] = _(
            "Enter a correct email address and password. Both are case-sensitive."
        )


class PasswordResetForm(DjangoPasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["email"].error_messages["required"] = _("Enter your email address")
        self.fields["email"].error_messages["invalid"] = _(
            "Enter an email address in the correct format, like name@example.org"
        )
        self.fields["email"].help_text = _("We will email you a link to choose a new password.")

    def save(self, *, request, use_https=False, **unused):
        """Queue one message (aligns/outbox), from which the worker makes the link when it
        sends, or sends nothing. The page does the same work (one look-up, one row) whether or
        not the address has an account, so it takes no longer for one than for the other, and
        never waits for the mail server. Asked too often for one address or from one IP
        address, it answers the same and sends nothing. The message names no scheme: finding
        one would be work done only for addresses with an account."""
        from aligns.accounts.emails import email_password_reset

        email = self.cleaned_data["email"]
        if public_email_over_limit("password-reset", email=email, ip=client_ip_address(request)):
            return
        queue_email(
            email_password_reset,
            user_ids=[user.pk for user in self.get_users(email)],
            protocol="https" if use_https else "http",
            domain=request.get_host(),
        )


class AccountForm(forms.ModelForm):
    """What people may change about themselves: how colleagues know and reach them, and the
    language they read ALIGNS in."""

    class Meta:
        model = User
        fields = ["full_name", "job_title", "phone", "preferred_language"]
        labels = {
            "full_name": _("Full name"),
            "job_title": _("Job title"),
            "phone": _("Phone number"),
            # In both languages, so someone who chose the wrong one by mistake can find it.
            "preferred_language": "Language / Iaith",
        }
        help_texts = {
            "job_title": _("For example: staff nurse, discharge coordinator."),
            "phone": _("So your coordinator can reach you."),
            "preferred_language": _("The language ALIGNS uses for you."),
        }
        widgets = {"preferred_language": forms.RadioSelect}
        error_messages = {
            "full_name": {"required": _("Enter your full name")},
            "preferred_language": {"required": _("Choose a language")},
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_uk_phone(phone) if phone else ""


class CurrentPasswordForm(forms.Form):
    """The signed-in person's password, asked again before a change to how they sign in (a new
    phone, new backup codes, two-factor off): a session left open on a shared ward computer
    must not be enough to take over someone's second step. Without `user`, no password field.
    """

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.wrong_password = False
        if user is None:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            self.wrong_password = True
            raise forms.ValidationError(_("Your password is not right"), code="wrong_password")
        return password


class SecurityCodeForm(CurrentPasswordForm):
    """One box for a 6-digit code from the app or, when allowed, a 10-digit backup code (after
    the password, when `user` is given).

    Nothing stops pasting or autofill: no maxlength (a pasted "123 456" is longer than 6),
    autocomplete="one-time-code" for phones and password managers, and a numeric keypad.
    """

    code = forms.CharField(
        label=_("Security code"),
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "nhsuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args, backup_codes=True, label=None, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.backup_codes = backup_codes
        field = self.fields["code"]
        if label:
            field.label = label
        if help_text:
            field.help_text = help_text
        field.error_messages["required"] = _(
            "Enter the %(digits)d-digit code from your authenticator app"
        ) % {"digits": APP_CODE_DIGITS}

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        lengths = {APP_CODE_DIGITS, BACKUP_CODE_DIGITS} if self.backup_codes else {APP_CODE_DIGITS}
        if not (code.isascii() and code.isdigit()) or len(code) not in lengths:
            if self.backup_codes:
                raise forms.ValidationError(
                    _(
                        "Enter the %(digits)d-digit code from your authenticator app, "
                        "or a %(backup_digits)d-digit backup code"
                    ),
                    code="format",
                    params={"digits": APP_CODE_DIGITS, "backup_digits": BACKUP_CODE_DIGITS},
                )
            raise forms.ValidationError(
                _(
                    "Enter the %(digits)d-digit code from your authenticator app, "
                    "using numbers only"
                ),
                code="format",
                params={"digits": APP_CODE_DIGITS},
            )
        return code

    @property
    def is_backup_code(self):
        return len(self.cleaned_data.get("code", "")) == BACKUP_CODE_DIGITS


# --- Managing the team ----------------------------------------------------------------------

EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length


def _email_field(**kwargs):
    return forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
            "max_length": format_lazy(
                _("Email address must be {limit} characters or fewer"), limit=EMAIL_MAX_LENGTH
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        **kwargs,
    )


def _text_field(label, max_length, *, required=True, error=None, **kwargs):
    messages = {
        "max_length": format_lazy(
            _("{label} must be {limit} characters or fewer"), label=label, limit=max_length
        )
    }
    if error:
        messages["required"] = error
    return forms.CharField(
        label=label, max_length=max_length, required=required, error_messages=messages, **kwargs
    )


def _without_maxlength(form):
    """No silent truncation in the browser: the form says when something is too long."""
    for field in form.fields.values():
        field.widget.attrs.pop("maxlength", None)


class WardsField(forms.ModelMultipleChoiceField):
    """The wards of the person's scheme, as checkboxes labelled "Ward, Hospital"."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Wards"))
        kwargs.setdefault("help_text", _("For ward staff: the wards whose referrals they see."))
        kwargs.setdefault("required", False)
        super().__init__(queryset=Ward.objects.none(), **kwargs)
        # Needed when the role is ward staff (RoleAndWardsMixin): not marked "(optional)".
        self.conditional = True
        self.error_messages.update(
            {
                "required": _("Choose the wards they work on"),
                "invalid_choice": _("Choose wards from the list"),
                "invalid_pk_value": _("Choose wards from the list"),
                "invalid_list": _("Choose wards from the list"),
            }
        )

    def clean(self, value):
        # Django looks up every id in one "in" query, where one too big for the database is
        # an error rather than "not found": refuse anything no ward id can be, first.
        if isinstance(value, list | tuple) and any(posted_id(str(v)) is None for v in value):
            raise forms.ValidationError(self.error_messages["invalid_pk_value"], code="invalid")
        return super().clean(value)

    def for_scheme(self, user):
        self.queryset = (
            Ward.objects.visible_to(user)
            .select_related("hospital")
            .order_by("hospital__name", "name")
        )


def grantable_role_choices(user):
    return [(role.value, role.label) for role in Role if user.has_perm(Permission.GRANT_ROLE, role)]


class RoleAndWardsMixin:
    """A role the signed-in person may give, and wards when it is ward staff."""

    def _set_up_role_and_wards(self, user):
        self.fields["role"].choices = grantable_role_choices(user)
        self.fields["wards"].for_scheme(user)

    def _check_wards(self, cleaned):
        if cleaned.get("role") == Role.WARD_STAFF and not cleaned.get("wards"):
            if "wards" not in self.errors:
                self.add_error("wards", _("Choose the wards they work on"))
        elif cleaned.get("role") and cleaned.get("role") != Role.WARD_STAFF:
            cleaned["wards"] = []


def _role_field():
    return forms.ChoiceField(
        label=_("Role"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose their role"),
            "invalid_choice": _("Choose their role"),
        },
    )


class InvitationEmailForm(forms.Form):
    """The address an invitation goes to: it must not belong to an account already."""

    email = _email_field(
        help_text=_("We email them a link to choose their password. It must be theirs alone.")
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if email_has_account(email):
            raise forms.ValidationError(
                _(
                    "An account already uses this email address. If they are in your scheme, "
                    "find them on the team page"
                ),
                code="taken",
            )
        return email


class InviteForm(RoleAndWardsMixin, InvitationEmailForm):
    full_name = _text_field(_("Full name"), 200, error=_("Enter their full name"))
    role = _role_field()
    wards = WardsField()
    job_title = _text_field(_("Job title"), 100, required=False)
    phone = forms.CharField(label=_("Phone number"), required=False)

    field_order = ["full_name", "email", "role", "wards", "job_title", "phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_up_role_and_wards(user)
        _without_maxlength(self)

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_uk_phone(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        self._check_wards(cleaned)
        return cleaned


class RoleForm(RoleAndWardsMixin, forms.Form):
    role = _role_field()
    wards = WardsField()

    def __init__(self, *args, user, person, **kwargs):
        wards = list(person.wards.values_list("pk", flat=True))
        kwargs.setdefault("initial", {"role": person.role, "wards": wards})
        super().__init__(*args, **kwargs)
        self._set_up_role_and_wards(user)

    def clean(self):
        cleaned = super().clean()
        self._check_wards(cleaned)
        return cleaned


class DeactivateForm(forms.Form):
    reason = _text_field(
        _("Why are you deactivating this account?"),
        500,
        error=_("Say why you are deactivating this account"),
        help_text=_(
            "For example: left the trust, stopped volunteering. Kept with the account's history."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_maxlength(self)


# --- Requests for an account ----------------------------------------------------------------


class AccountRequestForm(forms.Form):
    full_name = _text_field(
        _("Full name"),
        200,
        error=_("Enter your full name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        validators=[validate_plain_line],
    )
    email = _email_field(
        help_text=_("Your work email address. We will email you a link to confirm it.")
    )
    job_title = _text_field(
        _("Job title"),
        100,
        error=_("Enter your job title"),
        help_text=_("For example: staff nurse, discharge coordinator."),
        validators=[validate_plain_line],
    )
    workplace = _text_field(
        _("Your ward and hospital"),
        200,
        error=_("Enter your ward and hospital"),
        help_text=_("For example: Ward 7, Riverside General Hospital."),
        validators=[validate_plain_line],
    )
    # Only when more than one scheme takes requests from the address's domain, and then only
    # those schemes: the public page never lists the schemes on ALIGNS.
    scheme = forms.ModelChoiceField(
        label=_("Which scheme do you refer patients to?"),
        queryset=Scheme.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        required=False,
        error_messages={"invalid_choice": _("Choose the scheme you refer patients to")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].error_messages["required"] = _("Enter your email address")
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.schemes = schemes_taking_requests_from(self.data.get("email", "")) if self.data else []
        if len(self.schemes) > 1:
            self.fields["scheme"].queryset = Scheme.objects.filter(
                pk__in=[scheme.pk for scheme in self.schemes]
            )
        else:
            del self.fields["scheme"]
        _without_maxlength(self)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if not email:
            return cleaned
        if not self.schemes:
            self.add_error("email", domain_refusal(email))
        elif len(self.schemes) == 1:
            cleaned["scheme"] = self.schemes[0]
        elif not cleaned.get("scheme") and "scheme" not in self.errors:
            self.add_error("scheme", _("Choose the scheme you refer patients to"))
        return cleaned


class ApproveRequestForm(forms.Form):
    wards = WardsField(
        label=_("Which wards do they work on?"),
        help_text=_("They will see the referrals from these wards."),
        required=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wards"].for_scheme(user)


class DeclineRequestForm(forms.Form):
    reason = _text_field(
        _("Why are you declining the request?"),
        1000,
        error=_("Say why you are declining the request"),
        help_text=_("We email this to the person who asked, so write it for them."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _without_maxlength(self)


class InvitationPasswordForm(SetPasswordForm):
    """Django's form for a new password (and its validators), saved through the service."""

    def save(self, commit=True):
        return user_accept_invitation(user=self.user, password=self.cleaned_data["new_password1"])
