"""Everything that changes a person's account, and the requests for an account from wards.

Who may do what is decided in rules.py (`accounts.manage_team_member`, `accounts.grant_role`);
these functions keep the accounts themselves right, whoever calls them.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from aligns.accounts.models import (
    OPEN_REQUEST_STATUSES,
    REQUEST_TRANSITIONS,
    UNCONFIRMED_STATUSES,
    AccountRequest,
    RequestStatus,
    Role,
    Scheme,
    User,
)
from aligns.accounts.two_factor import PENDING_SESSION_KEY
from aligns.audit.services import attribute_change
from aligns.errors import ActionRefused
from aligns.outbox.services import queue_email
from aligns.ratelimit import over_limit
from aligns.transitions import move


class AccountActionRefused(ActionRefused):
    """A change to an account that cannot be made; the message says why."""


def _normalised_email(email):
    return User.objects.normalize_email(email).strip().lower()


def email_has_account(email):
    return User.objects.filter(email__iexact=_normalised_email(email)).exists()


@transaction.atomic
def user_create(
    *,
    email,
    full_name,
    role,
    scheme,
    by,
    password=None,
    wards=(),
    phone="",
    job_title="",
    invited=False,
):
    """Create a user of `scheme` with one role; `by` is recorded as who created them.

    Without a password the account cannot be signed in to until one is set: `invited` says an
    email with a link to set it is on its way (see `user_invite`).
    """
    user = User(
        email=_normalised_email(email),
        full_name=full_name,
        role=role,
        scheme=scheme,
        phone=phone,
        job_title=job_title,
        invited_at=timezone.now() if invited else None,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    attribute_change(
        user,
        by=by,
        reason=gettext_noop("Invited by email") if invited else gettext_noop("Account created"),
    )
    user.save()
    if wards:
        user.wards.set(wards)
    return user


@transaction.atomic
def user_update_contact(*, user, full_name, phone, by, job_title=None, preferred_language=None):
    """Change how a person is named and reached, and the language they read the app in;
    history records `by` as the editor."""
    user.full_name = full_name
    user.phone = phone
    if job_title is not None:
        user.job_title = job_title
    if preferred_language is not None:
        user.preferred_language = preferred_language
    attribute_change(user, by=by, reason=gettext_noop("Contact details changed"))
    user.save(update_fields=["full_name", "phone", "job_title", "preferred_language"])
    return user


def user_choose_language(*, user, language):
    """The language a person reads ALIGNS in (English or Welsh), chosen by themselves."""
    user.preferred_language = language
    attribute_change(user, by=user, reason=gettext_noop("Language chosen"))
    user.save(update_fields=["preferred_language"])
    return user


# --- Inviting people ------------------------------------------------------------------------


def _check_wards(scheme, role, wards):
    wards = list(wards or ())
    if role != Role.WARD_STAFF:
        return []
    if not wards:
        raise AccountActionRefused(gettext("Choose the wards they work on."))
    if any(ward.hospital.scheme_id != scheme.pk for ward in wards):
        raise AccountActionRefused(gettext("Choose wards of your own scheme."))
    return wards


@transaction.atomic
def user_invite(*, scheme, email, full_name, role, by, site, wards=(), phone="", job_title=""):
    """Make an account without a password and email the person a link to set one.

    `site` is the address the link starts with ("https://aligns.example.org"). (A volunteer
    already on the scheme's books is invited from their profile: volunteers.services.)
    """
    if email_has_account(email):
        raise AccountActionRefused(gettext("An account already uses this email address."))
    wards = _check_wards(scheme, role, wards)
    try:
        with transaction.atomic():
            user = user_create(
                email=email, full_name=full_name, role=role, scheme=scheme, by=by, wards=wards,
                phone=phone, job_title=job_title, invited=True,
            )  # fmt: skip
    except IntegrityError:  # the same address, invited by someone else a moment ago
        raise AccountActionRefused(gettext("An account already uses this email address.")) from None
    _email_invitation_after_commit(user, by=by, site=site)
    return user


def _email_invitation_after_commit(user, *, by, site):
    from aligns.accounts.emails import email_invitation

    queue_email(
        email_invitation,
        scheme_id=user.scheme_id,
        user_id=user.pk,
        invited_by_id=by.pk if by else None,
        site=site,
    )


def _locked(user):
    return User.objects.select_for_update(of=("self",)).get(pk=user.pk)


@transaction.atomic
def user_invite_again(*, user, by, site):
    """Send a new link to set a password; the last one stops working."""
    user = _locked(user)
    if not user.is_active:
        raise AccountActionRefused(
            gettext(
                "%(person)s is deactivated. Reactivate them first, then send the invitation again."
            )
            % {"person": user}
        )
    if user.has_usable_password():
        raise AccountActionRefused(
            gettext(
                "%(person)s has already set a password. If they have forgotten it, they can "
                "choose “Forgotten your password?” on the sign-in page."
            )
            % {"person": user}
        )
    user.set_unusable_password()  # a new one: the old link no longer matches
    user.invited_at = timezone.now()
    attribute_change(user, by=by, reason=gettext_noop("Invitation sent again"))
    user.save(update_fields=["password", "invited_at"])
    _email_invitation_after_commit(user, by=by, site=site)
    return user


@transaction.atomic
def user_accept_invitation(*, user, password):
    """The invited person sets their first password (through the emailed link)."""
    user.set_password(password)
    attribute_change(user, by=user, reason=gettext_noop("Password set from the invitation"))
    user.save(update_fields=["password"])
    return user


# --- Changing roles, deactivating -----------------------------------------------------------


def _has_volunteer_profile(user):
    # Read through the relation's name (volunteers.Volunteer.user, related_name "volunteer"):
    # the foundation imports no domain app (docs/adr/0009).
    return User.objects.filter(pk=user.pk, volunteer__isnull=False).exists()


@transaction.atomic
def user_change_role(*, user, role, wards, by):
    """Give `user` the role `role` and, for ward staff, the wards they refer from."""
    user = _locked(user)
    role = Role(role)
    wards = _check_wards(user.scheme, role, wards)
    if user.role == Role.VOLUNTEER and role != Role.VOLUNTEER and _has_volunteer_profile(user):
        raise AccountActionRefused(
            gettext(
                "%(person)s has a volunteer profile (their vetting, training and clients) "
                "linked to this account, so it stays a volunteer's account. To give them "
                "another role, ask the %(service)s administrator to unlink the profile first."
            )
            % {"person": user, "service": settings.ALIGNS_SERVICE_NAME}
        )
    before = Role(user.role)
    user.role = role
    if before != role:
        reason = f"Role changed from {before.label} to {role.label}"
    else:
        reason = "Wards changed" if role == Role.WARD_STAFF else "Role confirmed"
    # The wards first, unrecorded: set() removes then adds, and each step alone would be a
    # history row of its own, one showing a moment with no wards that never was. The save
    # below then records role and wards together, in one row.
    user.skip_history_when_saving = True
    try:
        user.wards.set(wards)
    finally:
        del user.skip_history_when_saving
    attribute_change(user, by=by, reason=reason)
    user.save(update_fields=["role"])
    return user


def user_sessions_end(user):
    """Delete every session `user` is signed in with, or half-way through signing in with.

    Sessions are rows in the database with their data encoded, so each live one is read.
    """
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        pending = data.get(PENDING_SESSION_KEY) or {}
        if str(data.get(SESSION_KEY)) == str(user.pk) or (
            isinstance(pending, dict) and pending.get("user_id") == user.pk
        ):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


@transaction.atomic
def user_deactivate(*, user, reason, by):
    """Stop `user` signing in, at once: their sessions end. Nothing they recorded changes."""
    user = _locked(user)
    if not user.is_active:
        raise AccountActionRefused(gettext("%(person)s is already deactivated.") % {"person": user})
    user.is_active = False
    user.deactivated_at = timezone.now()
    user.deactivated_reason = reason
    fields = ["is_active", "deactivated_at", "deactivated_reason"]
    if not user.has_usable_password():
        # An invitation not yet used must not come back to life if they are reactivated.
        user.set_unusable_password()
        fields.append("password")
    attribute_change(user, by=by, reason=gettext_noop("Deactivated"))
    user.save(update_fields=fields)
    user_sessions_end(user)
    return user


@transaction.atomic
def user_reactivate(*, user, by):
    user = _locked(user)
    if user.is_active:
        raise AccountActionRefused(gettext("%(person)s is already active.") % {"person": user})
    user.is_active = True
    user.deactivated_at = None
    user.deactivated_reason = ""
    attribute_change(user, by=by, reason=gettext_noop("Reactivated"))
    user.save(update_fields=["is_active", "deactivated_at", "deactivated_reason"])
    return user


# --- Requests for an account ----------------------------------------------------------------


def account_request_expiry():
    """Requests made before this and still unconfirmed have expired."""
    return timezone.now() - timedelta(hours=settings.ALIGNS_ACCOUNT_REQUEST_VERIFY_HOURS)


def public_email_over_limit(action, *, email, ip):
    """Whether a public page (`action`: "password-reset", "account-request") has been asked
    to email this address, or been asked from this IP address, too often this hour. Both are
    counted on every asking, whether or not the address has an account."""
    by_address = over_limit(
        action, _normalised_email(email), limit=settings.ALIGNS_EMAILS_PER_ADDRESS, seconds=3600
    )
    by_ip = over_limit(f"{action}-ip", ip, limit=settings.ALIGNS_EMAILS_PER_IP, seconds=3600)
    return by_address or by_ip


def schemes_taking_requests_from(email):
    """The schemes that take requests for an account from this address's domain."""
    return [
        scheme
        for scheme in Scheme.objects.taking_account_requests().order_by("name")
        if scheme.accepts_requests_from(email)
    ]


def domain_refusal(email):
    domain = email.rpartition("@")[2].lower()
    return gettext(
        "Use your work email address. No scheme here takes requests for an account from "
        "addresses ending @%(domain)s"
    ) % {"domain": domain}


@transaction.atomic
def account_request_submit(
    *, scheme, full_name, email, job_title, workplace, site, ip=None, language=None
):
    """Record what was asked and queue it for the worker, which checks it and emails a link
    to confirm the address, or quietly does nothing (account_request_receive).

    The page does the same work for every address (one row, one task), so neither what it
    shows nor how long it takes says who has an account or an open request; asking again
    cannot fill someone's inbox; and past ALIGNS_EMAILS_PER_ADDRESS or ALIGNS_EMAILS_PER_IP
    in an hour nothing is recorded at all. Nobody is signed in, so the history records no
    user. Returns the request received, or None.
    """
    from aligns.accounts.emails import email_request_confirmation

    email = _normalised_email(email)
    if not scheme.accepts_requests_from(email):
        raise AccountActionRefused(domain_refusal(email))
    if public_email_over_limit("account-request", email=email, ip=ip or "unknown"):
        return None
    account_request = AccountRequest(
        scheme=scheme, full_name=full_name, email=email, job_title=job_title,
        workplace=workplace, status=RequestStatus.RECEIVED, language=_known_language(language),
    )  # fmt: skip
    attribute_change(account_request, by=None, reason=gettext_noop("Asked for an account"))
    account_request.save()
    queue_email(
        email_request_confirmation,
        scheme_id=scheme.pk,
        account_request_id=account_request.pk,
        site=site,
    )
    return account_request


@transaction.atomic
def account_request_receive(*, account_request_id):
    """The worker's check of a request received: it becomes a request to confirm (returned,
    for the emailed link), unless the address already has an account or an open request, when
    it is deleted and nothing is sent (None). Safe to run again: a request already to confirm
    is returned as it is, for an email that failed to go."""
    account_request = (
        AccountRequest.objects.select_for_update(of=("self",)).filter(pk=account_request_id).first()
    )
    if account_request is None or account_request.status not in UNCONFIRMED_STATUSES:
        return None
    if account_request.status == RequestStatus.UNVERIFIED:
        return account_request
    email = account_request.email
    others = AccountRequest.objects.filter(email__iexact=email, status__in=OPEN_REQUEST_STATUSES)
    # An unconfirmed request past its time is as good as gone (the hourly task deletes it).
    _delete_with_history(others.unverified_since(account_request_expiry()))
    if email_has_account(email) or others.exists():
        _delete_with_history(AccountRequest.objects.filter(pk=account_request.pk))
        return None
    _request_move(
        account_request,
        RequestStatus.UNVERIFIED,
        by=None,
        reason=gettext_noop("Checked: a link to confirm sent"),
    )
    try:
        with transaction.atomic():
            account_request.save()
    except IntegrityError:  # another request for the address became open a moment ago
        _delete_with_history(AccountRequest.objects.filter(pk=account_request.pk))
        return None
    return account_request


def _known_language(language):
    """One of the languages ALIGNS is in (the site's when not given or not one of them)."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _request_move(account_request, status, *, by, reason):
    move(
        account_request,
        status,
        table=REQUEST_TRANSITIONS,
        refused=AccountActionRefused,
        message=_request_already,
        by=by,
        reason=reason,
    )


def _request_already(account_request):
    """Why a request cannot make a move: where it has got to already."""
    return gettext("This request is already %(status)s.") % {
        "status": str(account_request.get_status_display()).lower()
    }


def _locked_request(account_request):
    return AccountRequest.objects.select_for_update(of=("self",)).get(pk=account_request.pk)


@transaction.atomic
def account_request_verify(*, account_request):
    """The requester opened the emailed link: the request now waits for the coordinators.

    Confirming again changes nothing (and returns False)."""
    from aligns.accounts.emails import email_coordinators_request_waiting

    account_request = _locked_request(account_request)
    if account_request.status != RequestStatus.UNVERIFIED:
        return False
    _request_move(
        account_request,
        RequestStatus.WAITING,
        by=None,
        reason=gettext_noop("Email address confirmed"),
    )
    account_request.verified_at = timezone.now()
    account_request.save()
    queue_email(
        email_coordinators_request_waiting,
        key=f"account-request-waiting:{account_request.pk}",
        scheme_id=account_request.scheme_id,
        account_request_id=account_request.pk,
    )
    return True


def _already_decided(account_request):
    if account_request.status not in (RequestStatus.APPROVED, RequestStatus.DECLINED):
        return
    when = timezone.localtime(account_request.decided_at)
    if account_request.status == RequestStatus.APPROVED:
        message = gettext("This request was already approved by %(who)s at %(time)s on %(day)s.")
    else:
        message = gettext("This request was already declined by %(who)s at %(time)s on %(day)s.")
    raise AccountActionRefused(
        message
        % {
            "who": account_request.decided_by,
            "time": date_format(when, "H:i"),
            "day": date_format(when, "j F Y"),
        }
    )


@transaction.atomic
def account_request_approve(*, account_request, wards, by, site):
    """Make the ward staff account asked for and email them the link to set a password."""
    account_request = _locked_request(account_request)
    _already_decided(account_request)
    if email_has_account(account_request.email):
        raise AccountActionRefused(
            gettext(
                "An account already uses this email address, so no new one can be made. "
                "Decline the request, saying so: they can reset their password from the "
                "sign-in page."
            )
        )
    _request_move(
        account_request, RequestStatus.APPROVED, by=by, reason=gettext_noop("Request approved")
    )
    account_request.user = user_invite(
        scheme=account_request.scheme,
        email=account_request.email,
        full_name=account_request.full_name,
        role=Role.WARD_STAFF,
        wards=wards,
        job_title=account_request.job_title,
        by=by,
        site=site,
    )
    account_request.decided_by = by
    account_request.decided_at = timezone.now()
    account_request.save()
    return account_request


@transaction.atomic
def account_request_decline(*, account_request, reason, by):
    """Say no, with a reason, which is emailed to the person who asked."""
    from aligns.accounts.emails import email_request_declined

    account_request = _locked_request(account_request)
    _already_decided(account_request)
    _request_move(
        account_request, RequestStatus.DECLINED, by=by, reason=gettext_noop("Request declined")
    )
    account_request.decline_reason = reason
    account_request.decided_by = by
    account_request.decided_at = timezone.now()
    account_request.save()
    queue_email(
        email_request_declined,
        key=f"account-request-declined:{account_request.pk}",
        scheme_id=account_request.scheme_id,
        account_request_id=account_request.pk,
    )
    return account_request


def _delete_with_history(requests):
    """Unconfirmed requests may be anyone typing anyone's address, and declined ones are of no
    more use once their time is up: nothing of them is kept."""
    ids = list(requests.values_list("pk", flat=True))
    if not ids:
        return 0
    AccountRequest.objects.filter(pk__in=ids).delete()
    AccountRequest.history.filter(id__in=ids).delete()  # with the row the deletion wrote
    return len(ids)


@transaction.atomic
def account_requests_delete_unconfirmed():
    """Delete the requests whose email address was not confirmed in time; how many."""
    return _delete_with_history(AccountRequest.objects.unverified_since(account_request_expiry()))


@transaction.atomic
def account_requests_delete_declined():
    """Delete the requests declined more than ALIGNS_DECLINED_REQUEST_DAYS ago; how many.
    (An approved request stays: it records who let the account in.)"""
    decided_before = timezone.now() - timedelta(days=settings.ALIGNS_DECLINED_REQUEST_DAYS)
    return _delete_with_history(
        AccountRequest.objects.filter(status=RequestStatus.DECLINED, decided_at__lt=decided_before)
    )
