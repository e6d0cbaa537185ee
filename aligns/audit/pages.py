"""The one page every kind of sharing uses: who to, why, on what basis; then share or refuse."""

from django.shortcuts import render

from aligns.audit.forms import SharingForm
from aligns.audit.services import access_log_record
from aligns.audit.sharing import SharingRefused
from aligns.pages import posted


def share_page(request, *, what, fields_shared, initial, consent, share, on_shared, person,
               form_class=SharingForm, **context):  # fmt: skip
    """Show the sharing form, saying what `consent` (a ShareConsent) allows; on a valid POST
    call `share(**cleaned_data)` (which logs the share through sharing_record) and answer with
    `on_shared(entry)`. A refusal (consent withdrawn, no override reason) appears at the top
    of the form with everything kept. `person` (a client, or a referral not yet one) is whom
    the information is about: showing the page is written to the access log."""
    form = form_class(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = share(**form.cleaned_data)
        except SharingRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return on_shared(entry)
    access_log_record(by=request.user, subject=person, request=request)
    return render(
        request,
        "audit/share.html",
        {
            "form": form,
            "what": what,
            "fields_shared": fields_shared,
            "consented": consent.given,
            "consent_summary": consent.said,
            **context,
        },
    )
