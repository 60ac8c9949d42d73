from django import forms
from django.utils.translation import gettext_lazy as _

from carportal.models import Language, Topic
from network.models import CONSENT_WORDINGS, CURRENT_CONSENT_VERSION, ContactPoint


class DescribedErrorsMixin:
    """Ties each field's error list to its input (aria-describedby), beside its help text.

    The template gives the list the id ``<field id>_error``.
    """

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            field = self[name]
            described_by = [f"{field.auto_id}_error"]
            if field.help_text:
                described_by.append(f"{field.auto_id}_helptext")
            field.field.widget.attrs["aria-describedby"] = " ".join(described_by)


class ContactPointForm(DescribedErrorsMixin, forms.ModelForm):
    """A person's own entry, as they fill it in to join and later change it."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you can work in"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Areas of expertise"),
        queryset=Topic.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

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
            "show_job_title",
            "show_phone",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    DETAILS = [
        "first_name",
        "last_name",
        "organisation",
        "country",
        "profession",
        "job_title",
        "phone",
        "show_job_title",
        "show_phone",
    ]
    AUTOCOMPLETE = {
        "first_name": "given-name",
        "last_name": "family-name",
        "email": "email",
        "organisation": "organization",
        "job_title": "organization-title",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in self.AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = value

    def _get_validation_exclusions(self):
        # Leaves the e-mail out of the model's uniqueness checks: an error for a known
        # address would tell anyone who is a member. The services answer it by e-mail.
        return super()._get_validation_exclusions() | {"email"}

    def entry_arguments(self):
        """The keyword arguments the services take for an entry's details."""
        data = self.cleaned_data
        return {
            "email": data["email"],
            "details": {name: data[name] for name in self.DETAILS},
            "languages": data["languages"],
            "expertise": data["expertise"],
        }


class SignupForm(ContactPointForm):
    consent = forms.BooleanField(
        label=CONSENT_WORDINGS[CURRENT_CONSENT_VERSION],
        error_messages={"required": _("Please agree, or we cannot add you to the network.")},
    )
    # A honeypot: hidden from people (see the template), filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))

    def signup_arguments(self):
        return {**self.entry_arguments(), "consent_version": CURRENT_CONSENT_VERSION}


class DetailsForm(ContactPointForm):
    """A member's change to their own entry, from their personal link. The form only reads
    the entry: services.member_update stores the change."""

    def __init__(self, *args, instance, initial=None, **kwargs):
        # Languages are rows of their own, which a model form does not fill in.
        initial = {
            "languages": [row.language for row in instance.languages.all()],
            **(initial or {}),
        }
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        self.fields["email"].help_text = _(
            "A new address replaces this one once you follow the link we send to it."
        )
        self.fields["organisation"].help_text = _(
            "A new organisation is checked by the CBSS Secretariat before you are listed again."
        )


class SignInForm(DescribedErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address you joined the network with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
