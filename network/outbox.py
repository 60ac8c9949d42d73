"""Sending the network's stored e-mails: each outbox row once, whoever gets to it first."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from network import links
from network.models import OutboxMessage

# The e-mails to the member that carry their personal link; never one to anyone else.
PERSONAL_LINK_KINDS = {
    OutboxMessage.Kind.WELCOME,
    OutboxMessage.Kind.ALREADY_MEMBER,
    OutboxMessage.Kind.SIGN_IN,
    OutboxMessage.Kind.RECONFIRM,
    OutboxMessage.Kind.LAPSED,
}


def send_pending():
    """Send every stored e-mail still waiting, one row lock at a time; how many went out."""
    pending = list(OutboxMessage.objects.filter(sent_at=None).values_list("pk", flat=True))
    return sum(outbox_message_send(message_id=message_id) for message_id in pending)


@transaction.atomic
def outbox_message_send(*, message_id):
    """Send one stored e-mail unless it went out already; True if it was sent now.

    The row lock makes a second task for the same row wait, then find it sent.
    """
    message = (
        OutboxMessage.objects.select_for_update()
        .select_related("contact_point")
        .filter(pk=message_id, sent_at=None)
        .first()
    )
    if message is None:
        return False
    email = _email_for(message)
    # None: nothing left to send (a change of address was confirmed already, or taken back).
    if email is not None:
        email.send()
    message.sent_at = timezone.now()
    message.save(update_fields=["sent_at"])
    return email is not None


def _email_for(message):
    contact_point = message.contact_point
    context = {
        "contact_point": contact_point,
        "site_url": settings.NETWORK_SITE_URL,
        "network_url": settings.NETWORK_SITE_URL + reverse("network:index"),
        "sign_in_page_url": settings.NETWORK_SITE_URL + reverse("network:sign_in"),
    }
    if message.kind == OutboxMessage.Kind.CONFIRMATION:
        path = reverse("network:confirm", args=[links.confirmation_token(contact_point)])
        context["confirm_url"] = settings.NETWORK_SITE_URL + path
        context["valid_days"] = settings.NETWORK_CONFIRM_MAX_AGE.days
    if message.kind == OutboxMessage.Kind.SIGN_IN:
        path = reverse("network:sign_in_link", args=[links.sign_in_token(contact_point)])
        context["sign_in_url"] = settings.NETWORK_SITE_URL + path
        context["valid_minutes"] = int(settings.NETWORK_SIGN_IN_MAX_AGE.total_seconds() // 60)
    recipient, reply_to = contact_point.email, [settings.NETWORK_REVIEW_EMAIL]
    if contact_point.has_personal_link and message.kind in PERSONAL_LINK_KINDS:
        path = reverse("network:personal", args=[links.personal_token(contact_point)])
        context["personal_url"] = settings.NETWORK_SITE_URL + path
    if message.kind == OutboxMessage.Kind.RECONFIRM:
        context["grace_days"] = settings.NETWORK_RECONFIRM_GRACE.days
    if message.kind == OutboxMessage.Kind.LAPSED:
        context["keep_days"] = settings.NETWORK_LAPSED_KEEP.days
    if message.kind == OutboxMessage.Kind.REVIEW_REQUEST:
        # The secretariat follows a link to the admin; the e-mail itself names nobody.
        recipient, reply_to = settings.NETWORK_REVIEW_EMAIL, []
        path = reverse("admin:network_contactpoint_changelist")
        context["review_url"] = f"{settings.NETWORK_SITE_URL}{path}?status__exact=awaiting_review"
    if message.kind == OutboxMessage.Kind.EMAIL_CHANGE:
        if not contact_point.pending_email:
            return None
        recipient = contact_point.pending_email
        path = reverse("network:confirm_email", args=[links.new_email_token(contact_point)])
        context["confirm_url"] = settings.NETWORK_SITE_URL + path
        context["valid_days"] = settings.NETWORK_CONFIRM_MAX_AGE.days
    template = f"network/email/{message.kind}"
    email = EmailMultiAlternatives(
        subject=render_to_string(f"{template}_subject.txt", context).strip(),
        body=render_to_string(f"{template}.txt", context),
        to=[recipient],
        reply_to=reply_to,
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email
