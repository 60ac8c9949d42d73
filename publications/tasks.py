from celery import shared_task

from publications.models import publish_scheduled


@shared_task(soft_time_limit=240, time_limit=300)
def publish_scheduled_publications():
    """Publish the drafts scheduled for today or before (docs/adr/0009)."""
    publish_scheduled()
