"""Publications in and out of spreadsheets (the admin's import and export), with what their
language editions say of themselves: their languages and titles. An edition's file is
uploaded in the admin, so an import gives titles to editions there and adds none
(carportal/resources.py says how rows are identified)."""

import re
from copy import copy

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from carportal import bulk_write
from carportal.bulk_import import RelatedRowsField, Written
from carportal.models import Language
from carportal.resources import (
    ContentResource,
    organisations,
    slug_field,
    status_field,
    topics_field,
)
from carportal.spreadsheets import (
    CodeWidget,
    NaturalKeyWidget,
    PartialDateField,
    TextWidget,
    one_of,
)
from projects.resources import project_widget
from publications.models import Edition, Publication

LANGUAGE_HINT = one_of(Language.values)


# A semicolon or line break before a language code and a colon starts the next title; any
# other stays in the title.
NEXT_TITLE = re.compile(r"[;\n]\s*(?=[A-Za-z]{2}\s*:)")


class EditionTitlesWidget(widgets.Widget):
    """Editions' own titles, each after its language code and a colon, separated by
    semicolons or line breaks: "fi: Lasten suojelu; ru: Защита детей"."""

    def clean(self, value, row=None, **kwargs):
        titles = {}
        items = NEXT_TITLE.split("" if value is None else str(value))
        for item in filter(None, (item.strip() for item in items)):
            code, colon, title = item.partition(":")
            code = code.strip().lower()
            if not colon or code not in Language.values:
                raise ValueError(
                    gettext(
                        "“%(item)s” is not a language code, a colon and a title, such as "
                        "“fi: Lasten suojelu”: %(hint)s"
                    )
                    % {"item": item, "hint": LANGUAGE_HINT}
                )
            titles[code] = title.strip()
        return list(titles.items())

    def render(self, value, obj=None, **kwargs):
        return "; ".join(f"{code}: {title}" for code, title in value or [])


class EditionTitlesField(RelatedRowsField):
    """The titles of the publication's editions that have one of their own, as (language,
    title); an edition left out has the publication's title. Writing changes titles only."""

    def __init__(self):
        super().__init__(
            "editions",
            "Edition titles",
            widget=EditionTitlesWidget(),
            key="language",
            link=(Edition, "publication", "language"),
        )
        self.languages = {}

    def stored_rows(self, pks):
        rows = Edition.objects.filter(publication__in=pks).values_list(
            "publication", "language", "title"
        )
        for publication, language, _title in rows:
            self.languages.setdefault(publication, set()).add(language)
        return [(publication, (language, title)) for publication, language, title in rows if title]

    def related(self, instance):
        return [
            (edition.language, edition.title)
            for edition in instance.editions.all()
            if edition.title
        ]

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not is_m2m:
            have = self.languages.get(instance.pk, set())
            if lacking := [code for code, _title in self.clean(row, **kwargs) if code not in have]:
                raise ValueError(
                    gettext(
                        "No edition in %(codes)s to give a title: upload its file in the admin "
                        "first, then import the titles."
                    )
                    % {"codes": ", ".join(lacking)}
                )
        super().save(instance, row, is_m2m, **kwargs)

    def write(self, instances):
        titles = {pk: dict(listed) for pk, listed in self.wanted(instances).items()}
        written = Written()
        if not titles:
            return written
        for edition in Edition.objects.filter(publication__in=titles).select_related("publication"):
            title = titles[edition.publication_id].get(edition.language, "")
            if edition.title != title:
                old = copy(edition)
                edition.title = title
                written.updated.append((old, edition))
        bulk_write.update(Edition, [new for _old, new in written.updated], ["title"])
        return written


class AmendsField(Field):
    """The publication this one amends, never itself (the model's constraint, checked here
    because an import in bulk leaves constraints to the database)."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        amends = self.clean(row, **kwargs)
        if amends is not None and amends.pk == instance.pk:
            raise ValueError(gettext("A publication cannot amend itself."))
        instance.amends = amends


def edition_languages(publication):
    return ",".join(edition.language for edition in publication.editions.all())


class PublicationResource(ContentResource):
    prefetch = ["project", "organisations", "topics", "amends", "editions"]

    slug = slug_field()
    title = Field("title", "Title", widget=TextWidget())
    subtitle = Field("subtitle", "Subtitle", widget=TextWidget())
    kind = Field(
        "kind",
        "Kind",
        widget=CodeWidget(Publication.Kind.values, hint=one_of(Publication.Kind.values)),
    )
    status = status_field()
    published = PartialDateField("published_on", "Published", precision="published_precision")
    project = Field("project", "Project", widget=project_widget())
    organisations = RelatedRowsField.many_to_many(
        Publication, "organisations", "Published with", widget=organisations(), key="name"
    )
    topics = topics_field(Publication)
    amends = AmendsField(
        "amends",
        "Amends",
        widget=NaturalKeyWidget(Publication, hint=_("use the slug of a publication.")),
    )
    summary = Field("summary", "Summary", widget=TextWidget())
    description = Field("description", "Description", widget=TextWidget())
    # Written by uploading an edition's file in the admin; an import reads past it.
    languages = Field(column_name="Languages", readonly=True, dehydrate_method=edition_languages)
    edition_titles = EditionTitlesField()

    class Meta:
        model = Publication
        fields = [
            "slug",
            "title",
            "subtitle",
            "kind",
            "status",
            "published",
            "project",
            "organisations",
            "topics",
            "amends",
            "summary",
            "description",
            "languages",
            "edition_titles",
        ]
        clean_model_instances = True
