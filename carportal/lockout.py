from datetime import timedelta

from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone


def sign_in_paused(request, original_response, credentials):
    """django-axes' answer to a paused sign-in: our page, saying when to try again.

    Every attempt during the pause restarts it, so it ends one cool-off from now; the page
    names the next whole minute after that.
    """
    cool_off = get_cool_off(request)
    retry_at = (timezone.now() + cool_off + timedelta(minutes=1)).replace(second=0, microsecond=0)
    response = render(request, "lockout.html", {"retry_at": retry_at}, status=429)
    response["Retry-After"] = int(cool_off.total_seconds())
    return response
