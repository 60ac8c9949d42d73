"""Members' access to the directory: a session opened by a single-use e-mailed link (links.py).

No passwords: the directory holds only what members chose to share with each other, and a
member's mailbox already receives everything the network sends them, so a link to it proves
as much as a password would, without one to forget or reuse elsewhere.
"""

import time

from django.conf import settings

from network.models import ContactPoint

SESSION_MEMBER = "network_member"
SESSION_STARTED = "network_signed_in_at"


def start_session(request, member):
    request.session.cycle_key()  # a new session id, so one planted before cannot be used
    request.session[SESSION_MEMBER] = member.pk
    request.session[SESSION_STARTED] = time.time()
    _expire_when_idle(request)


def end_session(request):
    request.session.flush()


def current_member(request):
    """The approved member signed in on this session, or None; each request restarts the
    idle period, and the session ends at NETWORK_SESSION_MAX whatever the activity."""
    pk = request.session.get(SESSION_MEMBER)
    if pk is None:
        return None
    started = request.session.get(SESSION_STARTED, 0)
    member = ContactPoint.objects.approved().filter(pk=pk).first()
    if member is None or time.time() - started > settings.NETWORK_SESSION_MAX.total_seconds():
        end_session(request)
        return None
    _expire_when_idle(request)
    return member


def _expire_when_idle(request):
    # Seconds, not a timedelta: Django reads a number as inactivity, a timedelta as a date.
    request.session.set_expiry(int(settings.NETWORK_SESSION_IDLE.total_seconds()))
