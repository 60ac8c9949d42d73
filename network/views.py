from django.conf import settings
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from carportal.spreadsheets import csv_response
from carportal.views import PublicListView
from network import links, members, services
from network.filters import DirectoryFilter
from network.forms import SignInForm, SignupForm
from network.models import ContactPoint
from network.ratelimit import over_limit


class NetworkView(TemplateView):
    template_name = "network/index.html"


class NoIndexMixin:
    """For pages reached from a personal e-mail or for members: not for search engines."""

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


class RateLimitedFormView(FormView):
    """A form whose accepted submissions count against the client's address; over the
    limit, the visitor is asked to come back later. Subclasses act in ``submit``."""

    rate_scope = None

    def form_valid(self, form):
        limited = over_limit(
            self.request,
            scope=self.rate_scope,
            limit=settings.NETWORK_RATE_LIMIT,
            period=settings.NETWORK_RATE_PERIOD,
        )
        if limited:
            return render(self.request, "network/try_later.html", status=429)
        self.submit(form)
        return redirect(self.get_success_url())


class JoinView(RateLimitedFormView):
    template_name = "network/join.html"
    form_class = SignupForm
    rate_scope = "network-signup"
    success_url = reverse_lazy("network:join_thanks")

    def submit(self, form):
        # A bot that filled in the honeypot gets the usual reply, so it learns nothing.
        if not form.is_bot():
            services.member_signup(**form.signup_arguments())


class JoinThanksView(NoIndexMixin, TemplateView):
    """The one reply to every signup, whether the address is new, unconfirmed or a member."""

    template_name = "network/join_thanks.html"


class SignedLinkView(NoIndexMixin, TemplateView):
    """A link from an e-mail. Opening it only shows a button: mail scanners open links too,
    and only the person should act on it. ``state`` tells the template what to say."""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.signed = self.read_token(kwargs["token"])
        except signing.SignatureExpired:
            return self.answer("expired", status=400)
        except signing.BadSignature:
            return self.answer("invalid", status=400)
        return super().dispatch(request, *args, **kwargs)

    def answer(self, state, status=200):
        return self.render_to_response({"state": state}, status=status)


class ConfirmView(SignedLinkView):
    template_name = "network/confirm.html"
    read_token = staticmethod(links.read_confirmation_token)

    def get(self, request, *args, **kwargs):
        entry = get_object_or_404(ContactPoint, pk=self.signed)
        return self.answer("ready" if entry.status == ContactPoint.Status.UNCONFIRMED else "used")

    def post(self, request, *args, **kwargs):
        get_object_or_404(ContactPoint, pk=self.signed)
        confirmed = services.member_confirm(contact_point_id=self.signed)
        return self.answer("confirmed" if confirmed else "used")


class SignInView(NoIndexMixin, RateLimitedFormView):
    template_name = "network/sign_in.html"
    form_class = SignInForm
    rate_scope = "network-sign-in"
    success_url = reverse_lazy("network:sign_in_sent")

    def submit(self, form):
        services.member_sign_in_request(email=form.cleaned_data["email"])


class SignInSentView(NoIndexMixin, TemplateView):
    """The one reply to every sign-in request, member or not."""

    template_name = "network/sign_in_sent.html"


class SignInLinkView(SignedLinkView):
    template_name = "network/sign_in_link.html"
    read_token = staticmethod(links.read_sign_in_token)

    def get(self, request, *args, **kwargs):
        pk, stamp = self.signed
        member = ContactPoint.objects.approved().filter(pk=pk).first()
        usable = member is not None and links.sign_in_stamp(member) == stamp
        return self.answer("ready" if usable else "used")

    def post(self, request, *args, **kwargs):
        pk, stamp = self.signed
        member = services.member_sign_in(contact_point_id=pk, last_sign_in=stamp)
        if member is None:
            return self.answer("used")
        members.start_session(request, member)
        return redirect("network:directory")


@method_decorator(never_cache, name="dispatch")
class DirectoryView(NoIndexMixin, PublicListView):
    """The contact list: for approved members signed in by link, and staff allowed to see
    contact points."""

    template_name = "network/directory.html"
    filterset_class = DirectoryFilter
    context_object_name = "members"

    def dispatch(self, request, *args, **kwargs):
        staff = request.user.has_perm("network.view_contactpoint")
        if not staff and members.current_member(request) is None:
            return redirect("network:sign_in")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return ContactPoint.objects.for_directory()


class SignOutView(TemplateView):
    template_name = "network/signed_out.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        members.end_session(request)
        return self.get(request, *args, **kwargs)


class DirectoryCsvView(DirectoryView):
    """The directory's members as a spreadsheet: the same guard, filters and details.

    An invalid filter sends the reader to the page, which shows the error beside the field,
    rather than handing over an empty file.
    """

    paginate_by = None

    def render_to_response(self, context, **response_kwargs):
        if self.filterset.is_bound and not self.filterset.is_valid():
            return redirect(f"{reverse('network:directory')}?{self.request.GET.urlencode()}")
        response = csv_response(
            map(directory_row, context["members"]),
            header=directory_header(),
            filename="protect-network-members.csv",
        )
        response["X-Robots-Tag"] = "noindex"
        return response


def directory_header():
    return [
        gettext("First name"),
        gettext("Last name"),
        gettext("Job title"),
        gettext("Organisation"),
        gettext("Country"),
        gettext("Profession or sector"),
        gettext("Languages"),
        gettext("Areas of expertise"),
        gettext("E-mail"),
        gettext("Phone"),
    ]


def directory_row(member):
    """What the directory page shows of a member: the job title and phone number only if
    they chose to show them."""
    return [
        member.first_name,
        member.last_name,
        member.job_title if member.show_job_title else "",
        member.organisation,
        member.country.name,
        member.get_profession_display(),
        "; ".join(str(language) for language in member.languages.all()),
        "; ".join(str(topic) for topic in member.expertise.all()),
        member.email,
        member.phone.as_international if member.show_phone and member.phone else "",
    ]
