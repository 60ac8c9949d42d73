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


class SignupForm(DescribedErrorsMixin, forms.ModelForm):
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
    consent = forms.BooleanField(
        label=CONSENT_WORDINGS[CURRENT_CONSENT_VERSION],
        error_messages={"required": _("Please agree, or we cannot add you to the network.")},
    )
    # A honeypot: hidden from people (see the template), filled in by bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete = {
            "first_name": "given-name",
            "last_name": "family-name",
            "email": "email",
            "organisation": "organization",
            "job_title": "organization-title",
            "website": "off",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.fields["website"].widget.attrs["tabindex"] = "-1"

    def _get_validation_exclusions(self):
        # Leaves the e-mail out of the model's uniqueness checks: an error for a known
        # address would tell anyone who is a member. member_signup answers it by e-mail.
        return super()._get_validation_exclusions() | {"email"}

    def is_bot(self):
        return bool(self.cleaned_data.get("website"))

    def signup_arguments(self):
        data = self.cleaned_data
        return {
            "email": data["email"],
            "details": {name: data[name] for name in self.DETAILS},
            "languages": data["languages"],
            "expertise": data["expertise"],
            "consent_version": CURRENT_CONSENT_VERSION,
        }


class SignInForm(DescribedErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The address you joined the network with."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
