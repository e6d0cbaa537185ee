"""How a message travels: change → outbox row → dispatcher → mail server.

1. A service that means to send a message calls `queue_email(kind, key=..., **ids)` inside the
   transaction of its change. That writes a Message row, nothing else: a rolled-back change
   leaves no message, and a saved one always has its row, whether or not the broker or the mail
   server is up. The key names the message (`call-reminder:<call id>`), so the same
   message queued twice is one row.
2. Once the change commits, the worker is nudged to dispatch at once (`urgent`: the person is
   waiting for it, an invitation or a concern). Otherwise, and whenever a nudge is lost, the
   beat's dispatch every minute finds the row.
3. `dispatch` claims waiting rows (SELECT … FOR UPDATE SKIP LOCKED, aligns/claims.py) and gives
   the worker a lease on them (their next attempt moves to the end of the lease), then makes each
   email from the rows as they are now and sends it with a Message-ID made from the key. Only
   once the mail server has taken it is the row marked sent. A worker that dies while sending
   leaves the row to be claimed again when its lease ends; the Message-ID lets the receiving
   side see a second copy as the same email.
4. A mail server that refuses or cannot be reached is tried again with growing waits, for up
   to 3 hours; then the row is failed, with the kind of error (never its text), and shows on
   the scheme's page of messages (outbox:messages).

Log lines name the message's kind and ids, never a name, an address or a note.
"""

import hashlib
import logging
import random
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ObjectDoesNotExist
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import JSONObject
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from aligns.accounts.models import Role, User
from aligns.claims import claim_and_update
from aligns.outbox.models import Message, MessageStatus
from aligns.queueing import queue_after_commit

logger = logging.getLogger(__name__)

# Errors worth trying again: the server unreachable (OSError covers refused connections,
# time-outs and TLS failures), dropping the connection, or answering "not now". SMTPException
# also covers a permanent refusal (an address that does not exist): trying that again is
# wasted but harmless, and telling the two apart is the mail server's business.
TRY_AGAIN_ON = (smtplib.SMTPException, OSError)
# Waits of about 1, 2, 4, 8, 16 minutes, then 30 minutes each (randomised, so workers do not
# all try at once): 11 tries over 1½ to 3 hours.
RETRY_FIRST_WAIT = timedelta(minutes=1)
RETRY_LONGEST_WAIT = timedelta(minutes=30)
MAX_ATTEMPTS = 11


def lease():
    """How long a worker holds the messages it has claimed (ALIGNS_OUTBOX_LEASE_SECONDS, 10
    minutes): longer than sending a batch can take (each email waits at most EMAIL_TIMEOUT on
    each step with the mail server), so a live worker never loses its claim; a dead worker's
    messages are taken again when it ends."""
    return timedelta(seconds=settings.ALIGNS_OUTBOX_LEASE_SECONDS)


DISPATCH_BATCH = 50
# One dispatch stops taking new batches after this long, so a steady stream of messages cannot
# keep one task running for ever; the next run carries on.
DISPATCH_SECONDS = 50


# --- Kinds of message -----------------------------------------------------------------------

KINDS = {}  # name: the function that makes its emails
KIND_LABELS = {}  # name: what the scheme's page of messages calls it


@dataclass(frozen=True)
class Email:
    """One email, made by a kind of message from its rows: templates/emails/<template>-subject.txt
    and -body.txt rendered with `context`, to each distinct address in `recipients`, in
    `language` (the recipient's chosen one; the site's when it is for several people)."""

    template: str
    context: dict
    recipients: list = field(default_factory=list)
    language: str = ""


def message_kind(label):
    """Register the decorated `function(**ids)`, which reads the rows and returns the Email(s)
    to send now (None, or an empty list, when there is nothing to send any more), as a kind of
    message named after it and called `label` (gettext_lazy, so it is shown in the reader's
    language) on the page of messages. Each app keeps its kinds
    in its emails.py, which the outbox imports at start-up."""

    def register(function):
        name = function.__name__
        if KINDS.get(name, function) is not function:
            raise ValueError(f"Two kinds of message are called {name}.")
        KINDS[name], KIND_LABELS[name] = function, label
        return function

    return register


def coordinator_addresses(scheme_id):
    """Where an email for "the coordinators" of a scheme goes: its active coordinators."""
    return list(
        User.objects.filter(scheme_id=scheme_id, role=Role.COORDINATOR, is_active=True).values_list(
            "email", flat=True
        )
    )


def coordinator_emails(scheme_id, template, context):
    """An email for "the coordinators" of a scheme: one Email for each language they chose,
    to those who chose it, so each reads it in their own. With no active coordinator, one
    Email to nobody: the message fails, and the scheme's page of messages shows it."""
    by_language = {}
    for address, language in User.objects.filter(
        scheme_id=scheme_id, role=Role.COORDINATOR, is_active=True
    ).values_list("email", "preferred_language"):
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(address)
    return [
        Email(template, context, addresses, language=language)
        for language, addresses in sorted(by_language.items())
    ] or [Email(template, context, [])]


# --- Queueing: a row in the caller's transaction -------------------------------------------


def _kind_name(kind):
    if KINDS.get(kind.__name__) is not kind:
        raise ValueError(f"{kind.__name__} is not a kind of message (@message_kind).")
    return kind.__name__


def outbox_message(kind, *, key=None, scheme_id=None, **ids):
    """An unsaved Message of `kind` (a function registered with @message_kind) about `ids`.
    `key` names it, for messages that must go once (a reminder per call and due date); without
    one each message is its own (an invitation sent again is sent again)."""
    name = _kind_name(kind)
    return Message(kind=name, ids=ids, key=key or f"{name}:{uuid.uuid4().hex}", scheme_id=scheme_id)


def queue_messages(messages, *, urgent=False):
    """Write `messages` in one statement; one whose key is already there is left as it is.
    `urgent`: once the transaction commits, ask the worker to dispatch at once."""
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    if urgent and messages:
        from aligns.outbox.tasks import dispatch_task

        queue_after_commit(dispatch_task)


def queue_messages_from(kind, rows, *, key, scheme_id, **ids):
    """One message of `kind` for each row of the queryset `rows`, written by the database in
    one INSERT … SELECT, so no row passes through Python: for a sweep's thousands. `key`,
    `scheme_id` and each of `ids` are expressions over the rows (F("pk"), Concat(...)). A key
    already there is left as it is. Returns how many were written."""
    name = _kind_name(kind)
    now = timezone.now()
    made = rows.order_by().values(
        made_kind=Value(name),
        made_ids=JSONObject(**ids),
        made_key=key,
        made_scheme=scheme_id,
        made_status=Value(MessageStatus.WAITING.value),
        made_attempts=Value(0),
        made_next=Value(now, output_field=DateTimeField()),
        made_error=Value(""),
        made_created=Value(now, output_field=DateTimeField()),
    )
    try:
        sql, params = made.query.sql_with_params()
    except EmptyResultSet:  # rows that can select nothing (pk__in=[]): nothing to write
        return 0
    quote = connection.ops.quote_name
    columns = ["kind", "ids", "key", "scheme_id", "status", "attempts", "next_attempt_at",
               "last_error", "created_at"]  # fmt: skip
    selected = ["made_kind", "made_ids", "made_key", "made_scheme", "made_status",
                "made_attempts", "made_next", "made_error", "made_created"]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model and this function; every value is a parameter. "WHERE
            # true" keeps SQLite from reading ON CONFLICT as part of the SELECT.
            f"INSERT INTO {quote(Message._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 # nosec B608
            f"SELECT {', '.join(map(quote, selected))} FROM ({sql}) AS made WHERE true "
            f"ON CONFLICT ({quote('key')}) DO NOTHING",
            params,
        )
        return cursor.rowcount


def queue_email(kind, *, key=None, scheme_id=None, urgent=True, **ids):
    """Queue one message (see the module's docstring): a person is usually waiting for it."""
    queue_messages([outbox_message(kind, key=key, scheme_id=scheme_id, **ids)], urgent=urgent)


# --- Dispatching: the worker's side -------------------------------------------------------


def dispatch(*, batch=DISPATCH_BATCH, seconds=DISPATCH_SECONDS):
    """Send the messages that are due, a claimed batch at a time, until none are left or
    `seconds` have passed. Returns how many were sent."""
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < seconds:
        claimed = _claim(batch)
        if not claimed:
            break
        sent += sum(_send(message) for message in claimed)
    return sent


def _claim(batch):
    """Take up to `batch` waiting messages whose time has come, for the lease, in one statement:
    another worker skips the rows locked here, and once this commits finds them not due until
    the lease ends."""
    now = timezone.now()
    with transaction.atomic():
        claimed = claim_and_update(
            Message.objects.filter(status=MessageStatus.WAITING, next_attempt_at__lte=now).order_by(
                "next_attempt_at", "id"
            ),
            batch=batch,
            next_attempt_at=now + lease(),
            attempts=F("attempts") + 1,
        )
    return list(Message.objects.filter(pk__in=[pk for (pk,) in claimed]).order_by("id"))


def _send(message):
    """Make and send one claimed message; mark it sent only once the mail server has it.
    Returns 1 if it was sent."""
    kind = KINDS.get(message.kind)
    try:
        if kind is None:
            raise LookupError(f"unknown kind {message.kind}")
        made = kind(**message.ids)
        emails = [made] if isinstance(made, Email) else list(made or [])
        delivered = sum(
            deliver(email, message_id=message_id(message.key, number))
            for number, email in enumerate(emails)
        )
    except ObjectDoesNotExist:
        logger.info("Message %s %s not needed: the record is gone", message.kind, message.ids)
        _finish(message, MessageStatus.NOT_NEEDED)
        return 0
    except Exception as error:  # any failure waits to be tried again
        _try_again_later(message, error)
        return 0
    if not emails:  # made, answered or withdrawn since it was queued
        _finish(message, MessageStatus.NOT_NEEDED)
        return 0
    if not delivered:
        # An alert to a scheme with no active coordinator, a volunteer with no email
        # address: nobody knows, so the scheme's page of messages shows it.
        logger.error("Message %s %s failed: nobody to send it to", message.kind, message.ids)
        _finish(message, MessageStatus.FAILED, reason=NOBODY_TO_SEND_TO)
        return 0
    _finish(message, MessageStatus.SENT)
    return 1


# Kept in English in the row (last_error holds kinds of error, not sentences); the page of
# messages shows it in the reader's language.
NOBODY_TO_SEND_TO = "Nobody to send it to"
NOBODY_TO_SEND_TO_SHOWN = gettext_lazy("Nobody to send it to")


def _finish(message, status, *, reason=""):
    Message.objects.filter(pk=message.pk).update(
        status=status,
        sent_at=timezone.now() if status == MessageStatus.SENT else None,
        last_error=reason,
    )


def _try_again_later(message, error):
    code = getattr(error, "smtp_code", None)
    reason = (f"{type(error).__name__} {code}" if code else type(error).__name__)[:100]
    if not isinstance(error, TRY_AGAIN_ON):
        # A fault in making the email, not the mail server: worth a look, by id only.
        logger.exception("Message %s %s could not be made", message.kind, message.ids)
    if message.attempts >= MAX_ATTEMPTS:
        logger.error("Message %s %s failed: %s", message.kind, message.ids, reason)
        _finish(message, MessageStatus.FAILED, reason=reason)
        return
    logger.warning("Message %s %s not sent yet: %s", message.kind, message.ids, reason)
    Message.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + retry_wait(message.attempts), last_error=reason
    )


def retry_wait(attempts):
    """The wait after the `attempts`-th failed try: doubling from RETRY_FIRST_WAIT up to
    RETRY_LONGEST_WAIT, each between half and all of that (so workers do not all try at once)."""
    longest = min(RETRY_FIRST_WAIT * 2 ** (attempts - 1), RETRY_LONGEST_WAIT)
    return longest * random.uniform(0.5, 1)  # noqa: S311 - spreading retries, not a secret # nosec B311


# --- What a scheme sees ----------------------------------------------------------------------

# A message waiting longer than this has been tried and refused, or no worker is sending:
# either way email is not working as it should.
STUCK_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class OutboxHealth:
    waiting: int
    stuck: int  # waiting longer than STUCK_AFTER
    failed_last_day: int
    sent_last_day: int

    @property
    def needs_attention(self):
        return bool(self.stuck or self.failed_last_day)

    @property
    def stuck_minutes(self):
        return int(STUCK_AFTER.total_seconds() // 60)


def outbox_health(scheme_id):
    """How a scheme's messages stand: what the page of messages and the dashboard show."""
    now = timezone.now()
    mine = Message.objects.filter(scheme_id=scheme_id)
    waiting = mine.filter(status=MessageStatus.WAITING)
    return OutboxHealth(
        waiting=waiting.count(),
        stuck=waiting.filter(created_at__lt=now - STUCK_AFTER).count(),
        failed_last_day=mine.filter(
            status=MessageStatus.FAILED, created_at__gte=now - timedelta(days=1)
        ).count(),
        sent_last_day=mine.filter(sent_at__gte=now - timedelta(days=1)).count(),
    )


# --- The transport --------------------------------------------------------------------------


def message_id(key, number=0):
    """The Message-ID of the `number`-th email of the message `key`: the same on every try, so
    a mail system that sees it twice knows it for one email. A digest: no ids in headers."""
    digest = hashlib.sha256(f"{key}#{number}".encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "aligns.invalid"
    return f"<{digest}@{domain}>"


def deliver(email, *, message_id):
    """Render and send `email`, once, to each distinct address in its recipients (blank ones
    skipped). Returns 1 if it went to anybody, 0 if it had nobody to go to."""
    recipients = sorted({address for address in email.recipients if address})
    if not recipients:
        return 0
    context = {"service_name": settings.ALIGNS_SERVICE_NAME, **email.context}
    language = email.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"emails/{email.template}-subject.txt", context).strip()
        body = render_to_string(f"emails/{email.template}-body.txt", context)
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"Message-ID": message_id, "Content-Language": language},
    ).send()
    return 1
