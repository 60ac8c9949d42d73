from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import FormView, TemplateView

from network import outbox, services
from network.forms import SignupForm
from network.models import ContactPoint
from network.ratelimit import over_limit


class NetworkView(TemplateView):
    template_name = "network/index.html"


class NoIndexMixin:
    """For pages reached from a personal e-mail: search engines have no business there."""

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


class JoinView(FormView):
    template_name = "network/join.html"
    form_class = SignupForm

    def form_valid(self, form):
        limited = over_limit(
            self.request,
            scope="network-signup",
            limit=settings.NETWORK_SIGNUP_RATE_LIMIT,
            period=settings.NETWORK_SIGNUP_RATE_PERIOD,
        )
        if limited:
            return render(self.request, "network/try_later.html", status=429)
        # A bot that filled in the honeypot gets the usual reply, so it learns nothing.
        if not form.is_bot():
            services.member_signup(**form.signup_arguments())
        return redirect("network:join_thanks")


class JoinThanksView(NoIndexMixin, TemplateView):
    """The one reply to every signup, whether the address is new, unconfirmed or a member."""

    template_name = "network/join_thanks.html"


class ConfirmView(NoIndexMixin, TemplateView):
    """The link in the confirmation e-mail. Opening it only shows a button: mail scanners
    open links too, and only the person should confirm."""

    template_name = "network/confirm.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.contact_point_id = outbox.confirmed_contact_point_id(kwargs["token"])
        except signing.SignatureExpired:
            return self.answer("expired", status=400)
        except signing.BadSignature:
            return self.answer("invalid", status=400)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        entry = get_object_or_404(ContactPoint, pk=self.contact_point_id)
        return self.answer("ready" if entry.status == ContactPoint.Status.UNCONFIRMED else "used")

    def post(self, request, *args, **kwargs):
        get_object_or_404(ContactPoint, pk=self.contact_point_id)
        confirmed = services.member_confirm(contact_point_id=self.contact_point_id)
        return self.answer("confirmed" if confirmed else "used")

    def answer(self, state, status=200):
        return self.render_to_response({"state": state}, status=status)
