"""The network's multi-step writes: each stores its change and the e-mails it calls for together."""

import enum
import logging
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext

from carportal import audit
from network import links
from network.models import ContactPoint, ContactPointLanguage, Departure, OutboxMessage
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
        _set_languages_and_expertise(entry, languages, expertise)
        _queue(entry, OutboxMessage.Kind.CONFIRMATION)
    elif known.status == ContactPoint.Status.UNCONFIRMED:
        _queue(known, OutboxMessage.Kind.CONFIRMATION)
    elif known.status in {ContactPoint.Status.APPROVED, ContactPoint.Status.LAPSED}:
        # A lapsed member is told how to come back, by their personal link.
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


@dataclass
class Update:
    """What a member's change to their entry set in motion, for the page to tell them."""

    back_to_review: bool = False
    new_email_to_confirm: bool = False


@transaction.atomic
def member_update(*, contact_point, email, details, languages, expertise):
    """Store a member's own change to their entry.

    A new organisation sends the entry back to review (the secretariat vetted the person
    in their role there). A new address replaces the current one only once the member
    follows the link sent to it; giving the current address again cancels that.
    """
    entry = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    update = Update()
    if details["organisation"] != entry.organisation:
        update.back_to_review = entry.status == ContactPoint.Status.APPROVED
    for name, value in details.items():
        setattr(entry, name, value)
    if email.casefold() == entry.email.casefold():
        entry.pending_email = ""
    else:
        entry.pending_email = email
        update.new_email_to_confirm = True
    if update.back_to_review:
        entry.return_to_review()
    entry.save()
    _set_languages_and_expertise(entry, languages, expertise)
    if update.back_to_review:
        _queue(entry, OutboxMessage.Kind.REVIEW_REQUEST)
    if update.new_email_to_confirm:
        _queue(entry, OutboxMessage.Kind.EMAIL_CHANGE)
    return update


class NewEmail(enum.StrEnum):
    CHANGED = "changed"
    USED = "used"
    TAKEN = "taken"


@transaction.atomic
def member_new_email_confirm(*, contact_point_id, digest):
    """Make a member's new address, confirmed from its own mailbox, the entry's address.

    Returns a NewEmail outcome; USED when the link is not for the pending address (used
    already, or replaced by a later change). The entry goes back to review: the secretariat
    checks who is behind a new address. The old personal link stops working.
    """
    entry = ContactPoint.objects.select_for_update().filter(pk=contact_point_id).first()
    if entry is None or not entry.pending_email:
        return NewEmail.USED
    if links.email_digest(entry.pending_email) != digest:
        return NewEmail.USED
    new_email, entry.pending_email = entry.pending_email, ""
    taken = ContactPoint.objects.filter(email__iexact=new_email).exclude(pk=entry.pk).exists()
    if taken:
        # Told only to whoever reads the new mailbox, who could sign up with it anyway.
        entry.save(update_fields=["pending_email", "updated_at"])
        return NewEmail.TAKEN
    entry.email = new_email
    back_to_review = entry.status == ContactPoint.Status.APPROVED
    if back_to_review:
        entry.return_to_review()
    entry.save()
    if back_to_review:
        _queue(entry, OutboxMessage.Kind.REVIEW_REQUEST)
    return NewEmail.CHANGED


@transaction.atomic
def member_reconfirm(*, contact_point):
    """The member stays listed for another year, or comes back after dropping out."""
    entry = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    entry.reconfirm()
    entry.save()


@transaction.atomic
def member_withdraw(*, contact_point):
    """Erase the entry at once, at the member's request."""
    entry = ContactPoint.objects.select_for_update().filter(pk=contact_point.pk).first()
    if entry is not None:
        _erase(entry, Departure.Reason.WITHDREW)


@transaction.atomic
def member_delete(*, contact_point):
    """Erase an entry an administrator deletes in the admin, like a withdrawal: nothing of
    the person stays behind in the history."""
    entry = ContactPoint.objects.select_for_update().filter(pk=contact_point.pk).first()
    if entry is not None:
        _erase(entry, Departure.Reason.REMOVED)


def members_reconfirm_yearly():
    """The yearly re-confirmation, run daily by Celery beat.

    Asks members last confirmed a year ago whether they want to stay listed; members who
    did not answer within the grace period drop out of the directory (the e-mail says how
    to come back); entries that stayed out for NETWORK_LAPSED_KEEP are erased. Each entry
    is its own transaction, so one failure holds up nobody else.
    """
    steps = {
        "asked": (ContactPoint.objects.due_for_reconfirmation(), _ask_to_reconfirm),
        "lapsed": (ContactPoint.objects.past_reconfirmation_grace(), _lapse),
        "erased": (ContactPoint.objects.lapsed_for_erasure(), _erase_lapsed),
    }
    return {
        name: sum(_step_one(rows, pk, step) for pk in rows.values_list("pk", flat=True))
        for name, (rows, step) in steps.items()
    }


@transaction.atomic
def _step_one(rows, pk, step):
    # Checked again under the lock: the member may have answered since the list was read.
    entry = rows.select_for_update().filter(pk=pk).first()
    if entry is None:
        return False
    step(entry)
    return True


def _ask_to_reconfirm(entry):
    entry.ask_to_reconfirm()
    entry.save(update_fields=["reconfirm_requested_at", "updated_at"])
    _queue(entry, OutboxMessage.Kind.RECONFIRM)


def _lapse(entry):
    entry.lapse()
    entry.save(update_fields=["status", "lapsed_at", "updated_at"])
    _queue(entry, OutboxMessage.Kind.LAPSED)


def _erase_lapsed(entry):
    _erase(entry, Departure.Reason.LAPSED)


def _erase(entry, reason):
    """Delete the entry with everything that names the person, leaving one more in the
    month's anonymous count. Its e-mails (outbox rows) and languages go with it."""
    month = timezone.localdate().replace(day=1)
    departure, _ = Departure.objects.get_or_create(month=month, reason=reason)
    Departure.objects.filter(pk=departure.pk).update(count=F("count") + 1)
    # The admin's history names the object; it keeps that a decision was made, not by whom.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ContactPoint), object_id=str(entry.pk)
    ).update(object_repr=gettext("Erased contact point"))
    # The change history holds what the person's entry said: it goes, with the entry.
    audit.erase(entry)


def _set_languages_and_expertise(entry, languages, expertise):
    entry.languages.exclude(language__in=languages).delete()
    known = set(entry.languages.values_list("language", flat=True))
    added = ContactPointLanguage.objects.bulk_create(
        ContactPointLanguage(contact_point=entry, language=code)
        for code in languages
        if code not in known
    )
    audit.record_bulk(ContactPointLanguage, created=added)
    entry.expertise.set(expertise)


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
