from django.contrib.auth.decorators import permission_required
from django.shortcuts import render


@permission_required("visits.view_today", raise_exception=True)
def today(request):
    """Volunteers' start page: today's calls and visits, overdue first."""
    return render(request, "visits/today.html")
