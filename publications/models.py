from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carportal.dates import format_date, precision_field
from carportal.markdown import MarkdownField
from carportal.models import (
    Attachment,
    Language,
    NewestFirstIndex,
    Organisation,
    Publishable,
    PublishableQuerySet,
    Topic,
    web_address_field,
)
from carportal.search import mark_words, snippet_html
from projects.models import Project
from publications.coverage import coverage_of


class PublicationQuerySet(PublishableQuerySet):
    def newest_first(self):
        """By publication date; an undated one by the end of the project it came from (the
        best date known for it), rather than after every dated one however old."""
        return self.order_by(
            Coalesce("published_on", "project__end_date").desc(nulls_last=True), "title"
        )

    def for_list(self):
        return self.prefetch_related("editions")

    def for_coverage(self):
        """The works × languages matrix: what names and links a work, and the languages of
        its editions, not the editions' files."""
        return self.only("slug", "title", "published_on", "published_precision").prefetch_related(
            # Unordered: the edition's own order would join the publications again.
            models.Prefetch(
                "editions", queryset=Edition.objects.only("publication", "language").order_by()
            )
        )

    def for_detail(self, drafts=False):
        """A published publication's page (or a draft's, for staff to preview), with only the
        published rows it links to."""
        from meetings.models import Meeting

        published = Publication.objects.published()
        return self.published_unless(drafts).prefetch_related(
            # Prefetches rather than joins, so that a draft project or original reads as None.
            models.Prefetch("project", queryset=Project.objects.published()),
            models.Prefetch("amends", queryset=published),
            models.Prefetch("addenda", queryset=published),
            models.Prefetch("builds_on", queryset=published),
            models.Prefetch("built_upon_by", queryset=published),
            models.Prefetch("meetings", queryset=Meeting.objects.published()),
            "editions",
            "organisations",
            models.Prefetch("topics", queryset=Topic.objects.active()),
        )


class Publication(Publishable):
    class Kind(models.TextChoices):
        GUIDELINES = "guidelines", _("Guidelines")
        ADDENDUM = "addendum", _("Addendum")
        PRACTICAL_GUIDE = "practical_guide", _("Practical guide")
        GUIDANCE = "guidance", _("Guidance")
        HANDBOOK = "handbook", _("Handbook")
        REPORT = "report", _("Report")
        CONCLUSIONS = "conclusions", _("Conclusions")
        TRAINING_MATERIAL = "training_material", _("Training material")
        POLICY_BRIEF = "policy_brief", _("Policy brief")
        OTHER = "other", _("Other")

    slug = web_address_field("publications")
    title = models.CharField(_("title"), max_length=255)
    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    published_on = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Leave empty if unknown. With a month or year precision, any day in it."),
    )
    published_precision = precision_field(_("publication date precision"))
    publish_on = models.DateField(
        _("go public on"),
        null=True,
        blank=True,
        help_text=_(
            "To publish a draft later: it goes public on this day, shortly after midnight "
            "(Stockholm time). Leave empty to publish by hand."
        ),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name=_("project"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="publications",
        verbose_name=_("published with"),
        help_text=_("Partners that authored or published it together with the CBSS."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="publications", verbose_name=_("topics")
    )
    summary = models.TextField(_("summary"), help_text=_("Shown in lists and search results."))
    description = MarkdownField(_("description"), blank=True)
    builds_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="built_upon_by",
        verbose_name=_("builds on"),
        help_text=_(
            "Publications this one is based on or summarises; each page links to the other."
        ),
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addenda",
        verbose_name=_("amends"),
        help_text=_("For an addendum or update: the publication it adds to."),
    )

    TAKEN_SLUGS = Publishable.TAKEN_SLUGS | {"languages"}  # the table of translations

    objects = PublicationQuerySet.as_manager()
    # Site search (carportal/search.py): the weight of each field's words, the editions' own
    # titles, in their languages, as the title. On PostgreSQL triggers keep them in the
    # search_vector column (migration 0007).
    search_fields = {
        "title": "A",
        "subtitle": "B",
        "summary": "B",
        "description": "C",
        "editions__title": "A",
    }

    class Meta:
        ordering = [models.F("published_on").desc(nulls_last=True), "title"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            # Lists read a page in this order: without the index, every row is sorted first.
            NewestFirstIndex("published_on", name="publication_order"),
            # The filters' counts and checks read only these columns: from this narrow index
            # rather than the rows, which their search vectors make wide (carportal/filters.py).
            models.Index(
                fields=["status", "kind"], include=["id", "project"], name="publication_facets"
            ),
        ]
        permissions = [
            ("import_publication", _("Can import publications from a spreadsheet")),
            ("export_publication", _("Can export publications to a spreadsheet")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amends=models.F("pk")),
                name="publication_does_not_amend_itself",
                violation_error_message=_("A publication cannot amend itself."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.status == Publishable.Status.PUBLISHED:
            self.publish_on = None  # published now: no longer waiting for its day
        elif self.publish_on and self.publish_on < timezone.localdate():
            errors["publish_on"] = _("That day has passed: choose a later one, or publish now.")
        if errors:
            raise ValidationError(errors)

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"slug": self.slug})

    @property
    def published_label(self):
        return format_date(self.published_on, self.published_precision)

    @property
    def language_coverage(self):
        """Which of the region's languages it is in, from its editions as prefetched."""
        return coverage_of(edition.language for edition in self.editions.all())

    def editions_titled(self, query):
        """Its editions (as prefetched) whose own title, not the publication's, holds a word
        of ``query``, each with that title marked as HTML: a search in Lithuanian that found
        the work by its Lithuanian title shows that title."""
        found = []
        for edition in self.editions.all():
            if edition.title and edition.title != self.title:
                title, marks = mark_words(edition.title, query)
                if marks:
                    found.append((edition, snippet_html(title)))
        return found


class Edition(Attachment):
    # A publication is read on screen and printed: PDF, or EPUB for e-readers.
    formats = ["pdf", "epub"]

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="editions")
    title = models.CharField(
        _("title in this language"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty when the edition carries the publication's title."),
    )

    class Meta:
        ordering = ["publication", "language"]
        verbose_name = _("language edition")
        verbose_name_plural = _("language editions")
        indexes = [
            # The language filter: publications with an edition in a language.
            models.Index(fields=["language", "publication"], name="edition_language"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "language"],
                name="one_edition_per_language",
                violation_error_message=_(
                    "This publication already has an edition in that language."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.publication} ({Language.label_of(self.language)})"


def publish_scheduled(today=None):
    """Publish the drafts whose day has come; returns them.

    Each is saved on its own, so the change reaches the page cache and the history like an
    editor's "Save and publish".
    """
    today = today or timezone.localdate()
    due = Publication.objects.filter(status=Publishable.Status.DRAFT, publish_on__lte=today)
    published = []
    for publication in due:
        publication.status, publication.publish_on = Publishable.Status.PUBLISHED, None
        publication.save(update_fields=["status", "publish_on"])
        published.append(publication)
    return published
