from datetime import timedelta

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from aligns.outbox.models import Message, MessageStatus
from aligns.outbox.services import (
    KIND_LABELS,
    NOBODY_TO_SEND_TO,
    NOBODY_TO_SEND_TO_SHOWN,
    outbox_health,
)
from aligns.permissions import Permission

PAGE_SIZE = 50


def _shown(scheme_id, show):
    mine = Message.objects.filter(scheme_id=scheme_id)
    if show == "failed":
        return mine.filter(status=MessageStatus.FAILED).order_by("-created_at", "-pk")
    if show == "sent":
        since = timezone.now() - timedelta(days=1)
        return mine.filter(sent_at__gte=since).order_by("-sent_at", "-pk")
    return mine.filter(status=MessageStatus.WAITING).order_by("-created_at", "-pk")


def _problem(last_error):
    """What went wrong, as the page says it: the kind of error (a name such as
    SMTPRecipientsRefused 550, not for translating), or that there was nobody to send to."""
    return NOBODY_TO_SEND_TO_SHOWN if last_error == NOBODY_TO_SEND_TO else last_error


@permission_required(Permission.VIEW_MESSAGES, raise_exception=True)
def messages_page(request):
    """The scheme's emails waiting to go, failed (with the reason, never the content) and sent
    in the last day: where a manager sees that email is not working."""
    show = request.GET.get("show")
    if show not in ("waiting", "failed", "sent"):
        show = "waiting"
    page = Paginator(_shown(request.user.scheme_id, show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (message, KIND_LABELS.get(message.kind, message.kind), _problem(message.last_error))
        for message in page
    ]
    return render(
        request,
        "outbox/messages.html",
        {
            "show": show,
            "page": page,
            "rows": rows,
            "query": f"show={show}",
            "health": outbox_health(request.user.scheme_id),
        },
    )
