"""Email is sent by the Celery worker, never inside a web request.

A service that means to send an email calls `queue_email(task, ...ids)` inside its transaction.
Once that commits, the task goes on the queue with ids only (no name or address passes through
the broker), and the worker loads the rows and sends. So a mail server that is down cannot turn
a saved change into an error page, and a page takes as long whether or not it leads to an email
(the request for an account answers the same for addresses with and without an account).

The worker tries again, with backoff, while the mail server cannot take an email. Log lines
about emails name the task and its ids, never a name, an address or a note.
"""

import functools
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.template.loader import render_to_string

from aligns.accounts.models import Role, User
from aligns.queueing import queue_after_commit

logger = logging.getLogger(__name__)

# Errors worth trying again: the server unreachable (OSError covers refused connections,
# time-outs and TLS failures), dropping the connection, or answering "not now". SMTPException
# also covers a permanent refusal (an address that does not exist): trying that again is
# wasted but harmless, and telling the two apart is the mail server's business.
TRY_AGAIN_ON = (smtplib.SMTPException, OSError)
# Waits of up to 1, 2, 4, 8, 16 minutes, then up to 30 minutes each (randomised, so workers do
# not all try at once): at most about 3 hours in all.
RETRY_BACKOFF_SECONDS = 60
RETRY_BACKOFF_MAX_SECONDS = 30 * 60
MAX_RETRIES = 10


class EmailNotSent(Exception):
    """The mail server did not take an email this time. The message is the error's kind only:
    an SMTP error's own text can hold addresses, and Celery logs the error a task retries on."""


def coordinator_addresses(scheme_id):
    """Where an email for "the coordinators" of a scheme goes: its active coordinators."""
    return User.objects.filter(
        scheme_id=scheme_id, role=Role.COORDINATOR, is_active=True
    ).values_list("email", flat=True)


def send(template, context, recipients):
    """Render templates/emails/<template>-subject.txt and -body.txt and send them, once, to
    each distinct address in `recipients` (blank ones skipped). Called by the worker."""
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    context = {"service_name": settings.ALIGNS_SERVICE_NAME, **context}
    send_mail(
        render_to_string(f"emails/{template}-subject.txt", context).strip(),
        render_to_string(f"emails/{template}-body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def _kind(error):
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def email_task(function):
    """Make `function(**ids)`, which loads rows and sends an email, a Celery task for it.

    While the mail server cannot take the email the task is tried again with backoff, about 3
    hours in all. A row deleted meanwhile (a request withdrawn, say) means nothing to send.
    """

    @functools.wraps(function)
    def run(**ids):
        try:
            function(**ids)
        except ObjectDoesNotExist:
            logger.info("Email %s %s not sent: the record is gone", function.__name__, ids)
        except TRY_AGAIN_ON as error:
            logger.warning("Email %s %s not sent yet: %s", function.__name__, ids, _kind(error))
            raise EmailNotSent(_kind(error)) from None

    return shared_task(
        autoretry_for=(EmailNotSent,),
        retry_backoff=RETRY_BACKOFF_SECONDS,
        retry_backoff_max=RETRY_BACKOFF_MAX_SECONDS,
        max_retries=MAX_RETRIES,
        ignore_result=True,
    )(run)


def queue_email(task, **ids):
    """Once the current transaction commits, put the email task `task` on the queue with
    `ids` (aligns/queueing.py: a broker that cannot be reached costs this email, logged by id,
    never the request). Inside `transaction.atomic`, so a rolled-back change never sends."""
    queue_after_commit(task, **ids)
