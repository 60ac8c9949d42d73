from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter

from carportal.admin import ActionCheckboxMixin, ReadOnlyAdminMixin, TabularLabelsMixin
from carportal.audit import HistoryAdminMixin
from carportal.pdf import pdf_admin_action
from carportal.spreadsheets import SpreadsheetAdminMixin
from network import services
from network.models import ContactPoint, ContactPointLanguage, Departure, OutboxMessage
from network.resources import ContactPointResource
from network.views import directory_pdf


class ContactPointPartInline(TabularLabelsMixin, admin.TabularInline):
    """Rows that are part of a contact point: whoever may see or edit the contact point may
    see or edit them, without permissions of their own."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("network.view_contactpoint") or self.has_change_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("network.change_contactpoint")

    has_add_permission = has_delete_permission = has_change_permission


class ContactPointLanguageInline(ContactPointPartInline):
    model = ContactPointLanguage


class OutboxMessageInline(ContactPointPartInline):
    """The e-mails sent or waiting for this person, so staff can tell what they were sent."""

    model = OutboxMessage
    fields = readonly_fields = ["kind", "cycle", "created_at", "sent_at"]

    def has_add_permission(self, request, obj=None):
        return False

    has_delete_permission = has_add_permission


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the secretariat's records only: it is never e-mailed to the person."),
    )


@admin.register(ContactPoint)
class ContactPointAdmin(
    ActionCheckboxMixin, HistoryAdminMixin, SpreadsheetAdminMixin, admin.ModelAdmin
):
    list_display = [
        "__str__",
        "organisation",
        "country_name",
        "profession",
        "status",
        "created_at",
    ]
    list_filter = ["status", "profession", ("country", CountryFilter), "created_at"]
    search_fields = ["first_name", "last_name", "email", "organisation"]
    date_hierarchy = "created_at"
    list_select_related = ["decided_by"]
    autocomplete_fields = ["expertise"]
    inlines = [ContactPointLanguageInline, OutboxMessageInline]
    actions = [
        "approve_selected",
        "reject_selected",
        pdf_admin_action(
            ContactPoint.objects.for_directory,
            directory_pdf,
            none_shown=_("Only approved members are in the directory's PDF, and none of these is."),
        ),
    ]
    resource_classes = [ContactPointResource]

    # Only superusers may delete. A deleted entry is erased like a withdrawal, and the
    # admin's own record of the deletion loses the name with the rest.
    def delete_model(self, request, obj):
        services.member_delete(contact_point=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.member_delete(contact_point=entry)

    # The vetting record is written by the approve and reject actions only.
    readonly_fields = [
        "status",
        "confirmed_at",
        "decided_by",
        "decided_at",
        "reject_reason",
        "pending_email",
        "reconfirm_requested_at",
        "lapsed_at",
        "consent_version",
        "consent_given_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("first_name", "last_name"),
                    "email",
                    "organisation",
                    "country",
                    "profession",
                    "job_title",
                    "phone",
                    "expertise",
                    ("show_job_title", "show_phone"),
                ]
            },
        ),
        (
            _("Vetting"),
            {
                "fields": [
                    "status",
                    ("created_at", "confirmed_at"),
                    ("decided_by", "decided_at"),
                    "reject_reason",
                    "pending_email",
                    ("reconfirm_requested_at", "lapsed_at"),
                    ("consent_version", "consent_given_at"),
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        # The name, as the plain column showed it, without django-countries listing every
        # country's name for each row: a fifth of a second on a page of 100.
        return obj.country.name

    def has_review_permission(self, request):
        return request.user.has_perm("network.review_contactpoint")

    @admin.action(description=_("Approve the selected entries"), permissions=["review"])
    def approve_selected(self, request, queryset):
        def approve(entry):
            services.member_approve(contact_point=entry, by=request.user)

        def done(count):
            return ngettext(
                "%(count)d entry approved; the member gets a welcome e-mail.",
                "%(count)d entries approved; each member gets a welcome e-mail.",
                count,
            ) % {"count": count}

        self._decide(request, queryset, approve, done)

    @admin.action(description=_("Reject the selected entries…"), permissions=["review"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():

            def reject(entry):
                reason = form.cleaned_data["reason"]
                services.member_reject(contact_point=entry, by=request.user, reason=reason)

            def done(count):
                return ngettext(
                    "%(count)d entry rejected; the person gets a short e-mail without the reason.",
                    "%(count)d entries rejected; each person gets a short e-mail without the "
                    "reason.",
                    count,
                ) % {"count": count}

            self._decide(request, queryset, reject, done)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject entries"),
            "opts": self.opts,
            "entries": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/network/contactpoint/reject.html", context)

    def _awaiting_review(self, request, queryset):
        entries = list(queryset.select_for_update(of=("self",)).awaiting_review())
        skipped = queryset.count() - len(entries)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry was left alone: only entries awaiting review can be decided.",
                    "%(count)d entries were left alone: only entries awaiting review can be "
                    "decided.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
        return entries

    def _decide(self, request, queryset, decide, done):
        """Apply one vetting decision to each selected entry awaiting review, with a log entry
        naming who decided; ``done(count)`` says what happened."""
        entries = self._awaiting_review(request, queryset)
        for entry in entries:
            decide(entry)
            self.log_change(request, entry, [{"changed": {"fields": ["status"]}}])
        if entries:
            self.message_user(request, done(len(entries)), messages.SUCCESS)


@admin.register(Departure)
class DepartureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """How many people left each month: written by the withdraw and erase steps only."""

    list_display = ["month", "reason", "count"]
    list_filter = ["reason"]
    date_hierarchy = "month"
