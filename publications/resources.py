"""Publications in and out of spreadsheets (the admin's import and export), with what their
language editions say of themselves: their languages and titles. An edition's file is
uploaded in the admin, so an import gives titles to editions there and adds none
(carportal/resources.py says how rows are identified)."""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import widgets
from import_export.fields import Field

from carportal.models import Language
from carportal.resources import (
    ContentResource,
    organisations,
    setter,
    slug_field,
    status_field,
    topics_field,
)
from carportal.spreadsheets import (
    CodeWidget,
    NaturalKeyWidget,
    PartialDateField,
    RelatedRowsField,
    TextWidget,
    one_of,
)
from projects.resources import project_widget
from publications.models import Publication

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


def write_edition_titles(publication, titles):
    titles = dict(titles)
    for edition in publication.editions.all():
        title = titles.get(edition.language, "")
        if edition.title != title:
            edition.title = title
            edition.save(update_fields=["title"])


class EditionTitlesField(RelatedRowsField):
    """The titles of the publication's editions that have one of their own; an edition
    left out has the publication's title."""

    def __init__(self):
        super().__init__(
            "editions",
            "Edition titles",
            widget=EditionTitlesWidget(),
            key="language",
            write=write_edition_titles,
        )

    def get_value(self, instance):
        if instance.pk is None:
            return []
        return [(edition.language, edition.title) for edition in self.related(instance)]

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not is_m2m:
            have = set()
            if instance.pk is not None:
                have = {edition.language for edition in instance.editions.all()}
            if lacking := [code for code, _title in self.clean(row, **kwargs) if code not in have]:
                raise ValueError(
                    gettext(
                        "No edition in %(codes)s to give a title: upload its file in the admin "
                        "first, then import the titles."
                    )
                    % {"codes": ", ".join(lacking)}
                )
        super().save(instance, row, is_m2m, **kwargs)

    def unchanged(self, instance, row, **kwargs):
        return set(self.clean(row, **kwargs)) == set(self.get_value(instance))

    def related(self, instance):
        return [edition for edition in instance.editions.all() if edition.title]


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
    organisations = RelatedRowsField(
        "organisations",
        "Published with",
        widget=organisations(),
        key="name",
        write=setter("organisations"),
    )
    topics = topics_field()
    amends = Field(
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
