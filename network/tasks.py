from smtplib import SMTPException

from celery import shared_task

from network import outbox, services


# Only the row's id travels through the broker: Celery logs task arguments.
@shared_task(
    autoretry_for=(OSError, SMTPException),
    retry_backoff=30,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def send_outbox_message(message_id):
    outbox.outbox_message_send(message_id=message_id)


@shared_task(soft_time_limit=240, time_limit=300)
def send_pending_mail():
    """Send what a broker or mail server outage left behind."""
    outbox.send_pending()


@shared_task(soft_time_limit=540, time_limit=600)
def reconfirm_members():
    """The yearly re-confirmation of members (services.members_reconfirm_yearly), run daily."""
    services.members_reconfirm_yearly()
