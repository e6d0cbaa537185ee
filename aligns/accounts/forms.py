from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm

from aligns.accounts.models import User
from aligns.validators import normalise_uk_phone


class SignInForm(AuthenticationForm):
    """Django's sign-in form, labelled for people who sign in with their email address."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
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
