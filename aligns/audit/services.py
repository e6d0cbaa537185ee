from django.contrib.contenttypes.models import ContentType

from aligns.audit.models import AccessLogEntry


def access_log_record(*, by, subject, request):
    """Record that `by` viewed `subject` (a person's record) on the page serving `request`."""
    return access_log_record_all(by=by, subjects=[subject], request=request)[0]


def access_log_record_all(*, by, subjects, request):
    """Record that `by` viewed each of `subjects` (people) on one page: one row each, one
    insert. Every page that shows a person's details writes here (tests/records/
    test_access_logging.py walks every page to hold it to that)."""
    match = request.resolver_match
    page = (match.view_name if match else "")[:100]
    return AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=by,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=str(subject.pk),
            page=page,
            path=request.path[:500],
        )
        for subject in subjects
    )


def attribute_change(instance, *, by, reason=""):
    """Name who is changing `instance` (and why) for its simple-history row.

    Requests are attributed by simple-history's middleware; services call this with
    their explicit `by=` so work done from Celery or a command is attributed too.
    """
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    return instance
