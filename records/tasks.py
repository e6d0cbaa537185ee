from celery import shared_task

from records.retention import anonymise, expired_clients


@shared_task
def anonymise_past_retention_task():
    """Monthly: remove personal details of clients past their scheme's retention period."""
    return anonymise(expired_clients())
