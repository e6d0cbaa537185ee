from django.contrib.auth.decorators import permission_required
from django.shortcuts import render


@permission_required("referrals.view_ward_referrals", raise_exception=True)
def ward_list(request):
    """Ward staff's start page: referrals from the wards they work on."""
    wards = request.user.wards.select_related("hospital")
    return render(request, "referrals/ward_list.html", {"wards": wards})


@permission_required("referrals.view_triage_queue", raise_exception=True)
def queue(request):
    """Coordinators' start page: the scheme's referrals waiting for a decision."""
    return render(request, "referrals/queue.html")
