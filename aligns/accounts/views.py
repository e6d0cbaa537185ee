from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from aligns.accounts import services, two_factor
from aligns.accounts.forms import (
    AccountForm,
    AccountRequestForm,
    ApproveRequestForm,
    CurrentPasswordForm,
    DeactivateForm,
    DeclineRequestForm,
    InvitationPasswordForm,
    InviteForm,
    RoleForm,
    SecurityCodeForm,
    SignInForm,
)
from aligns.accounts.lockout import (
    client_ip_address,
    credentials_for,
    is_locked_out,
    locked_out_response,
    record_failed_sign_in,
)
from aligns.accounts.models import AccountRequest, RequestStatus, User
from aligns.accounts.services import (
    AccountActionRefused,
    account_request_approve,
    account_request_decline,
    account_request_submit,
    user_change_role,
    user_deactivate,
    user_invite,
    user_invite_again,
    user_reactivate,
    user_update_contact,
)
from aligns.accounts.tokens import account_request_from_token, invite_tokens
from aligns.audit.services import access_log_record
from aligns.pages import form_page, posted
from aligns.permissions import Permission
from aligns.shortcuts import get_visible_or_404, site_address

TEAM_PAGE_SIZE = 50


@permission_required(Permission.VIEW_TEAM, raise_exception=True)
def team_list(request):
    """Everyone in the scheme who can sign in, a page at a time; the deactivated apart."""
    show_deactivated = request.GET.get("show") == "deactivated"
    people = (
        User.objects.visible_to(request.user)
        .filter(is_active=not show_deactivated)
        .prefetch_related("wards__hospital")
    )
    if show_deactivated:
        people = people.order_by(F("deactivated_at").desc(nulls_last=True), "full_name", "pk")
    else:
        people = people.order_by("role", "full_name", "pk")
    context = {
        "page": Paginator(people, TEAM_PAGE_SIZE).get_page(request.GET.get("page")),
        "show_deactivated": show_deactivated,
        "query": "show=deactivated" if show_deactivated else "",
        "can_manage": request.user.has_perm(Permission.MANAGE_TEAM),
    }
    if not show_deactivated:
        context["deactivated"] = (
            User.objects.visible_to(request.user).filter(is_active=False).count()
        )
    if context["can_manage"]:
        context["requests_waiting"] = (
            AccountRequest.objects.visible_to(request.user).waiting().count()
        )
    return render(request, "accounts/team_list.html", context)


@permission_required(Permission.VIEW_TEAM, raise_exception=True)
def team_member_detail(request, pk):
    person = get_visible_or_404(User, request.user, pk=pk)
    access_log_record(by=request.user, subject=person, request=request)
    context = {
        "person": person,
        "can_manage": request.user.has_perm(Permission.MANAGE_TEAM_MEMBER, person),
    }
    return render(request, "accounts/team_member_detail.html", context)


def _team_member_to_manage(request, pk):
    """404 for anyone outside the scheme; 403 for oneself and roles one may not manage."""
    person = get_visible_or_404(User, request.user, pk=pk)
    if not request.user.has_perm(Permission.MANAGE_TEAM_MEMBER, person):
        raise PermissionDenied(_("You cannot change this account."))
    return person


def _to_person(person):
    return reverse("accounts:team_member_detail", args=[person.pk])


@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def team_invite(request):
    form = InviteForm(posted(request), user=request.user)

    def invite(form):
        data = form.cleaned_data
        return user_invite(
            scheme=request.user.scheme,
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            wards=data["wards"],
            phone=data["phone"],
            job_title=data["job_title"],
            by=request.user,
            site=site_address(request),
        )

    return form_page(
        request,
        form,
        template="accounts/team_invite.html",
        heading=_("Invite someone"),
        button=_("Send the invitation"),
        back_url=reverse("accounts:team_list"),
        back_text=_("Back to the team"),
        invite_days=settings.ALIGNS_INVITE_DAYS,
        on_valid=invite,
        success=ngettext(
            "The invitation is on its way. The link in it works once, for %(days)d day.",
            "The invitation is on its way. The link in it works once, for %(days)d days.",
            settings.ALIGNS_INVITE_DAYS,
        )
        % {"days": settings.ALIGNS_INVITE_DAYS},
        done_url=_to_person,
    )


@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def team_member_role(request, pk):
    person = _team_member_to_manage(request, pk)
    form = RoleForm(posted(request), user=request.user, person=person)
    return form_page(
        request,
        form,
        heading=_("Change role and wards"),
        caption=person.full_name,
        button=_("Save role and wards"),
        back_url=_to_person(person),
        on_valid=lambda form: user_change_role(
            user=person,
            role=form.cleaned_data["role"],
            wards=form.cleaned_data["wards"],
            by=request.user,
        ),
        success=_("Role and wards saved."),
        done_url=_to_person(person),
    )


@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def team_member_deactivate(request, pk):
    person = _team_member_to_manage(request, pk)
    if not person.is_active:
        messages.info(request, _("%(person)s is already deactivated.") % {"person": person})
        return redirect(_to_person(person))
    return form_page(
        request,
        DeactivateForm(posted(request)),
        template="accounts/team_member_deactivate.html",
        heading=_("Deactivate this account"),
        caption=person.full_name,
        button=_("Deactivate account"),
        warning=True,
        person=person,
        back_url=_to_person(person),
        on_valid=lambda form: user_deactivate(
            user=person, reason=form.cleaned_data["reason"], by=request.user
        ),
        success=_(
            "%(person)s can no longer sign in. Anywhere they were signed in, they have been "
            "signed out."
        )
        % {"person": person},
        done_url=reverse("accounts:team_list"),
    )


def _act(request, person, action, success):
    """Run a service for a button with no form; say it worked, or why it was refused."""
    try:
        action()
    except AccountActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success)
    return redirect(_to_person(person))


@require_POST
@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def team_member_reactivate(request, pk):
    person = _team_member_to_manage(request, pk)
    return _act(
        request,
        person,
        lambda: user_reactivate(user=person, by=request.user),
        _("%(person)s can sign in again.") % {"person": person},
    )


@require_POST
@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def team_member_invite_again(request, pk):
    person = _team_member_to_manage(request, pk)
    return _act(
        request,
        person,
        lambda: user_invite_again(user=person, by=request.user, site=site_address(request)),
        _(
            "A new invitation is on its way to %(email)s. The link in the earlier one no longer "
            "works."
        )
        % {"email": person.email},
    )


@method_decorator(login_not_required, name="dispatch")
class InvitationAcceptView(PasswordResetConfirmView):
    """The emailed link: Django's page for choosing a password, with the invitation's token.

    Like Django's password reset, the token leaves the address at once (into the session), so
    it is never sent on to other sites. Then the person signs in as anyone does, which is also
    where coordinators and managers set up their authenticator app.
    """

    token_generator = invite_tokens
    form_class = InvitationPasswordForm
    template_name = "registration/invitation_accept.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your password is set. Sign in with your email address and password.")
        )
        return response


# --- Requests for an account ----------------------------------------------------------------


@login_not_required
def account_request(request):
    form = AccountRequestForm(posted(request))
    return form_page(
        request,
        form,
        template="registration/account_request.html",
        heading=_("Ask for an account"),
        button=_("Send the request"),
        back_url=reverse("login"),
        back_text=_("Back to sign in"),
        on_valid=lambda form: account_request_submit(
            **form.cleaned_data,
            site=site_address(request),
            ip=client_ip_address(request),
            language=translation.get_language(),
        ),
        success=_("Your request is on its way."),
        done_url=reverse("accounts:account_request_sent"),
    )


@login_not_required
def account_request_sent(request):
    hours = settings.ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS
    return render(request, "registration/account_request_sent.html", {"hours": hours})


@login_not_required
@never_cache
def account_request_verify(request, token):
    """The emailed link: a button to confirm (a link checker opening the email confirms
    nothing), then the request waits for the coordinators."""
    account_request = account_request_from_token(token)
    if account_request is None:
        return render(request, "registration/account_request_verify.html", {"valid": False})
    if request.method == "POST":
        services.account_request_verify(account_request=account_request)
        return redirect("accounts:account_request_verify", token=token)
    context = {
        "valid": True,
        "account_request": account_request,
        "confirmed": account_request.status != RequestStatus.UNVERIFIED,
    }
    return render(request, "registration/account_request_verify.html", context)


@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def account_request_list(request):
    requests = AccountRequest.objects.visible_to(request.user).select_related("decided_by")
    context = {
        "waiting": requests.waiting(),
        "decided": requests.exclude(status=RequestStatus.WAITING).order_by("-decided_at")[:20],
    }
    return render(request, "accounts/account_request_list.html", context)


@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def account_request_review(request, pk):
    """The request, and approving it: choose the wards, and the account is made."""
    account_request = get_visible_or_404(AccountRequest, request.user, pk=pk)
    form = ApproveRequestForm(posted(request), user=request.user)
    if account_request.status != RequestStatus.WAITING and request.method == "POST":
        messages.error(request, _already_decided(account_request))
        return redirect("accounts:account_request_review", pk=account_request.pk)
    return form_page(
        request,
        form,
        template="accounts/account_request_review.html",
        heading=_("Request for an account"),
        caption=account_request.full_name,
        button=_("Approve and send the invitation"),
        account_request=account_request,
        back_url=reverse("accounts:account_requests"),
        back_text=_("Back to the requests"),
        on_valid=lambda form: account_request_approve(
            account_request=account_request,
            wards=form.cleaned_data["wards"],
            by=request.user,
            site=site_address(request),
        ),
        success=_("Approved. A link to set a password is on its way to %(name)s.")
        % {"name": account_request.full_name},
        done_url=lambda approved: _to_person(approved.user),
    )


def _already_decided(account_request):
    """Why a request can no longer be approved or declined: it has been decided."""
    if account_request.status == RequestStatus.APPROVED:
        return _("This request is already approved.")
    if account_request.status == RequestStatus.DECLINED:
        return _("This request is already declined.")
    return _("This request is already %(status)s.") % {
        "status": account_request.get_status_display().lower()
    }


@permission_required(Permission.MANAGE_TEAM, raise_exception=True)
def account_request_decline_view(request, pk):
    account_request = get_visible_or_404(AccountRequest, request.user, pk=pk)
    if account_request.status != RequestStatus.WAITING:
        messages.info(request, _already_decided(account_request))
        return redirect("accounts:account_request_review", pk=account_request.pk)
    return form_page(
        request,
        DeclineRequestForm(posted(request)),
        heading=_("Decline the request"),
        caption=account_request.full_name,
        button=_("Decline and email them"),
        warning=True,
        back_url=reverse("accounts:account_request_review", args=[account_request.pk]),
        on_valid=lambda form: account_request_decline(
            account_request=account_request, reason=form.cleaned_data["reason"], by=request.user
        ),
        success=_("Declined. Your reason is on its way to %(name)s by email.")
        % {"name": account_request.full_name},
        done_url=reverse("accounts:account_requests"),
    )


def account(request):
    form = AccountForm(posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_contact(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            job_title=form.cleaned_data["job_title"],
            preferred_language=form.cleaned_data["preferred_language"],
            by=request.user,
        )
        # The message is in the language just chosen.
        translation.activate(request.user.preferred_language)
        messages.success(request, _("Your details have been saved."))
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
            messages.info(
                request, _("Your sign-in was not finished in time. Please sign in again.")
            )
        return redirect_to_login(request.get_full_path())
    if not two_factor.has_authenticator(user):  # removed in the admin meanwhile
        return redirect("accounts:two_factor_setup")
    if is_locked_out(request, user):
        return locked_out_response(request, credentials=credentials_for(user))
    form = SecurityCodeForm(
        posted(request),
        help_text=_("If you cannot use your app, enter one of your 10-digit backup codes instead."),
    )
    if request.method == "POST" and form.is_valid():
        result = two_factor.check_code(user, form.cleaned_data["code"])
        if result.device:
            next_url = two_factor.finish_sign_in(request, user, result.device)
            if form.is_backup_code:
                left = two_factor.backup_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "You used a backup code. You have %(left)d left: you can make new "
                        "ones on your account page."
                    )
                    % {"left": left},
                )
            return redirect(next_url)
        form.add_error("code", _code_refused_message(form, result))
        if not result.wait_until:
            record_failed_sign_in(request, user)  # may lock out: axes' middleware then answers
    return render(request, "registration/sign_in_code.html", {"form": form})


def _code_refused_message(form, result):
    if result.wait_until:
        return _(
            "You have entered too many wrong codes. Wait %(seconds)d seconds, then try again"
        ) % {"seconds": result.wait_seconds}
    if form.is_backup_code:
        return _("This backup code is not right, or it has been used already")
    return _("This code is not right. Enter the code your authenticator app shows now")


@login_not_required
@never_cache
@sensitive_post_parameters("code", "password")
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
        posted(request),
        backup_codes=False,
        label=_("Code from the app"),
        help_text=_("The 6 numbers your authenticator app shows for %(service)s.")
        % {"service": settings.ALIGNS_SERVICE_NAME},
        # Signing in, the password was just given; from the account page, it is asked again.
        user=None if signing_in else user,
    )
    if request.method == "POST" and _password_confirmed(request, form) and form.is_valid():
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
                _(
                    "This code is not right. Check the time on your phone is set automatically, "
                    "then enter the code the app shows now"
                ),
            )
    uri = two_factor.provisioning_uri(device)
    context = {
        "form": form,
        "signing_in": signing_in,
        "replacing": not signing_in and two_factor.has_authenticator(user),
        "secret_key": two_factor.secret_key(device),
        "account_email": user.email,
        "qr_code": two_factor.qr_code_svg(uri, label=_("QR code for your authenticator app")),
    }
    return render(request, "registration/two_factor_setup.html", context)


def _password_confirmed(request, form):
    """Is the form's password (if it asks for one) right? A wrong one is a failed sign-in,
    counted towards the lockout like a wrong password at the sign-in page."""
    if "password" not in form.fields:
        return True
    form.is_valid()
    if is_locked_out(request, request.user):
        # Not even checked: a right guess after too many wrong ones must not get through.
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        form.errors.pop("password", None)
        form.add_error(
            "password",
            ngettext(
                "Too many wrong passwords. Try again in %(minutes)d minute",
                "Too many wrong passwords. Try again in %(minutes)d minutes",
                minutes,
            )
            % {"minutes": minutes},
        )
        return False
    if form.wrong_password:
        record_failed_sign_in(request, request.user)
    return "password" in form.cleaned_data


@never_cache
@sensitive_post_parameters("password")
def backup_codes(request):
    """New backup codes, shown once; or how many are left, with a button to make new ones."""
    if not two_factor.has_authenticator(request.user):
        return redirect("accounts:account")
    form = CurrentPasswordForm(posted(request), user=request.user)
    if request.method == "POST" and _password_confirmed(request, form):
        codes = two_factor.replace_backup_codes(request.user)
        two_factor.remember_new_backup_codes(request, codes, then=reverse("accounts:account"))
        return redirect("accounts:backup_codes")
    codes, then = two_factor.take_new_backup_codes(request)
    context = {
        "codes": [two_factor.format_backup_code(code) for code in codes],
        "then": then or reverse("accounts:account"),
        "left": two_factor.backup_codes_left(request.user),
        "form": form,
    }
    if codes:
        return render(request, "accounts/backup_codes_new.html", context)
    return render(request, "accounts/backup_codes.html", context)


@never_cache
@sensitive_post_parameters("password")
def two_factor_turn_off(request):
    if two_factor.two_factor_required(request.user):
        raise PermissionDenied("Your role must sign in with a security code.")
    if not two_factor.has_authenticator(request.user):
        return redirect("accounts:account")
    form = CurrentPasswordForm(posted(request), user=request.user)
    if request.method == "POST" and _password_confirmed(request, form):
        two_factor.remove_two_factor(request.user)
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(
            request, _("Two-factor sign-in is off. You sign in with your password only.")
        )
        return redirect("accounts:account")
    return render(request, "accounts/two_factor_turn_off.html", {"form": form})
