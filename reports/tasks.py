from celery import shared_task

from reports.services import export_build, exports_delete_expired


@shared_task
def export_build_task(export_id, language=None):
    """Build one requested report file in the background (large schemes), in the language
    of the person who asked for it."""
    export_build(export_id=export_id, language=language)


@shared_task
def delete_expired_exports_task():
    """Daily: report files are kept for a week."""
    return exports_delete_expired()
