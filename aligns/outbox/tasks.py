from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from aligns.outbox.models import Message, MessageStatus
from aligns.outbox.services import dispatch


@shared_task(ignore_result=True)
def dispatch_task():
    """Every minute, and at once after a change that queued an urgent message: send what is
    due. Safe to run twice or at once on two workers (aligns/outbox/services.py)."""
    return dispatch()


@shared_task
def delete_old_messages_task():
    """Every night: messages sent, not needed or failed more than ALIGNS_MESSAGES_DAYS ago (the
    rows hold ids only; what happened is in the records themselves). Returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.ALIGNS_MESSAGES_DAYS)
    return (
        Message.objects.filter(created_at__lt=cutoff)
        .exclude(status=MessageStatus.WAITING)
        .delete()[0]
    )
