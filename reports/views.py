from django.contrib.auth.decorators import permission_required
from django.shortcuts import render


@permission_required("reports.view_dashboard", raise_exception=True)
def dashboard(request):
    """Managers' start page: the scheme's headline figures."""
    return render(request, "reports/dashboard.html")
