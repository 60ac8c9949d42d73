"""The network's multi-step writes: each stores its change and the e-mails it calls for together."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from network import links
from network.models import ContactPoint, ContactPointLanguage, OutboxMessage
from network.tasks import send_outbox_message

logger = logging.getLogger(__name__)


@transaction.atomic
def member_signup(*, email, details, languages, expertise, consent_version):
    """Store a new entry waiting for confirmation, or answer a known address by e-mail.

    The caller gives the same reply either way, so the form never tells who is in the
    network: a new or unconfirmed address gets a confirmation link, an approved member a
    reminder, anyone else nothing. A known entry is left as it is.
    """
    known = ContactPoint.objects.select_for_update().filter(email__iexact=email).first()
    if known is None:
        entry = ContactPoint(
            email=email,
            consent_version=consent_version,
            consent_given_at=timezone.now(),
            **details,
        )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # The same address signed up in a request running alongside: that one answers.
            return
        ContactPointLanguage.objects.bulk_create(
            ContactPointLanguage(contact_point=entry, language=code) for code in languages
        )
        entry.expertise.set(expertise)
        _queue(entry, OutboxMessage.Kind.CONFIRMATION)
    elif known.status == ContactPoint.Status.UNCONFIRMED:
        _queue(known, OutboxMessage.Kind.CONFIRMATION)
    elif known.status == ContactPoint.Status.APPROVED:
        _queue(known, OutboxMessage.Kind.ALREADY_MEMBER)


@transaction.atomic
def member_confirm(*, contact_point_id):
    """Move an unconfirmed entry to review and tell the secretariat; False if it was not
    waiting for confirmation (a link used twice changes nothing)."""
    entry = ContactPoint.objects.select_for_update().get(pk=contact_point_id)
    if entry.status != ContactPoint.Status.UNCONFIRMED:
        return False
    entry.confirm()
    entry.save()
    _queue(entry, OutboxMessage.Kind.REVIEW_REQUEST)
    return True


@transaction.atomic
def member_approve(*, contact_point, by):
    """List the entry in the network and welcome the member."""
    contact_point.approve(by=by)
    contact_point.save()
    _queue(contact_point, OutboxMessage.Kind.WELCOME)


@transaction.atomic
def member_reject(*, contact_point, by, reason):
    """Turn the entry down; the reason stays internal, the person gets a neutral e-mail."""
    contact_point.reject(by=by, reason=reason)
    contact_point.save()
    _queue(contact_point, OutboxMessage.Kind.REJECTION)


@transaction.atomic
def member_sign_in_request(*, email):
    """E-mail a sign-in link to an approved member; any other address gets nothing, and the
    caller gives the same reply either way."""
    member = ContactPoint.objects.approved().filter(email__iexact=email).first()
    if member is not None:
        _queue(member, OutboxMessage.Kind.SIGN_IN)


@transaction.atomic
def member_sign_in(*, contact_point_id, last_sign_in):
    """The approved member a sign-in link is for, marked as signed in now; None when the
    link was used already (its last sign-in is no longer the member's) or they left."""
    member = ContactPoint.objects.approved().select_for_update().filter(pk=contact_point_id).first()
    if member is None or links.sign_in_stamp(member) != last_sign_in:
        return None
    member.last_sign_in_at = timezone.now()
    member.save(update_fields=["last_sign_in_at"])
    return member


def _queue(contact_point, kind):
    last = contact_point.outbox_messages.filter(kind=kind).aggregate(cycle=Max("cycle"))["cycle"]
    message = OutboxMessage.objects.create(
        contact_point=contact_point, kind=kind, cycle=(last or 0) + 1
    )
    transaction.on_commit(lambda: _publish(message.pk))


def _publish(message_id):
    try:
        send_outbox_message.delay(message_id)
    except Exception as exc:  # noqa: BLE001 - the row is stored; the periodic job sends it
        logger.warning(
            "Outbox message %s not sent now (%s); left for the periodic send",
            message_id,
            type(exc).__name__,
        )
