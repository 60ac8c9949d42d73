"""The signed links the network e-mails: each purpose has its own salt and lifetime."""

from django.conf import settings
from django.core import signing

CONFIRMATION_SALT = "network.confirm-email"
SIGN_IN_SALT = "network.sign-in"


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
