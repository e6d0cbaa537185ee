from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from volunteers.models import Assignment, AssignmentStatus


@permission_required("visits.view_today", raise_exception=True)
def today(request):
    """Volunteers' start page: today's calls and visits, overdue first."""
    offers = Assignment.objects.filter(
        volunteer__user=request.user, status=AssignmentStatus.OFFERED
    ).count()
    return render(request, "visits/today.html", {"offers": offers})
