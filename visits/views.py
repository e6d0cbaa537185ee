from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.staticfiles import finders
from django.db.models import Count, F, Min, OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from aligns.accounts.models import Role
from aligns.audit.pages import share_page
from aligns.audit.services import access_log_record, access_log_record_all
from aligns.audit.sharing import sharing_record
from aligns.errors import ActionRefused
from aligns.pages import ALREADY_DONE, already_done, form_page, posted
from aligns.pagination import annotated_page
from aligns.pdf import pdf_layout
from aligns.permissions import Permission
from aligns.shortcuts import get_visible_or_404, posted_id
from aligns.submissions import earlier_result, form_token, submit_once
from clients.instruments import INSTRUMENTS
from clients.models import IN_FORCE_STATUSES, RiskAssessment
from clients.presenters import safety_summary
from clients.services import assessment_in_force, consent_to_share
from visits import summary
from visits.forms import (
    CloseForm,
    CommunityServiceForm,
    ConcernCloseForm,
    ContactForm,
    DeclineOfferForm,
    ExtendForm,
    OnwardReferralForm,
    ReadmissionForm,
    ReturnHomeForm,
    StopAssignmentForm,
    SummarySharingForm,
    VisitForm,
)
from visits.models import (
    LIVE_ASSIGNMENT_STATUSES,
    MAX_EPISODE_WEEKS,
    OUTSTANDING_CALL_STATUSES,
    RUNNING_STATUSES,
    Alert,
    Assignment,
    AssignmentStatus,
    CallKind,
    CallStatus,
    CommunityService,
    Concern,
    ConcernStatus,
    Contact,
    EpisodeStatus,
    OnwardOutcome,
    OnwardReferral,
    ScheduledCall,
    SupportEpisode,
)
from visits.presenters import done_today, last_contact, support_at_a_glance
from visits.services import (
    EpisodeActionRefused,
    alert_acknowledge,
    assignment_accept,
    assignment_decline,
    assignment_end,
    assignment_withdraw,
    community_service_save,
    concern_acknowledge,
    concern_close,
    contact_log,
    episode_assign_volunteer,
    episode_close,
    episode_close_refusal,
    episode_extend,
    episode_readmit,
    episode_return_home,
    episode_shortlist,
    onward_referral_record,
    onward_referral_update,
    phone_only_holds,
    visit_plan,
    visit_plan_refusal,
    visit_refusal,
)
from volunteers.matching import WEIGHTS
from volunteers.models import Volunteer, dbs_current

# --- Volunteers without signal (static/js/offline-worker.js) ------------------------------

# The header marking a page the volunteer's phone may keep a copy of; the worker keeps no other.
OFFLINE_HEADER = "X-Aligns-Offline"
OFFLINE_SCOPE = "/visits/"
# The counts the offline queue's words are given for (templates/visits/_offline.html): a larger
# count takes the words of the last, as it does in English and in Welsh.
OFFLINE_COUNTS = range(21)


def _volunteer_page(request, template, context):
    """Render one of the volunteer's own pages that work without signal (Today, the log form):
    for a volunteer it starts the offline worker and, shown fresh (not a form sent back with
    errors), is marked for the worker to keep. Coordinators see the same pages, never kept."""
    offline = request.user.role == Role.VOLUNTEER
    response = render(
        request,
        template,
        {**context, "offline_page": offline, "offline_counts": OFFLINE_COUNTS},
    )
    if offline and request.method == "GET":
        response[OFFLINE_HEADER] = "volunteer"
    return response


@login_not_required  # nothing personal in it, and a browser updates it without cookies
@require_GET
def offline_worker(request):
    """The offline worker, served from /visits/ rather than /static/ so that it may look after
    the volunteer's pages there; never cached for long, so a new version reaches phones."""
    script = Path(finders.find("js/offline-worker.js")).read_text(encoding="utf-8")
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = OFFLINE_SCOPE
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required  # browsers fetch a manifest without cookies
@require_GET
def offline_manifest(request):
    """What a phone needs to add ALIGNS to its home screen, opening on Today."""
    name = settings.ALIGNS_SERVICE_NAME
    manifest = {
        "name": name,
        "short_name": name,
        "description": gettext("Log your calls and visits, with or without signal."),
        "start_url": reverse("visits:today"),
        "scope": OFFLINE_SCOPE,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#005eb8",
        "icons": [
            {"src": static(f"images/icon-{px}.png"), "sizes": f"{px}x{px}", "type": "image/png"}
            for px in (192, 512)
        ],
    }
    response = JsonResponse(manifest, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response


@permission_required(Permission.VIEW_TODAY, raise_exception=True)
def today(request):
    """Volunteers' start page: today's calls and visits, overdue first, with what they need."""
    now = timezone.now()
    day = timezone.localdate()
    end_of_today = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.max.time()))
    latest = Contact.objects.filter(episode=OuterRef("pk")).order_by("-happened_at", "-pk")
    episodes = (
        SupportEpisode.objects.visible_to(request.user)
        .select_related("client", "referral")
        .prefetch_related(
            Prefetch(
                "client__assessments",
                queryset=RiskAssessment.objects.filter(status__in=IN_FORCE_STATUSES).order_by(
                    "-signed_off_at", "-pk"
                ),
                to_attr="in_force",
            ),
            Prefetch(
                "calls",
                queryset=ScheduledCall.objects.filter(
                    kind=CallKind.VISIT, status=CallStatus.PENDING
                ),
                to_attr="planned_visits",
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.supporting(day),
                to_attr="supporting",
            ),
        )
        .annotate(
            next_due=Min("calls__due_at", filter=Q(calls__status__in=OUTSTANDING_CALL_STATUSES)),
            # "Next call due" is a phone call's: planned visits are listed on their own.
            next_call_due=Min(
                "calls__due_at",
                filter=Q(calls__status__in=OUTSTANDING_CALL_STATUSES, calls__kind=CallKind.CALL),
            ),
            overdue=Count("calls", filter=Q(calls__status=CallStatus.OVERDUE)),
            last_kind=Subquery(latest.values("kind")[:1]),
            last_answered=Subquery(latest.values("answered")[:1]),
            last_at=Subquery(latest.values("happened_at")[:1]),
        )
        .order_by("next_due")
        .distinct()
    )
    rows = []
    for episode in episodes:
        in_force = next(iter(episode.client.in_force), None)
        # Why no home visit may be made, said on the card whether or not one is planned;
        # planned visits wait meanwhile (docs/safety hazard H3).
        hold = visit_refusal(
            episode,
            in_force=in_force,
            supporting=next(iter(episode.supporting), None),
            reader=request.user,
        )
        rows.append(
            {
                "episode": episode,
                "visits": episode.planned_visits,
                "visits_on_hold": bool(episode.planned_visits and hold),
                "visit_hold": hold,
                "may_plan_visits": episode.status in RUNNING_STATUSES,
                "due_today": episode.next_due is not None and episode.next_due <= end_of_today,
                "late": episode.overdue
                or (episode.next_due is not None and episode.next_due < now),
                # The phone call named is one already due: not "next".
                "call_overdue": episode.next_call_due is not None and episode.next_call_due < now,
                "last_contact": last_contact(
                    episode.last_kind, episode.last_answered, episode.last_at, today=day
                ),
                "done_today": done_today(episode.last_at, episode.last_answered, today=day),
                # The assessment in force, from the prefetch: no query per client.
                "summary": safety_summary(episode.client, in_force),
            }
        )
    rows.sort(key=lambda row: (not row["late"], not row["due_today"]))
    access_log_record_all(
        by=request.user, subjects=[row["episode"].client for row in rows], request=request
    )
    offers = _my_offers(request).count()
    return _volunteer_page(request, "visits/today.html", {"rows": rows, "offers": offers})


@permission_required(Permission.LOG_CONTACT, raise_exception=True)
def contact_new(request, pk):
    episode = get_object_or_404(
        SupportEpisode.objects.visible_to(request.user).select_related("client"), pk=pk
    )
    earlier = earlier_result(request) if request.method == "POST" else None
    if earlier is not None:
        messages.success(request, ALREADY_DONE)
        return redirect(earlier)
    initial = {"happened_on": timezone.localdate()}
    if request.GET.get("worried"):  # "Raise a concern" on Today: the concern's questions open
        initial["raise_concern"] = True
    form = ContactForm(posted(request), initial=initial, episode=episode)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        happened = timezone.make_aware(
            timezone.datetime.combine(data["happened_on"], timezone.localtime().time())
        )
        # Everything the answer needs is read before the change: once the call is saved,
        # nothing may fail and make the person log it again.
        if request.user.has_perm(Permission.MANAGE_EPISODES):
            back = reverse("visits:episode", args=[episode.pk])
            thanks = gettext("Call or visit logged.")
        else:  # a volunteer, thanked for what they give
            back = reverse("visits:today")
            thanks = gettext("Saved. Thank you for supporting %(name)s.") % {
                "name": episode.client.given_name
            }
        raised = []

        def log():
            _contact, concern = contact_log(
                episode=episode,
                by=request.user,
                kind=data["kind"],
                happened_at=happened,
                answered=data["answered"],
                duration_minutes=data["duration_minutes"] or 0,
                activities=data["activities"],
                wellbeing=data["wellbeing"],
                notes=data["notes"],
                concern=form.concern(),
            )
            if concern is None:
                return back
            # A concern: what to do now (a redirect, so refreshing never sends it twice).
            raised.append(concern)
            return reverse("visits:concern_sent", args=[concern.pk])

        try:
            url, done_now = submit_once(request, log)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            if not raised:  # the concern's own page says what happens next
                messages.success(request, thanks if done_now else ALREADY_DONE)
            return redirect(url)
    access_log_record(by=request.user, subject=episode.client, request=request)
    return _volunteer_page(
        request,
        "visits/contact_form.html",
        {
            "form": form,
            "episode": episode,
            "submission": form_token(request),
            # "Raise a concern" on Today: the page says so, and where the concern goes.
            "worried": bool(form["raise_concern"].value()),
        },
    )


@permission_required(Permission.LOG_CONTACT, raise_exception=True)
def concern_sent(request, pk):
    """What to do now, for whoever raised the concern, or logged the call or visit nobody
    answered that raised it by itself."""
    concern = get_object_or_404(
        Concern.objects.select_related("episode__client", "contact"),
        Q(raised_by=request.user) | Q(raised_by=None, contact__logged_by=request.user),
        # Only while they may see the client: a volunteer's access ends with their support.
        episode__in=SupportEpisode.objects.visible_to(request.user),
        pk=pk,
    )
    access_log_record(by=request.user, subject=concern.episode.client, request=request)
    return render(request, "visits/concern_raised.html", {"concern": concern})


# --- Coordinators -------------------------------------------------------------------------


@permission_required(Permission.VIEW_EPISODES, raise_exception=True)
def work_queue(request):
    """Everything waiting for a coordinator: unacknowledged alerts, newest first."""
    alerts = Alert.objects.visible_to(request.user).open().order_by("-created_at")
    in_hand = Concern.objects.filter(
        episode__in=SupportEpisode.objects.visible_to(request.user),
        status=ConcernStatus.ACKNOWLEDGED,
    ).select_related("episode__client", "acknowledged_by")
    page = annotated_page(
        alerts,
        request.GET.get("page"),
        50,
        lambda rows: (
            rows.select_related(
                "episode__client", "concern", "scheduled_call", "assignment__volunteer"
            )
            # A lapsed check's alert says whether the check is current again (Alert.shown): asked
            # of the page's alerts alone, not of every volunteer's checks.
            .annotate(check_renewed=dbs_current(timezone.localdate(), "assignment__volunteer"))
        ),
    )
    return render(request, "visits/work_queue.html", {"page": page, "in_hand": in_hand})


@require_POST
@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def alert_ack(request, pk):
    alert = get_visible_or_404(Alert, request.user, pk=pk)
    try:
        alert_acknowledge(alert=alert, by=request.user)
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, gettext("Acknowledged."))
    return redirect("visits:work_queue")


@permission_required(Permission.VIEW_EPISODES, raise_exception=True)
def board(request):
    """Open episodes, what needs action first: overdue calls, open concerns, reviews due."""
    # The figures it sorts by are kept on each episode as its calls and concerns change
    # (visits.figures.needs_kept), so a page is read from the index of that order.
    episodes = (
        SupportEpisode.objects.visible_to(request.user)
        .open()
        .order_by(
            "-overdue_calls",
            "-open_concerns",
            F("next_call_due_at").asc(nulls_last=True),
            "pk",
        )
    )
    # ?needs=overdue or ?needs=concerns: only those episodes (the dashboard's tiles link
    # here); anything else shows them all.
    needs = request.GET.get("needs", "")
    if needs in BOARD_FILTERS:
        episodes = episodes.filter(**{f"{BOARD_FILTERS[needs]['count']}__gt": 0})
    else:
        needs = ""
    page = annotated_page(
        episodes,
        request.GET.get("page"),
        50,
        lambda rows: rows.select_related("client").prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(
                    status__in=LIVE_ASSIGNMENT_STATUSES
                ).select_related("volunteer"),
                to_attr="live_assignments",
            )
        ),
    )
    return render(
        request,
        "visits/board.html",
        {"page": page, "in_review": EpisodeStatus.IN_REVIEW, "needs": needs,
         "needs_words": BOARD_FILTERS.get(needs),
         "query": f"needs={needs}" if needs else ""},
    )  # fmt: skip


# The board's ?needs= filters: the count each keeps above zero, and what the page says (above
# the list, and when no episode is left).
BOARD_FILTERS = {
    "overdue": {
        "count": "overdue_calls",
        "showing": _("Showing only episodes with overdue calls."),
        "none": _("No open episodes with overdue calls."),
    },
    "concerns": {
        "count": "open_concerns",
        "showing": _("Showing only episodes with concerns not yet closed."),
        "none": _("No open episodes with concerns not yet closed."),
    },
}


def _episode(request, pk):
    return get_visible_or_404(SupportEpisode, request.user, pk=pk)


@permission_required(Permission.VIEW_EPISODES, raise_exception=True)
def episode_detail(request, pk):
    episode = _episode(request, pk)
    access_log_record(by=request.user, subject=episode.client, request=request)
    return render(
        request,
        "visits/episode_detail.html",
        {
            "episode": episode,
            "client": episode.client,
            "glance": support_at_a_glance(episode) if episode.is_open else None,
            "calls": episode.calls.exclude(status=CallStatus.CANCELLED),
            # A closed episode plans no visits: nothing is on hold.
            "visits_on_hold": visit_refusal(episode) if episode.is_open else None,
            "contacts": episode.contacts.select_related("logged_by").prefetch_related("activities"),
            "concerns": episode.concerns.select_related("raised_by", "acknowledged_by"),
            "readmissions": episode.readmissions.all(),
            "extensions": episode.extensions.select_related("extended_by"),
            "onward": episode.onward_referrals.select_related("service", "made_by"),
            "onward_outcomes": OnwardOutcome.choices,
            "can_manage": request.user.has_perm(Permission.MANAGE_EPISODES),
            "statuses": EpisodeStatus,
        },
    )


def _episode_form(
    request, pk, form_class, *, heading, button, service, success, shown=None, **kwargs
):  # fmt: skip
    """`shown(episode)`: more for the page to show, worked out from the episode."""
    episode = _episode(request, pk)
    if shown is not None:
        kwargs |= shown(episode)
    back = reverse("visits:episode", args=[episode.pk])
    return form_page(
        request,
        form_class(posted(request), episode=episode),
        heading=heading,
        button=button,
        caption=episode.client.full_name,
        back_url=back,
        done_url=back,
        success=success,
        on_valid=lambda form: service(episode, form),
        episode=episode,
        person=episode.client,
        **kwargs,
    )


@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def episode_extend_view(request, pk):
    episode = _episode(request, pk)
    if not episode.weeks_left_to_extend:
        messages.error(
            request,
            gettext("Support is already planned for %(most)s weeks: it cannot be extended.")
            % {"most": MAX_EPISODE_WEEKS},
        )
        return redirect("visits:episode", pk=episode.pk)
    return _episode_form(
        request,
        pk,
        ExtendForm,
        heading=gettext("Extend support"),
        button=gettext("Extend"),
        success=gettext("Extended."),
        service=lambda episode, form: episode_extend(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def episode_readmit_view(request, pk):
    return _episode_form(
        request,
        pk,
        ReadmissionForm,
        heading=gettext("Record a readmission"),
        button=gettext("Record readmission"),
        success=gettext("Readmission recorded: support is suspended and calls are paused."),
        service=lambda episode, form: episode_readmit(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def episode_return_view(request, pk):
    return _episode_form(
        request,
        pk,
        ReturnHomeForm,
        heading=gettext("Record the return home"),
        button=gettext("Resume support"),
        success=gettext("Support resumed: calls are planned again."),
        service=lambda episode, form: episode_return_home(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


def _before_closing(episode):
    """What closing would leave unseen (docs/safety hazard H18): calls overdue (closing
    cancels them) and concerns not yet closed, as the support summary counts them, and
    whether anybody has spoken with the client."""
    return {
        "glance": support_at_a_glance(episode),
        "reached": episode.contacts.filter(answered=True).exists(),
        # Whatever the outcome: open concerns refuse closing (said before the form too).
        "refusal": episode_close_refusal(episode, outcome=None),
    }


@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def episode_close_view(request, pk):
    return _episode_form(
        request,
        pk,
        CloseForm,
        heading=gettext("Close support"),
        button=gettext("Close support"),
        warning=True,
        template="visits/episode_close.html",
        instruments=[(code, instrument.name) for code, instrument in INSTRUMENTS.items()],
        shown=_before_closing,
        success=gettext(
            "Support closed. Future calls are cancelled and the volunteer's access has ended."
        ),
        service=lambda episode, form: episode_close(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


@permission_required(Permission.LOG_CONTACT, raise_exception=True)
def visit_new(request, pk):
    """Coordinators and the client's volunteer plan home visits (once the assessment allows)."""
    episode = _episode(request, pk)
    coordinator = request.user.has_perm(Permission.MANAGE_EPISODES)
    back = reverse("visits:episode", args=[episode.pk]) if coordinator else reverse("visits:today")
    return form_page(
        request,
        VisitForm(posted(request), episode=episode),
        heading=gettext("Plan a home visit"),
        button=gettext("Plan visit"),
        caption=episode.client.full_name if coordinator else episode.client.given_name,
        person=episode.client,
        back_url=back,
        done_url=back,
        success=gettext("Visit planned."),
        episode=episode,
        # Why visits wait, if they do, before anyone fills the form in (visit_plan refuses).
        intro=visit_plan_refusal(episode, reader=request.user) or "",
        on_valid=lambda form: visit_plan(episode=episode, due_at=form.due_at(), by=request.user),
    )


@permission_required(Permission.VIEW_EPISODES, raise_exception=True)
def concern_detail(request, pk):
    concern = _concern(request, pk)
    form = ConcernCloseForm(posted(request))
    if request.method == "POST" and request.user.has_perm(Permission.MANAGE_EPISODES):
        if "acknowledge" in request.POST:
            return _concern_act(
                request,
                concern,
                lambda: concern_acknowledge(concern=concern, by=request.user),
                gettext("Acknowledged."),
            )
        if form.is_valid():
            return _concern_act(
                request,
                concern,
                lambda: concern_close(concern=concern, by=request.user, **form.cleaned_data),
                gettext("Concern closed."),
            )
    access_log_record(by=request.user, subject=concern.episode.client, request=request)
    return render(
        request,
        "visits/concern_detail.html",
        {
            "concern": concern,
            "form": form,
            "can_manage": request.user.has_perm(Permission.MANAGE_EPISODES),
        },
    )


def _concern(request, pk):
    """Through the episodes the user may see: a concern elsewhere is not found."""
    episodes = SupportEpisode.objects.visible_to(request.user)
    return get_object_or_404(
        Concern.objects.select_related("episode__client", "raised_by"), pk=pk, episode__in=episodes
    )


def _concern_act(request, concern, action, success):
    try:
        action()
    except ActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return redirect("visits:concern", pk=concern.pk)


# --- Signposting --------------------------------------------------------------------------


@permission_required(Permission.VIEW_EPISODES, raise_exception=True)
def directory(request):
    services = CommunityService.objects.visible_to(request.user)
    return render(request, "visits/directory.html", {"services": services})


@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def service_edit(request, pk=None):
    service = get_visible_or_404(CommunityService, request.user, pk=pk) if pk else None
    back = reverse("visits:directory")
    return form_page(
        request,
        CommunityServiceForm(posted(request), instance=service),
        heading=gettext("Change a service") if service else gettext("Add a service"),
        button=gettext("Save service"),
        back_url=back,
        done_url=back,
        success=gettext("Directory saved."),
        on_valid=lambda form: community_service_save(
            scheme=request.user.scheme, by=request.user, service=service, **form.cleaned_data
        ),
    )


@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def onward_new(request, pk):
    episode = _episode(request, pk)
    back = reverse("visits:episode", args=[episode.pk])
    return form_page(
        request,
        OnwardReferralForm(
            posted(request),
            scheme=episode.scheme,
            initial={"referred_on": timezone.localdate()},
        ),
        heading=gettext("Record an onward referral"),
        button=gettext("Record referral"),
        caption=episode.client.full_name,
        person=episode.client,
        back_url=back,
        done_url=back,
        success=gettext("Onward referral recorded."),
        on_valid=lambda form: onward_referral_record(
            episode=episode, by=request.user, **form.cleaned_data
        ),
    )


@require_POST
@permission_required(Permission.MANAGE_EPISODES, raise_exception=True)
def onward_outcome(request, pk):
    episodes = SupportEpisode.objects.visible_to(request.user)
    referral = get_object_or_404(OnwardReferral, pk=pk, episode__in=episodes)
    outcome = request.POST.get("outcome")
    if outcome in OnwardOutcome.values:
        onward_referral_update(referral=referral, outcome=outcome, by=request.user)
        messages.success(request, gettext("Outcome saved."))
    else:
        messages.error(request, gettext("Choose an outcome."))
    return redirect("visits:episode", pk=referral.episode_id)


@permission_required(Permission.SHARE_SUMMARY, raise_exception=True)
def episode_share_summary(request, pk):
    """Share the outcome summary with the referring ward or the GP; the share is logged."""
    episode = _episode(request, pk)
    client = episode.client
    chosen = {}

    def share(*, as_pdf, **details):
        chosen["pdf"] = as_pdf
        return sharing_record(
            by=request.user, subject=episode, client=client,
            consent=consent_to_share(client=client), what=gettext_noop("Outcome summary"),
            fields_shared=summary.FIELDS_SHARED, **details,  # the log's words: English
        )  # fmt: skip

    def show(entry):
        context = {"summary": summary.outcome_summary(episode), "entry": entry}
        if not chosen["pdf"]:
            return render(request, "visits/outcome_summary.html", context)
        html = render_to_string("visits/outcome_summary_pdf.html", context, request=request)
        response = HttpResponse(pdf_layout(html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="summary-{episode.pk}.pdf"'
        return response

    referral = episode.referral
    return share_page(
        request,
        what=gettext("the outcome summary"),
        fields_shared=gettext(summary.FIELDS_SHARED),
        initial={
            "recipient_organisation": client.gp_practice or referral.ward.name,
            "purpose": gettext(
                "To tell the client's GP or ward how their support after discharge went"
            ),
        },
        consent=consent_to_share(client=client),
        share=share,
        on_shared=show,
        heading=gettext("Share the outcome summary"),
        caption=client.full_name,
        person=client,
        button=gettext("Log the share and show the summary"),
        back_url=reverse("visits:episode", args=[episode.pk]),
        form_class=SummarySharingForm,
    )


# --- Finding a volunteer, and the volunteer's answer -----------------------------------------


@permission_required(Permission.MATCH_VOLUNTEERS, raise_exception=True)
def volunteer_match(request, pk):
    episode = _episode(request, pk)
    live = episode.assignments.filter(status__in=LIVE_ASSIGNMENT_STATUSES)
    live = live.select_related("volunteer").first()
    show_ineligible = request.GET.get("ineligible") == "1"
    # Once someone is offered or supporting, the shortlist would only confuse.
    match = None if live else episode_shortlist(episode, with_ineligible=show_ineligible)
    past = list(
        episode.assignments.exclude(status__in=LIVE_ASSIGNMENT_STATUSES).select_related("volunteer")
    )
    # A volunteer whose support of this client was ended may be shortlisted again (a
    # phone-only support ended to offer visits, a check renewed): their card says so.
    ended_here = {}
    for assignment in past:  # newest first: each volunteer's latest ended support
        if assignment.status == AssignmentStatus.ENDED:
            ended_here.setdefault(assignment.volunteer_id, assignment)
    access_log_record(by=request.user, subject=episode.client, request=request)
    return render(
        request,
        "visits/volunteer_match.html",
        {
            "episode": episode,
            "client": episode.client,
            "match": match,
            "live": live,
            "live_phone_only": live is not None and phone_only_holds(live),
            "show_ineligible": show_ineligible,
            "weights": WEIGHTS,
            "most_points": sum(WEIGHTS.values()),
            "past": past,
            "shortlist": [
                (candidate, ended_here.get(candidate.volunteer.pk))
                for candidate in (match.shortlist if match else [])
            ],
            "needs": episode.referral.needs.all(),
            "assessment": assessment_in_force(episode.client),
        },
    )


@require_POST
@permission_required(Permission.MATCH_VOLUNTEERS, raise_exception=True)
def volunteer_offer(request, pk):
    episode = _episode(request, pk)
    volunteer = get_visible_or_404(
        Volunteer, request.user, pk=posted_id(request.POST.get("volunteer"))
    )
    try:
        episode_assign_volunteer(episode=episode, volunteer=volunteer, by=request.user)
    except EpisodeActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            gettext("Offered to %(volunteer)s. They have been emailed to sign in and answer.")
            % {"volunteer": volunteer},
        )
    return redirect("visits:match", pk=episode.pk)


@permission_required(Permission.MATCH_VOLUNTEERS, raise_exception=True)
def offer_withdraw(request, pk):
    return _assignment_stop_page(
        request, pk, AssignmentStatus.OFFERED, service=assignment_withdraw,
        label=gettext("Why are you withdrawing the offer?"),
        heading=gettext("Withdraw the offer to %(volunteer)s"),
        button=gettext("Withdraw the offer"),
        success=gettext("Offer withdrawn. You can offer the client to someone else."),
        gone=gettext("There is no offer waiting for an answer: it was answered or withdrawn."),
    )  # fmt: skip


@permission_required(Permission.MATCH_VOLUNTEERS, raise_exception=True)
def support_hand_over(request, pk):
    """End the supporting volunteer's support, so that the client can be offered to another
    (their DBS check lapsed: docs/safety hazard H14)."""
    return _assignment_stop_page(
        request, pk, AssignmentStatus.ACCEPTED, service=assignment_end,
        label=gettext("Why does their support end?"),
        heading=gettext("Hand the client to another volunteer"),
        intro=gettext(
            "%(volunteer)s will no longer see the client. The calls and visits planned stay "
            "planned, for whoever you offer the client to next. %(volunteer)s is not told by "
            "email: tell them yourself."
        ),
        button=gettext("End their support"),
        success=gettext("Their support has ended. Offer the client to another volunteer."),
        gone=gettext("No volunteer is supporting the client now: their support has ended."),
    )  # fmt: skip


def _assignment_stop_page(
    request, pk, status, *, service, label, heading, button, success, gone, intro=""
):  # fmt: skip
    """A page asking why, then ending the episode's offer or support (`status`: which).
    `gone`: what the match page says when there is none to end (a colleague was first)."""
    repeated = already_done(request)
    if repeated is not None:
        return repeated
    episode = _episode(request, pk)
    back = reverse("visits:match", args=[episode.pk])
    assignment = episode.assignments.select_related("volunteer").filter(status=status).first()
    shown_for = request.POST.get("assignment") if request.method == "POST" else None
    if assignment is None or (shown_for and shown_for != str(assignment.pk)):
        messages.info(request, gone)
        return redirect(back)
    named = {"volunteer": assignment.volunteer}
    return form_page(
        request,
        StopAssignmentForm(posted(request), label=label, initial={"assignment": assignment.pk}),
        heading=heading % named,
        intro=intro % named,
        caption=episode.client.full_name,
        person=episode.client,
        button=button,
        back_url=back,
        done_url=back,
        success=success,
        on_valid=lambda form: service(
            assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
        ),
    )


def _my_offers(request):
    """The offers made to the signed-in volunteer that wait for their answer."""
    return Assignment.objects.filter(
        volunteer__user=request.user, status=AssignmentStatus.OFFERED
    ).select_related("episode__client", "episode__referral")


@permission_required(Permission.VIEW_OWN_VOLUNTEERING, raise_exception=True)
def offer_list(request):
    offers = [
        (offer, safety_summary(offer.episode.client, assessment_in_force(offer.episode.client)))
        for offer in _my_offers(request)
    ]
    access_log_record_all(
        by=request.user, subjects=[offer.episode.client for offer, _ in offers], request=request
    )
    return render(request, "visits/offer_list.html", {"offers": offers})


def _my_offer(request, pk):
    return get_object_or_404(_my_offers(request), pk=pk)


@require_POST
@permission_required(Permission.VIEW_OWN_VOLUNTEERING, raise_exception=True)
def offer_accept(request, pk):
    offer = _my_offer(request, pk)
    try:
        assignment_accept(assignment=offer, by=request.user)
    except EpisodeActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("visits:offers")
    messages.success(
        request,
        gettext("Thank you. %(name)s is now on your list.")
        % {"name": offer.episode.client.given_name},
    )
    return redirect("visits:today")


@permission_required(Permission.VIEW_OWN_VOLUNTEERING, raise_exception=True)
def offer_decline(request, pk):
    offer = _my_offer(request, pk)
    return form_page(
        request,
        DeclineOfferForm(posted(request)),
        caption=offer.episode.client.given_name,
        person=offer.episode.client,
        heading=gettext("Say no to this offer"),
        button=gettext("Decline offer"),
        back_url=reverse("visits:offers"),
        done_url=reverse("visits:offers"),
        success=gettext("Offer declined. The coordinator will find someone else."),
        on_valid=lambda form: assignment_decline(
            assignment=offer, by=request.user, **form.cleaned_data
        ),
    )
