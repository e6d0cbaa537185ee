from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.validators import MaxLengthValidator

from aligns.accounts.models import User
from aligns.accounts.two_factor import APP_CODE_DIGITS, BACKUP_CODE_DIGITS, normalise_code
from aligns.validators import normalise_uk_phone


class SignInForm(AuthenticationForm):
    """Django's sign-in form, labelled for people who sign in with their email address."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
        # Django sets max_length here without a validator: without one, any length reaches the
        # database lookup and django-axes' failure log (a 255-character column).
        self.fields["username"].validators.append(
            MaxLengthValidator(
                User._meta.get_field("email").max_length,
                message="Email address must be %(limit_value)d characters or fewer",
            )
        )
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false", "autofocus": False}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.error_messages["invalid_login"] = (
            "Enter a correct email address and password. Both are case-sensitive."
        )


class PasswordResetForm(DjangoPasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].error_messages["required"] = "Enter your email address"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.org"
        )
        self.fields["email"].help_text = "We will email you a link to choose a new password."


class AccountForm(forms.ModelForm):
    """What people may change about themselves: how colleagues know and reach them."""

    class Meta:
        model = User
        fields = ["full_name", "job_title", "phone"]
        labels = {"full_name": "Full name", "job_title": "Job title", "phone": "Phone number"}
        help_texts = {"phone": "So your coordinator can reach you. Optional."}
        error_messages = {"full_name": {"required": "Enter your full name"}}

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        return normalise_uk_phone(phone) if phone else ""


class SecurityCodeForm(forms.Form):
    """One box for a 6-digit code from the app or, when allowed, a 10-digit backup code.

    Nothing stops pasting or autofill: no maxlength (a pasted "123 456" is longer than 6),
    autocomplete="one-time-code" for phones and password managers, and a numeric keypad.
    """

    code = forms.CharField(
        label="Security code",
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
        field.error_messages["required"] = (
            f"Enter the {APP_CODE_DIGITS}-digit code from your authenticator app"
        )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        lengths = {APP_CODE_DIGITS, BACKUP_CODE_DIGITS} if self.backup_codes else {APP_CODE_DIGITS}
        if not (code.isascii() and code.isdigit()) or len(code) not in lengths:
            if self.backup_codes:
                raise forms.ValidationError(
                    f"Enter the {APP_CODE_DIGITS}-digit code from your authenticator app, "
                    f"or a {BACKUP_CODE_DIGITS}-digit backup code",
                    code="format",
                )
            raise forms.ValidationError(
                f"Enter the {APP_CODE_DIGITS}-digit code from your authenticator app, "
                "using numbers only",
                code="format",
            )
        return code

    @property
    def is_backup_code(self):
        return len(self.cleaned_data.get("code", "")) == BACKUP_CODE_DIGITS
