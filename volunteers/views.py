from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from aligns.pages import form_page, posted
from aligns.permissions import Permission
from aligns.shortcuts import get_visible_or_404, site_address
from volunteers.forms import (
    AvailabilityForm,
    DbsForm,
    ReferenceForm,
    StageForm,
    TrainingForm,
    VolunteerForm,
    VolunteerInviteForm,
)
from volunteers.models import STAGE_TRANSITIONS, Stage, Volunteer
from volunteers.services import (
    dbs_record,
    reference_record,
    training_record,
    volunteer_create,
    volunteer_invite,
    volunteer_move,
    volunteer_update,
)


@permission_required(Permission.MANAGE_VOLUNTEERS, raise_exception=True)
def volunteer_new(request):
    def create(form):
        data = dict(form.cleaned_data)
        return volunteer_create(
            scheme=request.user.scheme, by=request.user, skills=data.pop("skills"), **data
        )

    return form_page(
        request,
        VolunteerForm(posted(request)),
        heading=gettext("Add a volunteer"),
        button=gettext("Add volunteer"),
        back_url=reverse("records:volunteers"),
        on_valid=create,
        success=gettext("Volunteer added at the start of the pipeline."),
        done_url=lambda volunteer: reverse("records:volunteer", args=[volunteer.pk]),
    )


def _volunteer(request, pk):
    return get_visible_or_404(Volunteer, request.user, pk=pk)


@permission_required(Permission.MANAGE_VOLUNTEERS, raise_exception=True)
def volunteer_edit(request, pk):
    volunteer = _volunteer(request, pk)
    form = VolunteerForm(posted(request), instance=Volunteer.objects.get(pk=volunteer.pk))

    def save(form):
        data = dict(form.cleaned_data)
        volunteer_update(volunteer=volunteer, by=request.user, skills=data.pop("skills"), **data)

    return form_page(
        request,
        form,
        heading=gettext("Change the volunteer's profile"),
        button=gettext("Save profile"),
        caption=volunteer.full_name,
        on_valid=save,
        success=gettext("Profile saved."),
        **_back(volunteer),
    )


def _back(volunteer):
    url = reverse("records:volunteer", args=[volunteer.pk])
    return {"back_url": url, "done_url": url}


@permission_required(Permission.MANAGE_VOLUNTEERS, raise_exception=True)
def volunteer_stage(request, pk):
    volunteer = _volunteer(request, pk)
    form = StageForm(posted(request), allowed=STAGE_TRANSITIONS[Stage(volunteer.stage)])
    return form_page(
        request,
        form,
        heading=gettext("Move along the pipeline"),
        button=gettext("Move"),
        caption=volunteer.full_name,
        success=gettext("Pipeline updated."),
        on_valid=lambda form: volunteer_move(
            volunteer=volunteer, by=request.user, **form.cleaned_data
        ),
        **_back(volunteer),
    )


@permission_required(Permission.MANAGE_VOLUNTEERS, raise_exception=True)
def volunteer_invite_view(request, pk):
    volunteer = _volunteer(request, pk)
    if volunteer.user_id is not None:
        raise Http404("This volunteer already has a sign-in.")
    form = VolunteerInviteForm(posted(request), initial={"email": volunteer.email})
    return form_page(
        request,
        form,
        heading=gettext("Invite them to sign in"),
        button=gettext("Send the invitation"),
        caption=volunteer.full_name,
        intro=gettext(
            "Once they sign in they see the clients they support, their offers, and their "
            "checks and training."
        ),
        success=gettext("The invitation is on its way."),
        on_valid=lambda form: volunteer_invite(
            volunteer=volunteer, by=request.user, site=site_address(request), **form.cleaned_data
        ),
        **_back(volunteer),
    )


@permission_required(Permission.MANAGE_VOLUNTEERS, raise_exception=True)
def volunteer_dbs(request, pk):
    volunteer = _volunteer(request, pk)
    return form_page(
        request,
        DbsForm(posted(request)),
        heading=gettext("Record a DBS check"),
        button=gettext("Record check"),
        caption=volunteer.full_name,
        success=gettext("DBS check recorded."),
        on_valid=lambda form: dbs_record(volunteer=volunteer, by=request.user, **form.cleaned_data),
        **_back(volunteer),
    )


@permission_required(Permission.MANAGE_VOLUNTEERS, raise_exception=True)
def volunteer_reference(request, pk):
    volunteer = _volunteer(request, pk)
    return form_page(
        request,
        ReferenceForm(posted(request)),
        heading=gettext("Record a reference"),
        button=gettext("Record reference"),
        caption=volunteer.full_name,
        success=gettext("Reference recorded."),
        on_valid=lambda form: reference_record(
            volunteer=volunteer, by=request.user, **form.cleaned_data
        ),
        **_back(volunteer),
    )


@permission_required(Permission.MANAGE_VOLUNTEERS, raise_exception=True)
def volunteer_training(request, pk):
    volunteer = _volunteer(request, pk)
    form = TrainingForm(posted(request), scheme=volunteer.scheme)
    return form_page(
        request,
        form,
        heading=gettext("Record training"),
        button=gettext("Record training"),
        caption=volunteer.full_name,
        success=gettext("Training recorded."),
        on_valid=lambda form: training_record(
            volunteer=volunteer, by=request.user, **form.cleaned_data
        ),
        **_back(volunteer),
    )


# --- The volunteer's own pages -----------------------------------------------------------


def _me(request):
    volunteer = Volunteer.objects.visible_to(request.user).first()
    if volunteer is None:
        raise Http404("No volunteer profile is linked to your account yet.")
    return volunteer


@permission_required(Permission.VIEW_OWN_VOLUNTEERING, raise_exception=True)
def my_profile(request):
    volunteer = Volunteer.objects.with_vetting().get(pk=_me(request).pk)
    return render(
        request,
        "volunteers/me.html",
        {
            "volunteer": volunteer,
            "dbs": volunteer.dbs_checks.first(),
            "training": volunteer.training.select_related("course"),
        },
    )


@permission_required(Permission.VIEW_OWN_VOLUNTEERING, raise_exception=True)
def my_availability(request):
    volunteer = _me(request)
    form = AvailabilityForm(posted(request), initial={"availability": volunteer.availability})
    return form_page(
        request,
        form,
        heading=gettext("When you are free"),
        button=gettext("Save"),
        back_url=reverse("volunteers:me"),
        done_url=reverse("volunteers:me"),
        success=gettext("Availability saved."),
        on_valid=lambda form: volunteer_update(
            volunteer=volunteer, by=request.user, **form.cleaned_data
        ),
    )
