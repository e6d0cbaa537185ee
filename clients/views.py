from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from aligns.audit.services import access_log_record
from aligns.pages import form_page, posted
from aligns.pagination import CountedUpTo
from aligns.permissions import Permission
from aligns.shortcuts import get_visible_or_404
from clients.assessment import SECTIONS
from clients.forms import (
    AssessmentForm,
    ClientForm,
    ConsentForm,
    GoalForm,
    GoalReviewForm,
    MeasureForm,
    ReassessmentForm,
    SignOffForm,
)
from clients.instruments import INSTRUMENTS
from clients.models import AssessmentStatus, Client
from clients.services import (
    ClientActionRefused,
    assessment_save_answers,
    assessment_second_sign_off,
    assessment_sign_off,
    assessment_start,
    client_require_reassessment,
    client_update,
    consent_record,
    goal_add,
    goal_review,
    measure_record,
)

PAGE_SIZE = 25
# Beyond this many clients the list says "more than": an exact count would read them all.
COUNTED_UP_TO = 10_000


def _client(request, pk):
    return get_visible_or_404(Client, request.user, pk=pk)


def _form_page(request, client, form, **page):
    """A one-form page about `client`: back to the client page when done."""
    back = reverse("records:client", args=[client.pk])
    return form_page(
        request,
        form,
        done_url=back,
        back_url=back,
        back_text=gettext("Back to the client"),
        caption=client.full_name,
        client=client,
        person=client,
        **page,
    )


@permission_required(Permission.VIEW_CLIENT, raise_exception=True)
def client_list(request):
    query = request.GET.get("q", "")
    clients = Client.objects.visible_to(request.user).search(query).order_by("family_name", "pk")
    page = CountedUpTo(clients, PAGE_SIZE, most=COUNTED_UP_TO).get_page(request.GET.get("page"))
    return render(
        request,
        "clients/client_list.html",
        {"page": page, "q": query, "query": f"q={query}" if query else ""},
    )


@permission_required(Permission.CHANGE_CLIENT, raise_exception=True)
def client_edit(request, pk):
    client = _client(request, pk)
    form = ClientForm(posted(request), instance=Client.objects.get(pk=client.pk))
    return _form_page(
        request,
        client,
        form,
        heading=gettext("Change the client's details"),
        button=gettext("Save details"),
        on_valid=lambda form: client_update(client=client, by=request.user, **form.cleaned_data),
        success=gettext("Details saved."),
    )


@permission_required(Permission.CHANGE_CLIENT, raise_exception=True)
def consent_change(request, pk):
    client = _client(request, pk)
    form = ConsentForm(posted(request), initial={"obtained_by": request.user.full_name})
    return _form_page(
        request,
        client,
        form,
        heading=gettext("Record consent given or withdrawn"),
        button=gettext("Record consent"),
        on_valid=lambda form: consent_record(client=client, by=request.user, **form.cleaned_data),
        success=gettext("Consent recorded."),
    )


@require_POST
@permission_required(Permission.ASSESS_CLIENT, raise_exception=True)
def assessment_new(request, pk):
    client = _client(request, pk)
    assessment = assessment_start(client=client, by=request.user)
    return redirect("clients:assessment_edit", pk=client.pk, assessment_pk=assessment.pk)


def _assessment(client, assessment_pk):
    # Through the client, which was fetched by scope: another client's id is a 404.
    return get_object_or_404(client.assessments, pk=assessment_pk)


@permission_required(Permission.ASSESS_CLIENT, raise_exception=True)
def assessment_edit(request, pk, assessment_pk):
    client = _client(request, pk)
    assessment = _assessment(client, assessment_pk)
    if assessment.status != AssessmentStatus.DRAFT:
        messages.error(
            request, gettext("This assessment has been signed off, so its answers are final.")
        )
        return redirect("clients:assessment", pk=client.pk, assessment_pk=assessment.pk)
    form = AssessmentForm(posted(request), assessment=assessment)
    if request.method == "POST" and form.is_valid():
        assessment_save_answers(assessment=assessment, answers=form.answers(), by=request.user)
        messages.success(request, gettext("Answers saved. Check the overall risk and sign off."))
        return redirect("clients:assessment", pk=client.pk, assessment_pk=assessment.pk)
    access_log_record(by=request.user, subject=client, request=request)
    return render(
        request,
        "clients/assessment_form.html",
        {
            "form": form,
            "client": client,
            "assessment": assessment,
            "ward_risks": client.ward_risks.all(),
        },
    )


@permission_required(Permission.VIEW_CLIENT, raise_exception=True)
def assessment_detail(request, pk, assessment_pk):
    client = _client(request, pk)
    assessment = _assessment(client, assessment_pk)
    access_log_record(by=request.user, subject=client, request=request)
    user = request.user
    sign_off_form = None
    complete = all(assessment.answered(q.code) for s in SECTIONS for q in s.questions)
    if (
        assessment.status == AssessmentStatus.DRAFT
        and complete
        and user.has_perm(Permission.ASSESS_CLIENT)
    ):
        sign_off_form = SignOffForm(posted(request), computed=assessment.computed_level)
        if request.method == "POST" and sign_off_form.is_valid():
            try:
                assessment_sign_off(assessment=assessment, by=user, **sign_off_form.cleaned_data)
            except ClientActionRefused as refused:
                sign_off_form.add_error(None, str(refused))
            else:
                messages.success(request, _signed_off_message(assessment))
                return redirect("clients:assessment", pk=client.pk, assessment_pk=assessment.pk)
    can_second = (
        assessment.status == AssessmentStatus.AWAITING_SECOND_SIGN_OFF
        and user.has_perm(Permission.SECOND_SIGN_OFF)
        and user.pk != assessment.signed_off_by_id
    )
    return render(
        request,
        "clients/assessment_detail.html",
        {
            "client": client,
            "assessment": assessment,
            "sections": [
                (
                    section,
                    [
                        (q, assessment.answered(q.code), assessment.note_for(q.code))
                        for q in section.questions
                    ],
                )
                for section in SECTIONS
            ],
            "complete": complete,
            "form": sign_off_form,
            "can_second": can_second,
            "can_edit": assessment.status == AssessmentStatus.DRAFT
            and user.has_perm(Permission.ASSESS_CLIENT),
        },
    )


def _signed_off_message(assessment):
    assessment.refresh_from_db()
    if assessment.status == AssessmentStatus.AWAITING_SECOND_SIGN_OFF:
        return gettext(
            "Signed off as high risk. Ask another coordinator or a manager to give the second "
            "sign-off: until then the client has phone support only."
        )
    return gettext("Assessment signed off. Home visits may now be planned.")


@require_POST
@permission_required(Permission.SECOND_SIGN_OFF, raise_exception=True)
def assessment_second(request, pk, assessment_pk):
    client = _client(request, pk)
    assessment = _assessment(client, assessment_pk)
    try:
        assessment_second_sign_off(assessment=assessment, by=request.user)
    except ClientActionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, gettext("Second sign-off recorded. Home visits may now be planned.")
        )
    return redirect("clients:assessment", pk=client.pk, assessment_pk=assessment.pk)


@permission_required(Permission.ASSESS_CLIENT, raise_exception=True)
def reassessment_require(request, pk):
    client = _client(request, pk)
    return _form_page(
        request,
        client,
        ReassessmentForm(posted(request)),
        heading=gettext("Require a new risk assessment"),
        button=gettext("Require reassessment"),
        on_valid=lambda form: client_require_reassessment(
            client=client, by=request.user, reason=form.cleaned_data["reason"]
        ),
        success=gettext(
            "Reassessment required. No home visit until a new assessment is signed off."
        ),
    )


@permission_required(Permission.CHANGE_CLIENT, raise_exception=True)
def goal_new(request, pk):
    client = _client(request, pk)
    return _form_page(
        request,
        client,
        GoalForm(posted(request)),
        heading=gettext("Add a goal"),
        button=gettext("Add goal"),
        on_valid=lambda form: goal_add(client=client, by=request.user, **form.cleaned_data),
        success=gettext("Goal added."),
    )


@permission_required(Permission.CHANGE_CLIENT, raise_exception=True)
def goal_review_view(request, pk, goal_pk):
    client = _client(request, pk)
    goal = get_object_or_404(client.goals, pk=goal_pk)
    return _form_page(
        request,
        client,
        GoalReviewForm(posted(request)),
        heading=gettext("Review the goal: %(goal)s") % {"goal": goal.description},
        button=gettext("Save review"),
        on_valid=lambda form: goal_review(goal=goal, by=request.user, **form.cleaned_data),
        success=gettext("Goal reviewed."),
    )


def _support_measured(client, taken_on):
    """The support a measure taken on `taken_on` is kept with (and reported on, as in the
    summary shared with the GP): the latest opened by that day, so an end measure entered
    after the client's next support began stays with the support it ended; one taken before
    any support opened (at the ward, say) goes with the first. None for a client never
    supported."""
    episodes = client.support_episodes.order_by("-opened_at")
    return episodes.filter(opened_at__date__lte=taken_on).first() or episodes.last()


@permission_required(Permission.CHANGE_CLIENT, raise_exception=True)
def measure_new(request, pk, instrument):
    client = _client(request, pk)
    if instrument not in INSTRUMENTS:
        return redirect("records:client", pk=client.pk)
    form = MeasureForm(posted(request), instrument=instrument)
    return _form_page(
        request,
        client,
        form,
        heading=gettext("Record %(instrument)s") % {"instrument": INSTRUMENTS[instrument].name},
        button=gettext("Record answers"),
        on_valid=lambda form: measure_record(
            client=client,
            instrument=instrument,
            timepoint=form.cleaned_data["timepoint"],
            taken_on=form.cleaned_data["taken_on"],
            values=form.values(),
            episode=_support_measured(client, form.cleaned_data["taken_on"]),
            by=request.user,
        ),
        success=gettext("Answers recorded. Unanswered items are kept as missing."),
        template="clients/measure_form.html",
    )
