"""Managers' views of the access log and the information-sharing log, with CSV exports, and of
any record's change history."""

import csv

from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from aligns.audit.forms import LogFilterForm
from aligns.audit.kinds import record_history
from aligns.audit.models import AccessLogEntry, SharingLogEntry
from aligns.audit.services import access_log_record
from aligns.spreadsheets import neutralise
from clients.models import Client
from referrals.models import Referral

PAGE_SIZE = 50


class _Echo:
    def write(self, value):
        return value


def _csv_response(filename, header, rows):
    """Stream a CSV (so a year of log rows never sits in memory), cells neutralised."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([neutralise(value) for value in row]) for row in [header, *rows])
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def _people(scheme, nhs_number):
    """The scheme's client and referrals with this NHS number: (client ids, referral ids)."""
    clients = Client.objects.filter(scheme=scheme, nhs_number=nhs_number).values_list("pk")
    referrals = Referral.objects.filter(scheme=scheme, nhs_number=nhs_number).values_list("pk")
    return [str(pk) for (pk,) in clients], [str(pk) for (pk,) in referrals]


def _page(request, entries):
    return Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(request):
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


@permission_required("audit.view_logs", raise_exception=True)
def access_log(request):
    """Who viewed whose record, when, and on which page."""
    scheme = request.user.scheme
    form = LogFilterForm(request.GET or None, viewer=request.user)
    client_type = ContentType.objects.get_for_model(Client)
    referral_type = ContentType.objects.get_for_model(Referral)

    def person(nhs_number):
        clients, referrals = _people(scheme, nhs_number)
        return Q(subject_type=client_type, subject_id__in=clients) | Q(
            subject_type=referral_type, subject_id__in=referrals
        )

    entries = form.apply(
        AccessLogEntry.objects.filter(user__scheme=scheme).select_related("user", "subject_type"),
        when="viewed_at",
        by="user",
        person=person,
    )
    if request.GET.get("format") == "csv":
        return _csv_response(
            "access-log.csv",
            ["Viewed at", "By", "Email", "Record", "Record id", "Page", "Address"],
            (
                [_local(e.viewed_at), e.user.full_name, e.user.email, e.subject_type.name,
                 e.subject_id, e.page, e.path]
                for e in entries.iterator(chunk_size=2000)
            ),
        )  # fmt: skip
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": _page(request, entries), "query": _query(request)},
    )


@permission_required("audit.view_logs", raise_exception=True)
def sharing_log(request):
    """What was shared with whom, why, on what basis; overrides highlighted."""
    scheme = request.user.scheme
    form = LogFilterForm(request.GET or None, viewer=request.user)

    def person(nhs_number):
        clients, referrals = _people(scheme, nhs_number)
        referral_type = ContentType.objects.get_for_model(Referral)
        return Q(client_id__in=clients) | Q(subject_type=referral_type, subject_id__in=referrals)

    entries = form.apply(
        SharingLogEntry.objects.visible_to(request.user).select_related("shared_by", "client"),
        when="shared_at",
        by="shared_by",
        person=person,
    )
    if request.GET.get("only") == "overrides":
        entries = entries.filter(is_override=True)
    if request.GET.get("format") == "csv":
        return _csv_response(
            "sharing-log.csv",
            ["Shared at", "By", "Client NHS number", "What", "Fields", "Organisation",
             "Person", "Why", "Lawful basis", "Consent", "Override", "Override reason"],
            (
                [_local(e.shared_at), e.shared_by.full_name,
                 e.client.nhs_number if e.client else "", e.what, e.fields_shared,
                 e.recipient_organisation, e.recipient_person, e.purpose,
                 e.get_lawful_basis_display(), e.consent_summary,
                 "Yes" if e.is_override else "No", e.override_reason]
                for e in entries.iterator(chunk_size=2000)
            ),
        )  # fmt: skip
    return render(
        request,
        "audit/sharing_log.html",
        {
            "form": form,
            "page": _page(request, entries),
            "query": _query(request),
            "overrides": SharingLogEntry.objects.visible_to(request.user)
            .filter(is_override=True)
            .count(),
        },
    )


@permission_required("audit.view_history", raise_exception=True)
def history(request, kind, pk):
    """One record's every change: who, when, why, each value before and after."""
    found = record_history(kind=kind, pk=pk, viewer=request.user)
    if found.person is not None:
        # Reading how a person's record changed is reading their record.
        access_log_record(by=request.user, subject=found.person, request=request)
    return render(request, "audit/history.html", {"history": found})
