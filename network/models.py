from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from carportal.models import Language, Topic

# The consent wording a member agreed to is part of their entry: a new wording is a new
# version here, and entries keep the version they agreed to.
CONSENT_WORDINGS = {
    "2026-11": _(
        "I agree that my name, organisation, country, profession, languages, areas of expertise, "
        "e-mail address and the contact details I choose to show are shared with the other "
        "vetted members of the PROTECT Network, and that the CBSS Secretariat keeps them for "
        "as long as I am a member. I can withdraw at any time."
    ),
}
CURRENT_CONSENT_VERSION = "2026-11"

VISIBLE_TO_MEMBERS = _("Shown to vetted members of the network.")
STAFF_ONLY = _("Seen only by network staff; never shown to members or the public.")


class IllegalTransition(ValidationError):
    """A vetting step that the entry's current status does not allow."""


class ContactPointQuerySet(models.QuerySet):
    def awaiting_review(self):
        return self.filter(status=ContactPoint.Status.AWAITING_REVIEW)

    def approved(self):
        return self.filter(status=ContactPoint.Status.APPROVED)

    def with_personal_link(self):
        return self.filter(status__in=ContactPoint.WITH_PERSONAL_LINK)

    def due_for_reconfirmation(self):
        """Members last confirmed NETWORK_RECONFIRM_AFTER ago and not asked yet."""
        # Entries imported without a confirmation date count from their approval.
        last_confirmed = Coalesce("confirmed_at", "decided_at", "created_at")
        return (
            self.approved()
            .filter(reconfirm_requested_at=None)
            .alias(last_confirmed=last_confirmed)
            .filter(last_confirmed__lt=timezone.now() - settings.NETWORK_RECONFIRM_AFTER)
        )

    def past_reconfirmation_grace(self):
        """Members asked to re-confirm who did not answer within NETWORK_RECONFIRM_GRACE."""
        deadline = timezone.now() - settings.NETWORK_RECONFIRM_GRACE
        return self.approved().filter(reconfirm_requested_at__lt=deadline)

    def lapsed_for_erasure(self):
        deadline = timezone.now() - settings.NETWORK_LAPSED_KEEP
        return self.filter(status=ContactPoint.Status.LAPSED, lapsed_at__lt=deadline)

    def for_directory(self):
        """Approved members with what the directory shows of them, in a fixed number of queries."""
        return self.approved().prefetch_related("languages", "expertise")


class ContactPoint(models.Model):
    """A professional who asked to join the PROTECT Network, and where their vetting stands."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Waiting for e-mail confirmation")
        AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        LAPSED = "lapsed", _("Dropped out: did not re-confirm")

    class Profession(models.TextChoices):
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        SOCIAL_SERVICES = "social_services", _("Social services")
        HEALTH = "health", _("Health")
        POLICE = "police", _("Police and law enforcement")
        BORDER_GUARD = "border_guard", _("Border guard")
        JUDICIARY = "judiciary", _("Prosecution and judiciary")
        IMMIGRATION = "immigration", _("Immigration and asylum")
        GUARDIANSHIP = "guardianship", _("Guardianship")
        EDUCATION = "education", _("Education")
        NGO = "ngo", _("Non-governmental organisation")
        ACADEMIA = "academia", _("Academia and research")
        MINISTRY = "ministry", _("Ministry")
        OTHER = "other", _("Other")

    # From each status, the statuses a step may move the entry to. Withdrawing is not a
    # status: it erases the entry (services.member_withdraw).
    NEXT_STATUSES = {
        Status.UNCONFIRMED: {Status.AWAITING_REVIEW},
        Status.AWAITING_REVIEW: {Status.APPROVED, Status.REJECTED},
        # Back to review when the member changes their organisation or e-mail address.
        Status.APPROVED: {Status.AWAITING_REVIEW, Status.LAPSED},
        Status.REJECTED: set(),
        Status.LAPSED: {Status.APPROVED},
    }
    # The statuses in which the person's personal link works: they can see and change their
    # entry, re-confirm it, or withdraw.
    WITH_PERSONAL_LINK = {Status.AWAITING_REVIEW, Status.APPROVED, Status.LAPSED}

    first_name = models.CharField(_("first name"), max_length=100, help_text=VISIBLE_TO_MEMBERS)
    last_name = models.CharField(_("last name"), max_length=100, help_text=VISIBLE_TO_MEMBERS)
    email = models.EmailField(
        _("e-mail address"),
        help_text=_("Always shown to vetted members; the network's mail goes here."),
    )
    organisation = models.CharField(_("organisation"), max_length=200, help_text=VISIBLE_TO_MEMBERS)
    country = CountryField(
        _("country"), help_text=_("The country you work in. Shown to vetted members.")
    )
    profession = models.CharField(
        _("profession or sector"),
        max_length=20,
        choices=Profession.choices,
        help_text=VISIBLE_TO_MEMBERS,
    )
    job_title = models.CharField(
        _("job title"),
        max_length=200,
        blank=True,
        help_text=_("Shown to vetted members only if you choose so below."),
    )
    phone = PhoneNumberField(
        _("phone number"),
        blank=True,
        help_text=_(
            "With the country code, such as +46 8 440 19 20. "
            "Shown to vetted members only if you choose so below."
        ),
    )
    expertise = models.ManyToManyField(
        Topic,
        verbose_name=_("areas of expertise"),
        blank=True,
        related_name="contact_points",
        help_text=VISIBLE_TO_MEMBERS,
    )
    show_phone = models.BooleanField(
        _("show my phone number to members"), default=False, help_text=VISIBLE_TO_MEMBERS
    )
    show_job_title = models.BooleanField(
        _("show my job title to members"), default=True, help_text=VISIBLE_TO_MEMBERS
    )
    consent_version = models.CharField(
        _("consent wording version"),
        max_length=20,
        choices=[(version, version) for version in CONSENT_WORDINGS],
        help_text=_("The wording this person agreed to when they signed up. ") + STAFF_ONLY,
    )
    consent_given_at = models.DateTimeField(_("consent given at"), help_text=STAFF_ONLY)

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.UNCONFIRMED,
        help_text=_("Only approved members are listed. ") + STAFF_ONLY,
    )
    confirmed_at = models.DateTimeField(
        _("last confirmed at"),
        null=True,
        blank=True,
        help_text=_(
            "When the person last confirmed their entry: by the link in their first e-mail, "
            "then once a year. "
        )
        + STAFF_ONLY,
    )
    pending_email = models.EmailField(
        _("new e-mail address, not yet confirmed"),
        blank=True,
        help_text=_(
            "The member asked to change their address; it replaces the current one once they "
            "follow the link sent to it. "
        )
        + STAFF_ONLY,
    )
    reconfirm_requested_at = models.DateTimeField(
        _("asked to re-confirm at"),
        null=True,
        blank=True,
        help_text=_(
            "Members are asked once a year whether they want to stay listed; without an answer "
            "they drop out. "
        )
        + STAFF_ONLY,
    )
    lapsed_at = models.DateTimeField(
        _("dropped out at"),
        null=True,
        blank=True,
        help_text=_("Dropped out for not re-confirming; erased if they do not come back. ")
        + STAFF_ONLY,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Who approved or rejected the entry. ") + STAFF_ONLY,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, help_text=STAFF_ONLY)
    reject_reason = models.TextField(
        _("reason for rejection"),
        blank=True,
        help_text=_("Internal note: never e-mailed to the person. ") + STAFF_ONLY,
    )
    last_sign_in_at = models.DateTimeField(
        _("last signed in to the directory"),
        null=True,
        blank=True,
        help_text=_("Each sign-in link works once: using one changes this. ") + STAFF_ONLY,
    )
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactPointQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        indexes = [
            # The admin's list, in this order (its last key, -id, makes the order total).
            models.Index(fields=["last_name", "first_name", "-id"], name="contact_point_order"),
        ]
        permissions = [
            ("review_contactpoint", _("Can approve or reject contact points")),
            ("export_contactpoint", _("Can export contact points to a spreadsheet")),
            ("import_contactpoint", _("Can import contact points from a spreadsheet")),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="contact_point_email_unique_ci",
                violation_error_message=_("A contact point with this e-mail address exists."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "rejected"])
                | models.Q(decided_at__isnull=False),
                name="contact_point_decision_has_date",
                violation_error_message=_("An approved or rejected entry needs a decision date."),
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def _move_to(self, status, *, only_from=None):
        """Move to ``status`` if the table allows it, and, when the step names them, only
        from the statuses ``only_from``: a status can be reached by different steps."""
        allowed = status in self.NEXT_STATUSES[self.status]
        if not allowed or (only_from is not None and self.status not in only_from):
            raise IllegalTransition(
                _("A contact point cannot go from “%(old)s” to “%(new)s”."),
                params={"old": self.get_status_display(), "new": self.Status(status).label},
            )
        self.status = status

    def confirm(self):
        self._move_to(self.Status.AWAITING_REVIEW, only_from={self.Status.UNCONFIRMED})
        self.confirmed_at = timezone.now()

    def approve(self, *, by):
        self._move_to(self.Status.APPROVED)
        self.decided_by, self.decided_at = by, timezone.now()

    def reject(self, *, by, reason):
        self._move_to(self.Status.REJECTED)
        self.decided_by, self.decided_at, self.reject_reason = by, timezone.now(), reason

    def return_to_review(self):
        self._move_to(self.Status.AWAITING_REVIEW)

    def ask_to_reconfirm(self):
        self.reconfirm_requested_at = timezone.now()

    def reconfirm(self):
        """The member wants to stay listed, or, having dropped out, to come back."""
        if self.status == self.Status.LAPSED:
            self._move_to(self.Status.APPROVED)
        self.confirmed_at = timezone.now()
        self.reconfirm_requested_at = self.lapsed_at = None

    def lapse(self):
        self._move_to(self.Status.LAPSED)
        self.lapsed_at = timezone.now()

    @property
    def has_personal_link(self):
        return self.status in self.WITH_PERSONAL_LINK

    @property
    def consent_wording(self):
        return CONSENT_WORDINGS[self.consent_version]


class ContactPointLanguage(models.Model):
    """A language a contact point can work in; its own row so the directory can filter on it."""

    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        on_delete=models.CASCADE,
        related_name="languages",
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, help_text=VISIBLE_TO_MEMBERS
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("working language")
        verbose_name_plural = _("working languages")
        constraints = [
            models.UniqueConstraint(
                fields=["contact_point", "language"], name="contact_point_language_once"
            )
        ]

    def __str__(self):
        return Language.label_of(self.language)


class OutboxMessage(models.Model):
    """An e-mail the network owes someone: stored with the change that calls for it, so
    neither a broker nor a mail server outage loses it; sent at most once."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirm your e-mail address")
        ALREADY_MEMBER = "already_member", _("Already a member")
        REVIEW_REQUEST = "review_request", _("New entry to review (to the secretariat)")
        WELCOME = "welcome", _("Welcome")
        REJECTION = "rejection", _("Not added")
        SIGN_IN = "sign_in", _("Sign-in link")
        EMAIL_CHANGE = "email_change", _("Confirm a new e-mail address (to the new address)")
        RECONFIRM = "reconfirm", _("Yearly: do you want to stay listed?")
        LAPSED = "lapsed", _("Dropped out, and how to come back")

    contact_point = models.ForeignKey(
        ContactPoint,
        verbose_name=_("contact point"),
        on_delete=models.CASCADE,
        related_name="outbox_messages",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    cycle = models.PositiveIntegerField(
        _("cycle"), help_text=_("1 for the first message of this kind to this person, and so on.")
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["contact_point", "kind", "cycle"], name="outbox_message_once_per_cycle"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.cycle}"


class Departure(models.Model):
    """How many people left the network in a month, and why: all that remains of an entry
    once it is erased, so the secretariat can report on the network without personal data."""

    class Reason(models.TextChoices):
        WITHDREW = "withdrew", _("Withdrew")
        LAPSED = "lapsed", _("Did not re-confirm and did not come back")
        REMOVED = "removed", _("Deleted by an administrator")

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    count = models.PositiveIntegerField(_("number of people"), default=0)

    class Meta:
        ordering = ["-month", "reason"]
        verbose_name = _("departure count")
        verbose_name_plural = _("departure counts")
        constraints = [
            models.UniqueConstraint(fields=["month", "reason"], name="departure_once_per_month")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.get_reason_display()}: {self.count}"
