from axes.helpers import get_cool_off
from django.shortcuts import render
from django.utils import timezone


def sign_in_paused(request, original_response, credentials):
    """django-axes' answer to a paused sign-in: our page, saying when to try again.

    Every attempt during the pause restarts it, so the pause ends one cool-off from now.
    """
    cool_off = get_cool_off(request)
    response = render(request, "lockout.html", {"retry_at": timezone.now() + cool_off}, status=429)
    response["Retry-After"] = int(cool_off.total_seconds())
    return response
