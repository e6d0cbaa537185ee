from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render

from aligns.accounts.forms import AccountForm
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
    return render(request, "accounts/account.html", {"person": request.user, "form": form})
