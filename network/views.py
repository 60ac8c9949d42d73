from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from carportal.pdf import PDFDocument, applied_filters, pdf_response
from carportal.spreadsheets import csv_response
from carportal.views import PublicListView, back_to_list, back_to_list_if_invalid
from network import links, members, services
from network.filters import DirectoryFilter
from network.forms import DetailsForm, SignInForm, SignupForm
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

    def answer(self, state, status=200, **context):
        return self.render_to_response({"state": state, **context}, status=status)


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
        self.member = members.current_member(request)
        staff = request.user.has_perm("network.view_contactpoint")
        if not staff and self.member is None:
            return redirect("network:sign_in")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return ContactPoint.objects.for_directory()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.member is not None:
            context["personal_url"] = personal_url(self.member)
        return context


class SignOutView(TemplateView):
    template_name = "network/signed_out.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        members.end_session(request)
        return self.get(request, *args, **kwargs)


def personal_url(contact_point):
    return reverse("network:personal", args=[links.personal_token(contact_point)])


@method_decorator(never_cache, name="dispatch")
class PersonalLinkMixin(NoIndexMixin):
    """A page of the member's own, reached by their personal link (links.personal_token).

    Any link that is not a member's current personal link (altered, expired, made stale by
    a new e-mail address, or for an entry that is erased or has none) answers the same 404,
    so a link tells nothing about anyone else.
    """

    def dispatch(self, request, *args, token, **kwargs):
        self.entry = self._entry_for(token)
        if self.entry is None:
            return render(request, "network/personal_gone.html", status=404)
        response = super().dispatch(request, *args, **kwargs)
        # The page's address is the member's key: never send it on to another site. Not
        # "no-referrer": browsers then send "Origin: null", which fails the CSRF check.
        response["Referrer-Policy"] = "same-origin"
        return response

    @staticmethod
    def _entry_for(token):
        try:
            pk, digest = links.read_personal_token(token)
        except signing.BadSignature:
            return None
        entry = ContactPoint.objects.with_personal_link().filter(pk=pk).first()
        if entry is None or not constant_time_compare(links.email_digest(entry.email), digest):
            return None
        return entry

    def get_context_data(self, **kwargs):
        return super().get_context_data(entry=self.entry, **kwargs)


class PersonalView(PersonalLinkMixin, FormView):
    """The member's own entry: its status, their details to change, re-confirmation."""

    template_name = "network/personal.html"
    form_class = DetailsForm

    def can_edit(self):
        # A member who dropped out comes back first (KeepView), then edits.
        return self.entry.status != ContactPoint.Status.LAPSED

    def get_form(self, form_class=None):
        if not self.can_edit():
            return None
        # Its own copy of the entry: a form's validation writes into its instance.
        instance = ContactPoint.objects.get(pk=self.entry.pk)
        return DetailsForm(instance=instance, **self.get_form_kwargs())

    def post(self, request, *args, **kwargs):
        if not self.can_edit():
            return redirect(request.path)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        update = services.member_update(contact_point=self.entry, **form.entry_arguments())
        messages.success(self.request, _("Your changes are saved."))
        if update.back_to_review:
            messages.info(
                self.request,
                _(
                    "With a new organisation, your entry is checked by the CBSS Secretariat "
                    "again; you are listed once it is approved."
                ),
            )
        if update.new_email_to_confirm:
            messages.info(
                self.request,
                _(
                    "We have sent a link to your new e-mail address: your address changes "
                    "once you follow it, and your entry is then checked again."
                ),
            )
        return redirect(self.request.path)


class KeepView(PersonalLinkMixin, View):
    """The member's answer to the yearly question: stay listed, or come back."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        coming_back = self.entry.status == ContactPoint.Status.LAPSED
        services.member_reconfirm(contact_point=self.entry)
        if coming_back:
            messages.success(request, _("Welcome back: you are listed in the directory again."))
        else:
            messages.success(request, _("Thank you: you stay listed for another year."))
        return redirect("network:personal", token=self.kwargs["token"])


class WithdrawView(PersonalLinkMixin, TemplateView):
    """Leaving the network: a page that says what happens, and a button that does it."""

    template_name = "network/withdraw.html"

    def post(self, request, *args, **kwargs):
        # A directory session of theirs ends by itself: members.current_member finds no one.
        services.member_withdraw(contact_point=self.entry)
        return redirect("network:withdrawn")


class WithdrawnView(TemplateView):
    template_name = "network/withdrawn.html"


class NewEmailConfirmView(SignedLinkView):
    """The link sent to a member's new address: the change happens on the button."""

    template_name = "network/confirm_email.html"
    read_token = staticmethod(links.read_new_email_token)

    def get(self, request, *args, **kwargs):
        pk, digest = self.signed
        entry = ContactPoint.objects.filter(pk=pk).exclude(pending_email="").first()
        ready = entry is not None and links.email_digest(entry.pending_email) == digest
        return self.answer("ready" if ready else "used")

    def post(self, request, *args, **kwargs):
        pk, digest = self.signed
        outcome = services.member_new_email_confirm(contact_point_id=pk, digest=digest)
        if outcome != services.NewEmail.CHANGED:
            return self.answer(outcome)
        # Whoever reads the new mailbox is the member now: their new personal link.
        entry = ContactPoint.objects.get(pk=pk)
        return self.answer(outcome, personal_url=personal_url(entry))


class DirectoryCsvView(DirectoryView):
    """The directory's members as a spreadsheet: the same guard, filters and details.

    An invalid filter sends the reader to the page, which shows the error beside the field,
    rather than handing over an empty file.
    """

    paginate_by = None

    def render_to_response(self, context, **response_kwargs):
        if invalid := back_to_list_if_invalid(self.request, self.filterset, "network:directory"):
            return invalid
        response = csv_response(
            map(directory_row, context["members"]),
            header=directory_header(),
            filename="protect-network-members.csv",
        )
        response["X-Robots-Tag"] = "noindex"
        return response


class DirectoryPdfView(DirectoryView):
    """The directory's members as a PDF: the same guard, filters and details as the page.

    Made while the reader waits and never stored, unlike a large catalogue (ADR 0006): a
    stored copy of members' details would outlive a member who leaves. A list too long to
    make in a request sends the reader back to narrow it.
    """

    paginate_by = None
    max_members = 500

    def render_to_response(self, context, **response_kwargs):
        if invalid := back_to_list_if_invalid(self.request, self.filterset, "network:directory"):
            return invalid
        found = context["members"]
        count = found.count()
        if count > self.max_members:
            messages.info(
                self.request,
                _(
                    "A PDF holds at most %(max)d members and this list has %(count)d: choose a "
                    "country, a profession or a language first, or download the CSV."
                )
                % {"max": self.max_members, "count": count},
            )
            return back_to_list(self.request, "network:directory")
        return directory_pdf(self.request, found, applied_filters(self.filterset.form))


def directory_pdf(request, members, filters=()):
    """The directory document of `members` (a for_directory() queryset or list); `filters`
    are the (label, value) pairs its cover names."""
    document = PDFDocument(
        "pdf/network_directory.html",
        [{"members": members, "applied_filters": filters}],
        "protect-network-members.pdf",
    )
    response = pdf_response(request, document)
    response["X-Robots-Tag"] = "noindex"
    return response


def directory_header():
    return [
        _("First name"),
        _("Last name"),
        _("Job title"),
        _("Organisation"),
        _("Country"),
        _("Profession or sector"),
        _("Languages"),
        _("Areas of expertise"),
        _("E-mail"),
        _("Phone"),
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
