from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from aligns.accounts import two_factor
from aligns.accounts.forms import AccountForm, SecurityCodeForm, SignInForm
from aligns.accounts.lockout import is_locked_out, locked_out_response, record_failed_code
from aligns.accounts.models import User
from aligns.accounts.services import user_update_contact
from aligns.audit.services import access_log_record
from aligns.shortcuts import get_visible_or_404


@permission_required("accounts.view_team", raise_exception=True)
def team_list(request):
    people = (
        User.objects.visible_to(request.user)
        .filter(is_active=True)
        .prefetch_related("wards__hospital")
        .order_by("role", "full_name")
    )
    return render(request, "accounts/team_list.html", {"people": people})


@permission_required("accounts.view_team", raise_exception=True)
def team_member_detail(request, pk):
    person = get_visible_or_404(User, request.user, pk=pk)
    access_log_record(by=request.user, subject=person, request=request)
    return render(request, "accounts/team_member_detail.html", {"person": person})


def account(request):
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_contact(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            job_title=form.cleaned_data["job_title"],
            by=request.user,
        )
        messages.success(request, "Your details have been saved.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {"person": request.user, "form": form, **_two_factor_status(request.user)},
    )


def _two_factor_status(user):
    return {
        "two_factor_on": two_factor.has_authenticator(user),
        "two_factor_required": two_factor.two_factor_required(user),
        "backup_codes_left": two_factor.backup_codes_left(user),
    }


# --- Signing in: the password, then (when due) a security code ---------------------------


class SignInView(LoginView):
    """Django's sign-in page, with a second step for people who use (or must use) a code.

    Django's own `authenticate` runs with the request, so django-axes (first backend) can
    refuse a locked-out email and IP address and count each failure.
    """

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.has_authenticator(user):
            next_step = "accounts:sign_in_code"
        elif two_factor.two_factor_required(user):
            next_step = "accounts:two_factor_setup"
        else:
            return super().form_valid(form)
        two_factor.start_pending(
            self.request, user, backend=user.backend, next_url=self.get_success_url()
        )
        return redirect(next_step)


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def sign_in_code(request):
    """The second step: a code from the app, or a backup code."""
    if request.user.is_authenticated:
        return redirect("home")
    started = two_factor.PENDING_SESSION_KEY in request.session
    user = two_factor.pending_user(request)
    if user is None:
        if started:
            messages.info(request, "Your sign-in was not finished in time. Please sign in again.")
        return redirect_to_login(request.get_full_path())
    if not two_factor.has_authenticator(user):  # removed in the admin meanwhile
        return redirect("accounts:two_factor_setup")
    if is_locked_out(request, user):
        return locked_out_response(request, credentials={"username": user.get_username()})
    form = SecurityCodeForm(
        request.POST or None,
        help_text="If you cannot use your app, enter one of your 10-digit backup codes instead.",
    )
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_code(user, form.cleaned_data["code"])
        if result.device:
            next_url = two_factor.finish_sign_in(request, user, result.device)
            if form.is_backup_code:
                left = two_factor.backup_codes_left(user)
                messages.warning(
                    request,
                    f"You used a backup code. You have {left} left: you can make new ones "
                    "on your account page.",
                )
            return redirect(next_url)
        form.add_error("code", _code_refused_message(form, result))
        if not result.wait_until:
            record_failed_code(request, user)  # may lock out: axes' middleware then answers
    return render(request, "registration/sign_in_code.html", {"form": form})


def _code_refused_message(form, result):
    if result.wait_until:
        return (
            f"You have entered too many wrong codes. Wait {result.wait_seconds} seconds, "
            "then try again"
        )
    if form.is_backup_code:
        return "This backup code is not right, or it has been used already"
    return "This code is not right. Enter the code your authenticator app shows now"


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def two_factor_setup(request):
    """Set up an authenticator app: at first sign-in (pending) or from the account page."""
    signing_in = not request.user.is_authenticated
    if signing_in:
        user = two_factor.pending_user(request)
        if user is None:
            return redirect_to_login(request.get_full_path())
        if two_factor.has_authenticator(user):  # only the code step can add another
            return redirect("accounts:sign_in_code")
    else:
        user = request.user
    device = two_factor.unconfirmed_authenticator(user, request.session)
    form = SecurityCodeForm(
        request.POST or None,
        backup_codes=False,
        label="Code from the app",
        help_text=f"The 6 numbers your authenticator app shows for {settings.ALIGNS_SERVICE_NAME}.",
    )
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_setup_code(device, form.cleaned_data["code"])
        if result.device:
            codes = two_factor.confirm_authenticator(device)
            request.session.pop(two_factor.SETUP_DEVICE_SESSION_KEY, None)
            if signing_in:
                then = two_factor.finish_sign_in(request, user, device)
            else:
                otp_login(request, device)
                then = reverse("accounts:account")
            two_factor.remember_new_backup_codes(request, codes, then=then)
            return redirect("accounts:backup_codes")
        if result.wait_until:
            form.add_error("code", _code_refused_message(form, result))
        else:
            form.add_error(
                "code",
                "This code is not right. Check the time on your phone is set automatically, "
                "then enter the code the app shows now",
            )
    uri = two_factor.provisioning_uri(device)
    context = {
        "form": form,
        "signing_in": signing_in,
        "replacing": not signing_in and two_factor.has_authenticator(user),
        "secret_key": two_factor.secret_key(device),
        "account_email": user.email,
        "qr_code": two_factor.qr_code_svg(uri, label="QR code for your authenticator app"),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
def backup_codes(request):
    """New backup codes, shown once; or how many are left, with a button to make new ones."""
    if not two_factor.has_authenticator(request.user):
        return redirect("accounts:account")
    if request.method == "POST":
        codes = two_factor.replace_backup_codes(request.user)
        two_factor.remember_new_backup_codes(request, codes, then=reverse("accounts:account"))
        return redirect("accounts:backup_codes")
    codes, then = two_factor.take_new_backup_codes(request)
    context = {
        "codes": [two_factor.format_backup_code(code) for code in codes],
        "then": then or reverse("accounts:account"),
        "left": two_factor.backup_codes_left(request.user),
    }
    if codes:
        return render(request, "accounts/backup_codes_new.html", context)
    return render(request, "accounts/backup_codes.html", context)


@require_POST
def two_factor_turn_off(request):
    if two_factor.two_factor_required(request.user):
        raise PermissionDenied("Your role must sign in with a security code.")
    two_factor.remove_two_factor(request.user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    messages.success(request, "Two-factor sign-in is off. You sign in with your password only.")
    return redirect("accounts:account")
