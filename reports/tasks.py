from celery import shared_task

from reports.services import export_build


@shared_task
def export_build_task(export_id):
    """Build one requested report file in the background (large schemes)."""
    export_build(export_id=export_id)
