"""Contact points in and out of spreadsheets (the admin's import and export).

The e-mail address identifies an entry, whatever its case. An import only stores what the
file says: it sends no e-mail and queues none, so members hear nothing of it.
"""

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from import_export.fields import Field
from phonenumber_field.phonenumber import to_python

from carportal.bulk_import import BulkImportResource, RelatedRowsField
from carportal.models import Language, Topic
from carportal.spreadsheets import (
    CodeListWidget,
    CodeWidget,
    DateTimeWidget,
    EmailWidget,
    NaturalKeyListWidget,
    TextWidget,
    YesNoWidget,
    one_of,
)
from network.models import CONSENT_WORDINGS, ContactPoint, ContactPointLanguage

DECIDED = {ContactPoint.Status.APPROVED, ContactPoint.Status.REJECTED}


class PhoneWidget(TextWidget):
    """A phone number with its country code, stored and exported as E.164 (+358401234567)."""

    checks_whole_value = True  # a valid number, as the model field checks

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return ""
        number = to_python(text)
        if not number.is_valid():
            raise ValueError(
                gettext(
                    "“%(value)s” is not a phone number: write it with the country code, "
                    "such as +46 8 440 19 20."
                )
                % {"value": text}
            )
        return number

    def render(self, value, obj=None, **kwargs):
        return value.as_e164 if value else ""


class AddressField(Field):
    """The address that identifies the entry: given to a new entry; an entry on file keeps
    its own, which the file's can differ from only in case."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        email = self.clean(row, **kwargs)
        if instance.pk is None:
            instance.email = email


class StatusField(Field):
    """The vetting status. A new entry may start in any status but dropped out. An entry on
    file moves only by a vetting decision, from awaiting review to approved or rejected;
    anything else (listing again someone who dropped out, say) is the member's own step or
    the yearly re-confirmation's. A decision records the importing user and the time."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        status = self.clean(row, **kwargs)
        user = kwargs.get("user")
        Status = ContactPoint.Status
        if instance.pk is None:
            if status == Status.LAPSED:
                raise ValueError(gettext("A new entry cannot start as dropped out."))
            instance.status = status
            if status in DECIDED:
                instance.decided_by, instance.decided_at = user, timezone.now()
        elif status == instance.status:
            return
        elif (instance.status, status) == (Status.AWAITING_REVIEW, Status.APPROVED):
            instance.approve(by=user)
        elif (instance.status, status) == (Status.AWAITING_REVIEW, Status.REJECTED):
            instance.reject(by=user, reason=instance.reject_reason)
        else:
            raise ValueError(
                gettext(
                    "An import cannot move an entry from “%(old)s” to “%(new)s”: only from "
                    "awaiting review to approved or rejected."
                )
                % {"old": instance.get_status_display(), "new": Status(status).label}
            )


class LastChangedField(Field):
    """When the entry was last saved, as the file was exported. A row from an older file
    neither overwrites what changed since (a member's own edits) nor brings back an entry
    that has gone (erased when the person left). Empty in a file made by hand."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        exported = self.clean(row, **kwargs)
        if exported is None:
            return
        if instance.pk is None:
            raise ValueError(
                gettext(
                    "No entry has this address any more: the person left the network or "
                    "changed their address after the file was exported. Remove the row, or "
                    "export again."
                )
            )
        if exported != instance.updated_at:
            raise ValueError(
                gettext(
                    "The entry changed on %(date)s, after the file was exported: export again "
                    "and make your changes in the new file."
                )
                % {"date": date_format(timezone.localtime(instance.updated_at), "DATETIME_FORMAT")}
            )


class ContactPointResource(BulkImportResource):
    key_expression = Lower("email")

    # Column names are fixed, not translated: a file exported in one language must import
    # in another.
    first_name = Field("first_name", "First name", widget=TextWidget())
    last_name = Field("last_name", "Last name", widget=TextWidget())
    email = AddressField("email", "E-mail", widget=EmailWidget())
    organisation = Field("organisation", "Organisation", widget=TextWidget())
    country = Field(
        "country",
        "Country",
        widget=CodeWidget(
            [code for code, _name in countries],
            hint=_("use the two-letter ISO 3166 code, such as FI or UA."),
            upper=True,
        ),
    )
    profession = Field(
        "profession",
        "Profession",
        widget=CodeWidget(
            ContactPoint.Profession.values, hint=one_of(ContactPoint.Profession.values)
        ),
    )
    job_title = Field("job_title", "Job title", widget=TextWidget())
    phone = Field("phone", "Phone", widget=PhoneWidget())
    languages = RelatedRowsField(
        "languages",
        "Languages",
        widget=CodeListWidget(Language.values, hint=one_of(Language.values)),
        key="language",
        link=(ContactPointLanguage, "contact_point", "language"),
    )
    expertise = RelatedRowsField(
        "expertise",
        "Areas of expertise",
        widget=NaturalKeyListWidget(
            Topic, hint=_("use the slugs of topics, such as child-trafficking.")
        ),
        key="slug",
        link=(ContactPoint.expertise.through, "contactpoint", "topic"),
    )
    show_phone = Field("show_phone", "Show phone", widget=YesNoWidget())
    show_job_title = Field("show_job_title", "Show job title", widget=YesNoWidget())
    status = StatusField(
        "status",
        "Status",
        widget=CodeWidget(ContactPoint.Status.values, hint=one_of(ContactPoint.Status.values)),
    )
    consent_version = Field(
        "consent_version",
        "Consent version",
        widget=CodeWidget(
            CONSENT_WORDINGS,
            hint=format_lazy(
                _("give the version of the consent wording the person agreed to: {codes}."),
                codes=", ".join(CONSENT_WORDINGS),
            ),
        ),
    )
    consent_given_at = Field(
        "consent_given_at",
        "Consent given at",
        widget=DateTimeWidget(
            required=True, hint=_("give when the person agreed, such as 2026-11-03 14:05.")
        ),
    )
    last_changed = LastChangedField("updated_at", "Last changed", widget=DateTimeWidget())

    class Meta:
        model = ContactPoint
        fields = [
            "first_name",
            "last_name",
            "email",
            "organisation",
            "country",
            "profession",
            "job_title",
            "phone",
            "languages",
            "expertise",
            "show_phone",
            "show_job_title",
            "status",
            "consent_version",
            "consent_given_at",
            "last_changed",
        ]
        import_id_fields = ["email"]
        clean_model_instances = True

    def normalise_key(self, value):
        # Addresses differ in case only between spreadsheets, never between people.
        return super().normalise_key(value).lower()

    def export(self, queryset=None, **kwargs):
        queryset = self.get_queryset() if queryset is None else queryset
        return super().export(queryset.prefetch_related("languages", "expertise"), **kwargs)
