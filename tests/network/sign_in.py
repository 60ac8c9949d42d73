"""Signing in to the directory as a member does: by the link e-mailed to them."""

import re

from django.core import mail


def request_link(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/network/sign-in/", {"email": email})


def link_path(settings):
    url = re.search(r"http://\S+/network/sign-in/\S+/", mail.outbox[-1].body).group()
    return url.removeprefix(settings.NETWORK_SITE_URL)
