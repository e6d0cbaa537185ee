"""The one-form page every part of the journey uses: bind, validate, call a service, move on."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from aligns.audit.services import access_log_record
from aligns.errors import ActionRefused
from aligns.submissions import earlier_result, form_token, submit_once

# A form posted again (a double tap, a retry): nothing is done twice.
ALREADY_DONE = gettext_lazy("This was saved already: nothing has been done twice.")


def posted(request):
    """The form's data for a POST, even when empty (nothing ticked is an answer too, and an
    empty post is refused field by field rather than shown as a blank form); None for a GET."""
    return request.POST if request.method == "POST" else None


def already_done(request):
    """For a form posted again (a double tap, a retry): where its first post led, saying that
    nothing was done twice; else None. form_page asks first; so does a view that must find
    what its form changes before showing it, which the first post may have moved out of
    reach (an offer withdrawn is no longer an offer)."""
    earlier = earlier_result(request) if request.method == "POST" else None
    if earlier is None:
        return None
    messages.success(request, ALREADY_DONE)
    return redirect(earlier)


def form_page(
    request, form, *, on_valid, success, done_url, template="_form_page.html", person=None,
    **context,
):  # fmt: skip
    """Show `form`; on a valid POST call `on_valid(form)` (a service) and go to `done_url`.

    `done_url` may be a function of what `on_valid` returned (say, a new record). A refusal
    from the service appears at the top of the form, with everything typed kept. The form
    carries a one-time token, so posting it twice changes nothing the second time. `context`
    fills the page: heading, button, caption, back_url and back_text. `person`: whom the page
    is about (its caption names them): showing it is written to the access log.
    """
    repeated = already_done(request)
    if repeated is not None:
        return repeated
    if request.method == "POST" and form.is_valid():

        def change():
            result = on_valid(form)
            return done_url(result) if callable(done_url) else done_url

        try:
            url, done_now = submit_once(request, change)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, success if done_now else ALREADY_DONE)
            return redirect(url)
    if person is not None:
        access_log_record(by=request.user, subject=person, request=request)
    context = {"form": form, "submission": form_token(request), "person": person, **context}
    return render(request, template, context)
