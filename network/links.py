"""The signed links the network e-mails: each purpose has its own salt and lifetime.

Tokens are signed, not encrypted: anyone can read what they carry, so they carry ids and
digests, never an e-mail address (links end up in server logs and browser histories).
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

CONFIRMATION_SALT = "network.confirm-email"
SIGN_IN_SALT = "network.sign-in"
PERSONAL_SALT = "network.personal"
NEW_EMAIL_SALT = "network.confirm-new-email"


def confirmation_token(contact_point):
    return signing.dumps(contact_point.pk, salt=CONFIRMATION_SALT)


def read_confirmation_token(token):
    """The id of the entry a confirmation link is for; raises signing.BadSignature, or its
    subclass SignatureExpired, for a link that was altered or is too old."""
    return signing.loads(token, salt=CONFIRMATION_SALT, max_age=settings.NETWORK_CONFIRM_MAX_AGE)


def sign_in_stamp(contact_point):
    """The member's last sign-in as a sign-in link carries it: using a link changes it, so
    each link works once."""
    last = contact_point.last_sign_in_at
    return last.isoformat() if last else ""


def sign_in_token(contact_point):
    return signing.dumps([contact_point.pk, sign_in_stamp(contact_point)], salt=SIGN_IN_SALT)


def read_sign_in_token(token):
    """(member id, sign-in stamp) from a sign-in link; raises as read_confirmation_token."""
    pk, stamp = signing.loads(token, salt=SIGN_IN_SALT, max_age=settings.NETWORK_SIGN_IN_MAX_AGE)
    return pk, stamp


def email_digest(address):
    """Stands for an address inside a token: a change of address makes the token stale."""
    return salted_hmac("network.email-digest", address.casefold()).hexdigest()[:20]


def personal_token(contact_point):
    """The member's own link to see, change or withdraw their entry; a new e-mail address
    makes it invalid, so a link in an old mailbox stops working."""
    return signing.dumps([contact_point.pk, email_digest(contact_point.email)], salt=PERSONAL_SALT)


def read_personal_token(token):
    """(entry id, e-mail digest) from a personal link; raises as read_confirmation_token."""
    pk, digest = signing.loads(
        token, salt=PERSONAL_SALT, max_age=settings.NETWORK_PERSONAL_LINK_MAX_AGE
    )
    return pk, digest


def new_email_token(contact_point):
    """The link, sent to a new address, that confirms the change to it."""
    digest = email_digest(contact_point.pending_email)
    return signing.dumps([contact_point.pk, digest], salt=NEW_EMAIL_SALT)


def read_new_email_token(token):
    pk, digest = signing.loads(token, salt=NEW_EMAIL_SALT, max_age=settings.NETWORK_CONFIRM_MAX_AGE)
    return pk, digest
