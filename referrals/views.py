from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST

from aligns.audit.history import history_entries
from aligns.audit.pages import share_page
from aligns.audit.services import access_log_record
from aligns.audit.sharing import sharing_record
from aligns.nhs import is_valid_nhs_number, normalise_nhs_number
from aligns.pages import ALREADY_DONE, posted
from aligns.permissions import Permission
from aligns.ratelimit import over_limit
from aligns.shortcuts import get_visible_or_404
from aligns.submissions import earlier_result, form_token, submit_once
from clients.services import consent_to_share
from referrals import fhir
from referrals.forms import (
    DeclineForm,
    DischargeDatesForm,
    QueueFilterForm,
    ReferralForm,
    WithdrawForm,
)
from referrals.models import Referral, Status
from referrals.presenters import QueueRow
from referrals.services import (
    ReferralActionRefused,
    referral_accept,
    referral_decline,
    referral_find_duplicate,
    referral_submit,
    referral_update_discharge,
    referral_withdraw,
)
from visits.models import Alert

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@permission_required(Permission.VIEW_WARD_REFERRALS, raise_exception=True)
def ward_list(request):
    """Ward staff's start page: referrals from the wards they work on, newest first."""
    referrals = (
        Referral.objects.visible_to(request.user)
        .select_related("ward", "ward__hospital", "support_episode")
        .order_by("-submitted_at", "-pk")
    )
    return render(
        request,
        "referrals/ward_list.html",
        {"page": _page(request, referrals), "wards": request.user.wards.select_related("hospital")},
    )


@permission_required(Permission.ADD_REFERRAL, raise_exception=True)
def referral_create(request):
    earlier = earlier_result(request) if request.method == "POST" else None
    if earlier is not None:
        messages.success(request, ALREADY_DONE)
        return redirect(earlier)
    form = ReferralForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        name = f"{fields['given_name']} {fields['family_name']}"

        def send():
            referral_submit(
                by=request.user,
                ward=fields.pop("ward"),
                needs=fields.pop("needs"),
                risks=fields.pop("risks"),
                **fields,
            )
            return reverse("referrals:ward_list")

        try:
            url, done_now = submit_once(request, send)
        except ReferralActionRefused as refused:
            form.add_error("nhs_number", str(refused))
        else:
            messages.success(
                request,
                gettext(
                    "Referral sent for %(name)s. The scheme will accept or decline it and you "
                    "can follow it here."
                )
                % {"name": name}
                if done_now
                else ALREADY_DONE,
            )
            return redirect(url)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "submission": form_token(request)},
    )


@permission_required(Permission.ADD_REFERRAL, raise_exception=True)
def check_nhs_number(request):
    """While the form is filled in: say at once if this patient was already referred.

    Answers only for a valid number in the user's own scheme, with the same words the
    form gives on sending, so it reveals nothing the form would not.
    """
    typed = normalise_nhs_number(request.GET.get("nhs_number", ""))
    if not is_valid_nhs_number(typed):
        return render(request, "referrals/_nhs_number_check.html", {})
    if over_limit(
        "nhs-number-check", request.user.pk, limit=settings.ALIGNS_NHS_NUMBER_CHECKS, seconds=600
    ):
        return render(request, "referrals/_nhs_number_check.html", {"paused": True})
    duplicate = referral_find_duplicate(scheme=request.user.scheme, nhs_number=typed)
    return render(request, "referrals/_nhs_number_check.html", {"duplicate": duplicate})


@permission_required(Permission.VIEW_TRIAGE_QUEUE, raise_exception=True)
def queue(request):
    """Coordinators' start page: referrals waiting for a decision, most urgent first."""
    filters = QueueFilterForm(request.GET or None, user=request.user)
    referrals = filters.apply(
        Referral.objects.visible_to(request.user)
        .select_related("scheme", "ward", "ward__hospital")
        .by_urgency()
    )
    page = _page(request, referrals)
    now = timezone.now()
    rows = [QueueRow(referral, now) for referral in page]
    params = request.GET.copy()
    params.pop("page", None)  # pagination links keep the filters
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "query": params.urlencode(),
        "alerts": Alert.objects.visible_to(request.user).open().count(),
    }
    return render(request, "referrals/queue.html", context)


@permission_required(Permission.VIEW_REFERRAL, raise_exception=True)
def referral_detail(request, pk):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    access_log_record(by=request.user, subject=referral, request=request)
    context = {
        "referral": referral,
        "history": history_entries(referral),
        "can_decide": referral.is_open and request.user.has_perm(Permission.DECIDE_REFERRAL),
        "can_withdraw": referral.is_open and request.user.has_perm(Permission.WITHDRAW_REFERRAL),
        "can_update_discharge": referral.status in (Status.SUBMITTED, Status.ACCEPTED)
        and request.user.has_perm(Permission.UPDATE_DISCHARGE),
        "is_coordinator": request.user.has_perm(Permission.DECIDE_REFERRAL),
    }
    return render(request, "referrals/referral_detail.html", context)


@require_POST
@permission_required(Permission.DECIDE_REFERRAL, raise_exception=True)
def referral_accept_view(request, pk):
    referral = get_visible_or_404(Referral, request.user, pk=pk)

    def accepted_message(result):
        _referral, episode = result
        return gettext("Referral accepted. %(client)s now has a support episode (%(status)s).") % {
            "client": episode.client,
            "status": episode.get_status_display().lower(),
        }

    return _act(
        request,
        referral,
        lambda: referral_accept(referral=referral, by=request.user),
        accepted_message,
    )


@permission_required(Permission.DECIDE_REFERRAL, raise_exception=True)
def referral_decline_view(request, pk):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    form = DeclineForm(posted(request))
    if request.method == "POST" and form.is_valid():
        return _act(
            request,
            referral,
            lambda: referral_decline(
                referral=referral,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
            gettext("Referral declined. The ward can see the reason."),
        )
    access_log_record(by=request.user, subject=referral, request=request)
    return render(
        request,
        "referrals/referral_decline.html",
        {
            "form": form,
            "referral": referral,
            **_back_to(referral),
            "heading": gettext("Decline this referral"),
            "button": gettext("Decline referral"),
        },
    )


@permission_required(Permission.WITHDRAW_REFERRAL, raise_exception=True)
def referral_withdraw_view(request, pk):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        return _act(
            request,
            referral,
            lambda: referral_withdraw(
                referral=referral, by=request.user, reason=form.cleaned_data["reason"]
            ),
            gettext("Referral withdrawn."),
        )
    access_log_record(by=request.user, subject=referral, request=request)
    return render(
        request,
        "referrals/referral_withdraw.html",
        {
            "form": form,
            "referral": referral,
            **_back_to(referral),
            "heading": gettext("Withdraw this referral"),
            "button": gettext("Withdraw referral"),
            "warning": True,
        },
    )


@permission_required(Permission.UPDATE_DISCHARGE, raise_exception=True)
def referral_discharge_view(request, pk):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    initial = {
        "expected_discharge_date": referral.expected_discharge_date,
        "actual_discharge_date": referral.actual_discharge_date,
    }
    form = DischargeDatesForm(posted(request), initial=initial, referral=referral)
    if request.method == "POST" and form.is_valid():
        return _act(
            request,
            referral,
            lambda: referral_update_discharge(
                referral=referral, by=request.user, **form.cleaned_data
            ),
            gettext("Discharge dates saved."),
        )
    access_log_record(by=request.user, subject=referral, request=request)
    return render(
        request,
        "referrals/referral_discharge.html",
        {
            "form": form,
            "referral": referral,
            **_back_to(referral),
            "heading": gettext("Update discharge dates"),
            "button": gettext("Save dates"),
        },
    )


def _back_to(referral):
    return {
        "caption": referral.patient_name,
        "back_url": reverse("referrals:detail", args=[referral.pk]),
        "back_text": gettext("Back to the referral"),
    }


def _act(request, referral, action, success_message):
    """Run `action` (a service call) and say it worked, or show why it was refused.

    `success_message` is text, or a function of the service's result. Either way the
    person goes back to the referral, where its new state shows.
    """
    try:
        result = action()
    except ReferralActionRefused as refused:
        messages.error(request, str(refused))
    else:
        text = success_message(result) if callable(success_message) else success_message
        messages.success(request, text)
    return redirect("referrals:detail", pk=referral.pk)


@permission_required(Permission.SHARE_REFERRAL, raise_exception=True)
def referral_fhir_share(request, pk):
    """Download the referral as FHIR (UK Core) for an NHS partner; the download is a share."""
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    client = getattr(getattr(referral, "support_episode", None), "client", None)

    def share(**details):
        return sharing_record(
            by=request.user, subject=referral, client=client,
            consent=consent_to_share(client=client, referral=referral),
            what=gettext_noop("Referral as FHIR (UK Core Patient and ServiceRequest)"),
            fields_shared=fhir.FIELDS_SHARED, **details,  # the log's words: English
        )  # fmt: skip

    def download(entry):
        response = JsonResponse(
            fhir.referral_bundle(referral), content_type="application/fhir+json"
        )
        response["Content-Disposition"] = f'attachment; filename="referral-{referral.pk}.fhir.json"'
        return response

    return share_page(
        request,
        what=gettext("this referral as a FHIR file"),
        fields_shared=gettext(fhir.FIELDS_SHARED),
        initial={"recipient_organisation": referral.hospital.name,
                 "purpose": gettext("To pass the referral to an NHS partner's system")},
        consent=consent_to_share(client=client, referral=referral),
        share=share,
        on_shared=download,
        person=client or referral,
        heading=gettext("Share the referral as FHIR"),
        caption=referral.patient_name,
        button=gettext("Log the share and download"),
        back_url=reverse("referrals:detail", args=[referral.pk]),
    )  # fmt: skip
