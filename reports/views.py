import json
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aligns.accounts.models import Scheme
from aligns.audit.services import access_log_record, access_log_record_all
from aligns.outbox.services import outbox_health
from aligns.pages import form_page, posted
from aligns.permissions import Permission
from aligns.shortcuts import get_visible_or_404
from reports import exports
from reports.figures import (
    build_report,
    compare_headlines,
    organisation_figures,
    organisation_shown,
    quarterly_trend,
)
from reports.forms import ExportForm, ReportForm, ReportSettingsForm
from reports.models import EXPORT_KEPT_FOR, PAGE, ExportStatus, ReportExport
from reports.period import Period
from reports.presenters import report_page_context, trend_charts
from reports.services import export_is_large, export_request, report_page_build
from visits.figures import needing_action
from visits.models import Concern, ConcernStatus
from volunteers.models import Volunteer
from volunteers.services import REMINDER_DAYS


@permission_required(Permission.VIEW_DASHBOARD, raise_exception=True)
def dashboard(request):
    """Managers' start page: this quarter so far against last quarter, and what needs care."""
    scheme = request.user.scheme
    today = timezone.localdate()
    quarter = Period.quarter_containing(today)
    last_quarter = quarter.previous_quarter()
    headlines = compare_headlines(scheme, quarter.so_far(today), last_quarter)
    trend = quarterly_trend(scheme, Period.recent_quarters(today, count=4), headlines)
    context = needing_action(scheme.pk, since=quarter.start) | {
        "quarter": quarter,
        "last_quarter": last_quarter,
        "headlines": headlines,
        "trend": trend,
        "trend_charts": trend_charts(trend),
        # The work queue its tile opens lists concerns about closed support too.
        "open_concerns": Concern.objects.filter(
            episode__scheme=scheme, status__in=[ConcernStatus.OPEN, ConcernStatus.ACKNOWLEDGED]
        ).count(),
        "checks_expiring": Volunteer.objects.filter(scheme=scheme)
        .with_checks_expiring(today, today + timedelta(days=REMINDER_DAYS))
        .count(),
        "reminder_days": REMINDER_DAYS,
        "health": outbox_health(scheme.pk),
    }
    return render(request, "reports/dashboard.html", context)


@permission_required(Permission.VIEW_REPORT, raise_exception=True)
def report(request):
    """The commissioner report for a period, as tables and charts, with its exports."""
    return _report_page(request, request.user.scheme)


def _period_form(request, *, choose_small_numbers):
    """The period asked for. Outside a scheme small numbers are always hidden: no choice."""
    return ReportForm(request.GET or None, choose_small_numbers=choose_small_numbers)


def _report_page(request, scheme, *, outside_the_scheme=False, all_schemes_of=None):
    """The report page for `scheme`, or for a list of schemes together (`all_schemes_of`:
    their organisation). From outside the scheme (an organisation manager) small numbers are
    always hidden, as for commissioners, and there are no exports. A large report is worked
    out by the worker (_large_report_build); a POST asks for it to be worked out again."""
    form = _period_form(request, choose_small_numbers=not outside_the_scheme)
    schemes = scheme if isinstance(scheme, list) else [scheme]
    if request.method == "POST":
        if form.is_valid() and schemes and export_is_large(scheme=scheme, period=form.period):
            _large_report_build(request, form, scheme, all_schemes_of, again=True)
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    context = {"form": form, "formats": exports.FORMATS, "scheme": scheme}
    context["outside_the_scheme"] = outside_the_scheme
    context["all_schemes_of"] = all_schemes_of
    if form.is_bound and form.is_valid() and schemes:
        context["query"] = urlencode(form.data)
        if export_is_large(scheme=scheme, period=form.period):
            build = _large_report_build(request, form, scheme, all_schemes_of)
            context |= {"build": build, "period": form.period}
            if build.status == ExportStatus.READY:
                context["stored"] = json.loads(bytes(build.content))
                access_log_record_all(by=request.user, subjects=schemes, request=request)
            return render(request, "reports/report.html", context)
        result = build_report(
            scheme, form.period, suppress_small_numbers=_hides_small_numbers(form)
        )
        access_log_record_all(by=request.user, subjects=schemes, request=request)
        context |= report_page_context(result)
    return render(request, "reports/report.html", context)


def _hides_small_numbers(form):
    """Whether the report asked for hides small numbers: from outside the scheme the form
    offers no choice (_period_form), and they are always hidden."""
    return form.cleaned_data.get("small_numbers", True)


def _large_report_build(request, form, scheme, organisation, *, again=False):
    """A large report's figures, worked out by the worker rather than while the page waits
    (seconds, at a national scheme's size), kept for the day and shown at once after that."""
    return report_page_build(
        scheme=scheme, period=form.period, suppress_small_numbers=_hides_small_numbers(form),
        by=request.user, language=translation.get_language(), again=again,
        organisation=organisation,
    )  # fmt: skip


@permission_required(Permission.VIEW_ORGANISATION_REPORTS, raise_exception=True)
def organisation(request):
    """An organisation's schemes: each one's headline figures for a period and all of them
    together, small numbers hidden, with each scheme's commissioner report a link away."""
    organisation = request.user.organisation
    schemes = organisation.schemes.order_by("name")
    form = _period_form(request, choose_small_numbers=False)
    if not form.is_bound:
        # The figures are kept as the work is logged, so this quarter's are shown at once:
        # the page answers before anybody has to ask.
        form = ReportForm({"quarter": form.fields["quarter"].initial}, choose_small_numbers=False)
    context = {"organisation": organisation, "schemes": schemes, "form": form}
    if form.is_valid():
        rows, together = organisation_figures(schemes, form.period)
        access_log_record_all(by=request.user, subjects=list(schemes), request=request)
        shown, shown_together, too_small = (
            organisation_shown(rows, together) if together else ([], [], False)
        )
        context |= {
            "period": form.period,
            "labels": list(together) if together else [],
            "rows": list(zip([scheme for scheme, _cells in rows], shown, strict=True)),
            "together": shown_together,
            "too_small_to_share": too_small,
            "query": urlencode(form.data),
        }
    return render(request, "reports/organisation.html", context)


@permission_required(Permission.VIEW_ORGANISATION_REPORTS, raise_exception=True)
def organisation_scheme(request, slug):
    """One of the organisation's schemes' commissioner report (small numbers hidden)."""
    scheme = get_object_or_404(Scheme, slug=slug, organisation=request.user.organisation_id)
    return _report_page(request, scheme, outside_the_scheme=True)


@permission_required(Permission.VIEW_ORGANISATION_REPORTS, raise_exception=True)
def organisation_report(request):
    """The commissioner report of all the organisation's schemes together: every table, each
    scheme's discharges judged by its own first-contact window, small numbers hidden, no
    files."""
    organisation = request.user.organisation
    schemes = list(organisation.schemes.order_by("name"))
    return _report_page(request, schemes, outside_the_scheme=True, all_schemes_of=organisation)


@require_POST
@permission_required(Permission.VIEW_REPORT, raise_exception=True)
def export(request):
    """A file of the report: sent at once if small, otherwise made by the worker."""
    form = ExportForm(request.POST)
    if not form.is_valid():
        # The buttons come from a valid report page, so only a tampered request gets here.
        return render(request, "reports/report.html", {"form": form}, status=400)
    scheme = request.user.scheme
    data = form.cleaned_data
    if export_is_large(scheme=scheme, period=form.period):
        queued = export_request(
            scheme=scheme,
            period=form.period,
            export_format=data["export_format"],
            suppress_small_numbers=data["small_numbers"],
            by=request.user,
            language=translation.get_language(),
        )
        return redirect("reports:export_status", pk=queued.pk)
    result = build_report(scheme, form.period, suppress_small_numbers=data["small_numbers"])
    access_log_record(by=request.user, subject=scheme, request=request)
    return _file_response(
        exports.render(result, data["export_format"]),
        data["export_format"],
        exports.filename(result, data["export_format"]),
    )


def _file_response(content, export_format, filename):
    response = HttpResponse(content, content_type=exports.FORMATS[export_format].content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required(Permission.FOLLOW_REPORT_PROGRESS, raise_exception=True)
def export_status(request, pk):
    """Progress of a file being made; the page refreshes this part until it is ready."""
    queued = get_visible_or_404(ReportExport, request.user, pk=pk)
    if queued.export_format == PAGE:
        return _page_status(request, queued)
    template = (
        "reports/_export_progress.html"
        if request.headers.get("HX-Request")
        else "reports/export_status.html"
    )
    return render(
        request,
        template,
        {"export": queued, "period": Period(queued.period_start, queued.period_end),
         "format": exports.FORMATS.get(queued.export_format),
         "kept_days": EXPORT_KEPT_FOR.days},
    )  # fmt: skip


def _page_status(request, build):
    """The report page's figures being worked out: the page's progress part, refreshed by
    htmx (asked with the report page's query); once they are ready (or failed) htmx loads the
    report page again, which shows them. Without htmx, the report page itself."""
    query = urlencode(request.GET)
    if not request.headers.get("HX-Request"):
        return redirect(f"{_report_page_url(build, request.user)}?{query}")
    if build.is_finished:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    return render(request, "reports/_page_progress.html", {"build": build, "query": query})


def _report_page_url(build, user):
    """The page whose figures `build` is (asked for by `user`): the scheme's report for its
    own people, else the organisation manager's page of the scheme or of all its schemes."""
    if build.scheme_id is None:
        return reverse("reports:organisation_report")
    if user.scheme_id is None:
        return reverse("reports:organisation_scheme", args=[build.scheme.slug])
    return reverse("reports:report")


@permission_required(Permission.VIEW_REPORT, raise_exception=True)
def export_download(request, pk):
    queued = get_visible_or_404(ReportExport, request.user, pk=pk, status=ExportStatus.READY)
    if queued.export_format == PAGE:
        raise Http404("The report page's figures are not a file.")
    access_log_record(by=request.user, subject=request.user.scheme, request=request)
    return _file_response(bytes(queued.content), queued.export_format, queued.filename)


@permission_required(Permission.CHANGE_REPORT_SETTINGS, raise_exception=True)
def report_settings(request):
    form = ReportSettingsForm(posted(request), instance=request.user.scheme)
    return form_page(
        request,
        form,
        on_valid=lambda form: form.save(),
        success=_("Settings saved"),
        done_url=reverse("reports:report"),
        heading=_("Reports and retention settings"),
        button=_("Save settings"),
        back_url=reverse("reports:report"),
        back_text=_("Back to the report"),
    )
