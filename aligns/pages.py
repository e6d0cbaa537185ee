"""The one-form page every part of the journey uses: bind, validate, call a service, move on."""

from django.contrib import messages
from django.shortcuts import redirect, render

from aligns.errors import ActionRefused


def form_page(request, form, *, on_valid, success, done_url, template="_form_page.html", **context):
    """Show `form`; on a valid POST call `on_valid(form)` (a service) and go to `done_url`.

    `done_url` may be a function of what `on_valid` returned (say, a new record). A refusal
    from the service appears at the top of the form, with everything typed kept. `context`
    fills the page: heading, button, caption, back_url and back_text.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = on_valid(form)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, success)
            return redirect(done_url(result) if callable(done_url) else done_url)
    return render(request, template, {"form": form, **context})
