"""Whole records, read across every part of the journey: a client's record (with their
support, their volunteer and their timeline) and a copy of it for a subject access request;
the volunteers with their caseloads and a volunteer's record; and, for managers, the access
log, the information-sharing log (with CSV exports) and any record's change history."""

import csv
from datetime import timedelta

from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from aligns.audit.history import Names
from aligns.audit.models import AccessLogEntry, LawfulBasis, SharingLogEntry
from aligns.audit.services import access_log_record
from aligns.pagination import annotated_page
from aligns.pdf import pdf_layout
from aligns.permissions import Permission
from aligns.shortcuts import get_visible_or_404
from aligns.spreadsheets import neutralise
from clients.instruments import INSTRUMENTS
from clients.models import AssessmentStatus, Client, ConsentKind
from clients.outcomes import all_changes, scores
from clients.presenters import safety_summary
from clients.services import assessment_in_force, consent_current, home_visit_refusal
from records.forms import LogFilterForm
from records.kinds import namers, record_history, record_kind
from records.pages import PAGE_NAMES, page_name
from records.subject_access import as_json, subject_access
from records.timeline import timeline
from referrals.models import Referral
from visits.models import with_caseload
from visits.presenters import support_at_a_glance
from volunteers.models import STAGE_TRANSITIONS, Stage, Volunteer
from volunteers.services import REMINDER_DAYS

PAGE_SIZE = 50


# --- Clients ------------------------------------------------------------------------------


@permission_required(Permission.VIEW_CLIENT, raise_exception=True)
def client_record(request, pk):
    """One client on one page: their details, support, volunteer, risk, consent, goals,
    measures and everything that happened, newest first."""
    client = get_visible_or_404(Client, request.user, pk=pk)
    access_log_record(by=request.user, subject=client, request=request)
    measures = list(
        client.measures.select_related("recorded_by")
        .prefetch_related("answers")
        .order_by("taken_on", "pk")
    )
    in_force = assessment_in_force(client)
    episode = (
        client.support_episodes.open().select_related("referral").order_by("-opened_at").first()
    )
    context = {
        "client": client,
        "consents": {kind.label: consent_current(client, kind) for kind in ConsentKind},
        "home_visit_refusal": home_visit_refusal(client),
        "assessment": in_force,
        "draft": client.assessments.filter(status=AssessmentStatus.DRAFT).first(),
        "safety": safety_summary(client, in_force),
        "goals": client.goals.select_related("set_by", "reviewed_by"),
        "measures": [(measure, scores(measure)) for measure in measures],
        "changes": {INSTRUMENTS[code]: rows for code, rows in all_changes(measures).items()},
        "instruments": INSTRUMENTS.values(),
        "events": timeline(client, request.user),
        "can_change": request.user.has_perm(Permission.CHANGE_CLIENT),
        "glance": support_at_a_glance(episode) if episode else None,
    }
    return render(request, "records/client_detail.html", context)


@permission_required(Permission.SUBJECT_ACCESS, raise_exception=True)
def subject_access_copy(request, pk):
    """A copy of everything held about the client, as a readable PDF or a JSON file."""
    client = get_visible_or_404(Client, request.user, pk=pk)
    export_format = request.GET.get("format")
    if export_format not in ("pdf", "json"):
        return render(request, "records/subject_access.html", {"client": client})
    access_log_record(by=request.user, subject=client, request=request)
    sections = subject_access(client)
    if export_format == "json":
        response = JsonResponse(
            as_json(sections),
            json_dumps_params={"indent": 2, "default": str, "ensure_ascii": False},
        )
    else:
        html = render_to_string(
            "records/subject_access_pdf.html",
            {"client": client, "sections": sections, "made_at": timezone.now()},
        )
        response = HttpResponse(pdf_layout(html).write_pdf(), content_type="application/pdf")
    name = f"subject-access-{client.pk}.{export_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Volunteers ---------------------------------------------------------------------------


@permission_required(Permission.VIEW_VOLUNTEERS, raise_exception=True)
def volunteer_list(request):
    """The scheme's volunteers: where each is in the pipeline, and how many clients each has."""
    stage = request.GET.get("stage", "")
    volunteers = Volunteer.objects.visible_to(request.user).order_by("family_name", "pk")
    if stage in Stage.values:
        volunteers = volunteers.filter(stage=stage)
    # ?checks=due: those whose DBS or training falls due within the reminder window (the
    # dashboard's tile links here).
    checks_due = request.GET.get("checks") == "due"
    if checks_due:
        today = timezone.localdate()
        volunteers = volunteers.with_checks_expiring(today, today + timedelta(days=REMINDER_DAYS))
    page = annotated_page(
        volunteers,
        request.GET.get("page"),
        25,
        lambda rows: with_caseload(rows.with_vetting()),
    )
    return render(
        request,
        "records/volunteer_list.html",
        {
            "page": page,
            "stage": stage,
            "stages": Stage.choices,
            "query": "&".join(
                part
                for part in (f"stage={stage}" if stage else "", "checks=due" * checks_due)
                if part
            ),
            "checks_due": checks_due,
            "reminder_days": REMINDER_DAYS,
        },
    )


@permission_required(Permission.VIEW_VOLUNTEERS, raise_exception=True)
def volunteer_record(request, pk):
    volunteer = get_object_or_404(
        with_caseload(Volunteer.objects.visible_to(request.user).with_vetting())
        .select_related("user")
        .prefetch_related("skills"),
        pk=pk,
    )
    access_log_record(by=request.user, subject=volunteer, request=request)
    return render(
        request,
        "records/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "stages": volunteer.stage_changes.select_related("changed_by"),
            "dbs_checks": volunteer.dbs_checks.all(),
            "references": volunteer.references.all(),
            "training": volunteer.training.select_related("course"),
            "assignments": volunteer.assignments.select_related("episode__client"),
            "can_manage": request.user.has_perm(Permission.MANAGE_VOLUNTEERS),
            "next_stages": STAGE_TRANSITIONS[Stage(volunteer.stage)],
        },
    )


# --- The audit ----------------------------------------------------------------------------


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


def _csv_url(request):
    """These entries (the same filters) as a CSV file."""
    return "?" + "&".join(part for part in (_query(request), "format=csv") if part)


@permission_required(Permission.VIEW_LOGS, raise_exception=True)
def audit(request):
    """Where the audit starts: what each log and each record's change history holds."""
    return render(request, "records/audit.html")


@permission_required(Permission.VIEW_LOGS, raise_exception=True)
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
        # In the language of the request, worked out now: the file is written after it.
        pages = {name: str(label) for name, label in PAGE_NAMES.items()}
        kinds = {}

        def kind(subject_type):
            if subject_type.pk not in kinds:
                kinds[subject_type.pk] = str(record_kind(subject_type))
            return kinds[subject_type.pk]

        return _csv_response(
            "access-log.csv",
            [gettext("Viewed at"), gettext("By"), gettext("Email"), gettext("Record"),
             gettext("Record id"), gettext("Page"), gettext("Address")],
            (
                [_local(e.viewed_at), e.user.full_name, e.user.email, kind(e.subject_type),
                 e.subject_id, pages.get(e.page, e.page), e.path]
                for e in entries.iterator(chunk_size=2000)
            ),
        )  # fmt: skip
    page = _page(request, entries)
    return render(
        request,
        "records/access_log.html",
        {
            "form": form,
            "page": page,
            "rows": _readable(page, request.user),
            "query": _query(request),
            "csv_url": _csv_url(request),
        },
    )


def _readable(entries, viewer):
    """Each entry with whom it was about and the page, as a manager reads them: the person's
    name (one query per kind of record), and the page's name, not its address."""
    names = Names(namers(), viewer.scheme_id)
    for entry in entries:
        names.want(entry.subject_type.model_class(), _pk(entry.subject_id))
    names.load()
    return [
        (entry, names.name(entry.subject_type.model_class(), _pk(entry.subject_id)),
         page_name(entry.page), record_kind(entry.subject_type))
        for entry in entries
    ]  # fmt: skip


def _pk(subject_id):
    return int(subject_id) if subject_id.isdigit() else None


@permission_required(Permission.VIEW_LOGS, raise_exception=True)
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
        # In the language of the request, worked out now: the file is written after it.
        yes, no = gettext("Yes"), gettext("No")
        bases = {value: str(label) for value, label in LawfulBasis.choices}
        return _csv_response(
            "sharing-log.csv",
            [gettext("Shared at"), gettext("By"), gettext("Client NHS number"), gettext("What"),
             gettext("Fields"), gettext("Organisation"), gettext("Person"), gettext("Why"),
             gettext("Lawful basis"), gettext("Consent"), gettext("Override"),
             gettext("Override reason")],
            (
                [_local(e.shared_at), e.shared_by.full_name,
                 e.client.nhs_number if e.client else "", e.what, e.fields_shared,
                 e.recipient_organisation, e.recipient_person, e.purpose,
                 bases.get(e.lawful_basis, e.lawful_basis), e.consent_summary,
                 yes if e.is_override else no, e.override_reason]
                for e in entries.iterator(chunk_size=2000)
            ),
        )  # fmt: skip
    return render(
        request,
        "records/sharing_log.html",
        {
            "form": form,
            "page": _page(request, entries),
            "query": _query(request),
            "csv_url": _csv_url(request),
            "overrides": SharingLogEntry.objects.visible_to(request.user)
            .filter(is_override=True)
            .count(),
        },
    )


@permission_required(Permission.VIEW_HISTORY, raise_exception=True)
def history(request, kind, pk):
    """One record's every change: who, when, why, each value before and after."""
    found = record_history(kind=kind, pk=pk, viewer=request.user)
    if found.person is not None:
        # Reading how a person's record changed is reading their record.
        access_log_record(by=request.user, subject=found.person, request=request)
    return render(request, "records/history.html", {"history": found})
