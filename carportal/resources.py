"""Content in and out of spreadsheets (the admin's import and export): what every content
list shares, and organisations.

A row is the record whose slug is in its "Slug" cell or, where that cell is empty, whose slug
its name makes (as the admin's slug field would), so importing the same file again updates
the rows it made instead of adding them twice. Related records are named as people know them:
countries by code, topics and projects by slug, organisations by name or acronym.
"""

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from carportal.bulk_import import BulkImportResource, RelatedRowsField
from carportal.models import Country, Organisation, Publishable, Topic
from carportal.spreadsheets import (
    CodeWidget,
    NaturalKeyListWidget,
    NaturalKeyWidget,
    ReferenceField,
    TextWidget,
    YesNoWidget,
    one_of,
)

COUNTRY_HINT = _("use the two-letter ISO 3166 code, such as FI or UA (EU for the European Union).")
ORGANISATION_HINT = _("use the organisation's name, or its acronym, as listed in the admin.")
TOPIC_HINT = _("use the slug or name of a topic, such as child-trafficking.")


def organisations(widget=NaturalKeyListWidget):
    """Organisations by name or acronym, exported by name, separated by semicolons since
    names may hold commas."""
    return widget(
        Organisation,
        names=("name", "short_name"),
        export_field="name",
        separator="; ",
        commas=False,
        hint=ORGANISATION_HINT,
    )


def country_field():
    return ReferenceField(
        "country", "Country", widget=NaturalKeyWidget(Country, names=("name",), hint=COUNTRY_HINT)
    )


def status_field():
    return Field(
        "status",
        "Status",
        widget=CodeWidget(Publishable.Status.values, hint=one_of(Publishable.Status.values)),
    )


def topics_field(model):
    return RelatedRowsField.many_to_many(
        model,
        "topics",
        "Topics",
        widget=NaturalKeyListWidget(Topic, names=("name",), hint=TOPIC_HINT),
        key="slug",
    )


class ContentResource(BulkImportResource):
    """A content list identified by slug (see the module's docstring), imported in bulk
    (carportal/bulk_import.py). ``name_field`` makes the slug of a row without one;
    ``prefetch`` lists what an export reads of each row.
    """

    name_field = "title"
    prefetch = []

    def get_required_columns(self):
        return [self.fields[self.name_field].column_name]

    @property
    def key_field(self):
        return self.fields["slug"]

    def row_key(self, row):
        slug = str(row.get(self.fields["slug"].column_name) or "").strip()
        if slug:
            return slug
        name = row.get(self.fields[self.name_field].column_name)
        return slugify(str(name or ""))[: self._meta.model._meta.get_field("slug").max_length]

    def key_column(self, row):
        slug = self.fields["slug"].column_name
        return (
            slug if str(row.get(slug) or "").strip() else self.fields[self.name_field].column_name
        )

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if new:
            instance.slug = self.row_key(row)

    def export(self, queryset=None, **kwargs):
        queryset = self.get_queryset() if queryset is None else queryset
        return super().export(queryset.prefetch_related(*self.prefetch), **kwargs)


def slug_field():
    # Read by ContentResource.get_instance, never written to a row on file.
    return Field("slug", "Slug", readonly=True)


class OrganisationResource(ContentResource):
    name_field = "name"
    prefetch = ["country"]

    slug = slug_field()
    name = Field("name", "Name", widget=TextWidget())
    short_name = Field("short_name", "Acronym", widget=TextWidget())
    kind = Field(
        "kind",
        "Kind",
        widget=CodeWidget(Organisation.Kind.values, hint=one_of(Organisation.Kind.values)),
    )
    country = country_field()
    website = Field("website", "Website", widget=TextWidget())
    is_active = Field("is_active", "Active", widget=YesNoWidget(empty=True))

    # Names are unique too: a name on file under another slug is a row error, not a failed import.
    check_unique = True

    class Meta:
        model = Organisation
        fields = ["slug", "name", "short_name", "kind", "country", "website", "is_active"]
        clean_model_instances = True
