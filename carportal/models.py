import functools
import zoneinfo

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from carportal import dates
from carportal.documents import check_document, extension_of
from carportal.markdown import MarkdownField


def web_address_field(section):
    """The slug of a public page, named and explained as staff know it: its web address."""
    return models.SlugField(
        _("web address"),
        unique=True,
        help_text=format_lazy(
            _(
                "The end of the page's address, as in /{section}/this-part/: lower-case letters, "
                "digits and hyphens. Changing it breaks links to the page."
            ),
            section=section,
        ),
    )


def link_name_field(parameter):
    """The slug that names a row in public filter links."""
    return models.SlugField(
        _("name in links"),
        unique=True,
        help_text=format_lazy(
            _(
                "Names it in public filter links, as in ?{parameter}=this-part: lower-case "
                "letters, digits and hyphens."
            ),
            parameter=parameter,
        ),
    )


@functools.cache
def time_zone_choices():
    """The IANA time zones that Python's zoneinfo knows (from the pinned tzdata), by name.

    A callable, so that migrations keep a reference to it rather than a copy of the list.
    """
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def time_zone_field(verbose_name, **kwargs):
    """An IANA time zone name ("Europe/Vilnius"), chosen from the zones zoneinfo knows."""
    return models.CharField(
        verbose_name, max_length=64, blank=True, choices=time_zone_choices, **kwargs
    )


class NaturalKeyQuerySet(models.QuerySet):
    """Lets fixtures refer to rows by slug or code instead of by primary key."""

    def get_by_natural_key(self, key):
        return self.get(**{self.model.natural_key_field: key})


class NaturalKeyModel(models.Model):
    natural_key_field = "slug"

    class Meta:
        abstract = True

    def natural_key(self):
        return (getattr(self, self.natural_key_field),)


class NewestFirstIndex(models.Index):
    """An index in a list's order, newest first with undated rows last, then by `title`:
    a page of the list reads 20 rows of it instead of sorting every row.

    It carries the status and the key too (PostgreSQL), so that counting the published rows
    and finding the keys of a page deep in the list read the index alone, not whole rows.
    SQLite refuses NULLS LAST in an index and needs none: NULL is its smallest value, so a
    descending index has it last already.
    """

    def __init__(self, date_field, *, name):
        super().__init__(
            models.F(date_field).desc(nulls_last=True),
            "title",
            name=name,
            include=["status", "id"],
        )

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, (self.expressions[0].expression.name,), {"name": self.name}

    def create_sql(self, model, schema_editor, using="", **kwargs):
        index = self
        if schema_editor.connection.vendor == "sqlite":
            index = models.Index(*self.expressions, name=self.name, include=self.include)
            index.expressions = (self.expressions[0].expression.desc(), *self.expressions[1:])
        return models.Index.create_sql(index, model, schema_editor, using, **kwargs)


class PublishableQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(status=Publishable.Status.PUBLISHED)

    def published_unless(self, drafts):
        """Published rows, or every row when `drafts` (staff previewing)."""
        return self.all() if drafts else self.published()


class Publishable(NaturalKeyModel):
    """What the public sees: a draft is visible only to staff in the admin."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_("Drafts are visible to staff only; published items appear on the public site."),
    )

    objects = PublishableQuerySet.as_manager()

    # Pages at /<section>/<this>/ (an app's urls.py), which a row of that web address could
    # never reach: every list has its Atom feed at /<section>/feed/.
    TAKEN_SLUGS = frozenset({"feed"})

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.slug in self.TAKEN_SLUGS:
            raise ValidationError(
                {"slug": _("That address is a page of the site already: choose another.")}
            )


class Language(models.TextChoices):
    """Languages of documents and editions, by ISO 639-1 code (used in public filter links)."""

    EN = "en", _("English")
    DA = "da", _("Danish")
    DE = "de", _("German")
    ET = "et", _("Estonian")
    FI = "fi", _("Finnish")
    IS = "is", _("Icelandic")
    LT = "lt", _("Lithuanian")
    LV = "lv", _("Latvian")
    NO = "no", _("Norwegian")
    PL = "pl", _("Polish")
    RU = "ru", _("Russian")
    SV = "sv", _("Swedish")
    UK = "uk", _("Ukrainian")

    @classmethod
    def label_of(cls, code):
        """The name of the language ``code`` (the code itself if it is none of these): what
        ``get_language_display()`` gives, without hashing every choice or looking up the
        translation on each call, which an import's history does for thousands of rows."""
        return _language_label(code, translation.get_language())

    @property
    def native_name(self):
        """The language's name in itself, capitalised as at the start of a list item, the
        same way for every language (Django's own names mix "Lietuviškai" with "suomi")."""
        return NATIVE_LANGUAGE_NAMES[self.value]

    @classmethod
    def native_choices(cls):
        """(code, "Suomi – Finnish"): the name a reader looks for, then the interface's."""
        return [
            (language.value, language.native_name)
            if language.native_name == str(language.label)
            else (language.value, f"{language.native_name} – {language.label}")
            for language in cls
        ]


@functools.cache
def _language_label(code, _interface_language):
    """Language.label_of, kept for each interface language, which the label is translated to."""
    return str(Language(code).label) if code in Language._value2member_map_ else code


# Not translated: each is the language's own name for itself.
NATIVE_LANGUAGE_NAMES = {
    "en": "English",
    "da": "Dansk",
    "de": "Deutsch",
    "et": "Eesti",
    "fi": "Suomi",
    "is": "Íslenska",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "no": "Norsk",
    "pl": "Polski",
    "ru": "Русский",
    "sv": "Svenska",
    "uk": "Українська",
}


class ReferenceQuerySet(NaturalKeyQuerySet):
    def active(self):
        return self.filter(is_active=True)


class ReferenceData(NaturalKeyModel):
    """Shared lists that other records point at. Retired with is_active, never deleted."""

    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Untick to retire this entry: existing records keep it, new ones cannot pick it."
        ),
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True


class Country(ReferenceData):
    natural_key_field = "code"

    class Membership(models.TextChoices):
        MEMBER = "member", _("CBSS member state")
        EUROPEAN_UNION = "eu", _("European Union (seat held by the European Commission)")
        FORMER_MEMBER = "former", _("Former CBSS member")
        NON_MEMBER = "non_member", _("Not a CBSS member")

    code = models.CharField(
        _("code"),
        max_length=2,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z]{2}$", _("Use the two-letter ISO 3166 code in lower case."))
        ],
        help_text=_(
            'ISO 3166-1 alpha-2 code in lower case ("eu" for the European Union). '
            "Used in public filter links, so do not change it once in use."
        ),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    membership = models.CharField(
        _("CBSS membership"),
        max_length=10,
        choices=Membership.choices,
        default=Membership.NON_MEMBER,
    )
    time_zone = time_zone_field(
        _("time zone"),
        help_text=_(
            "The time zone of its capital, such as Europe/Vilnius: meetings held in the country "
            "are in it in calendar files, unless a meeting names another. Empty: Stockholm "
            "time, the Secretariat's."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[a-z][a-z]$"),
                name="country_code_lower_case_alpha2",
                violation_error_message=_("Use the two-letter ISO 3166 code in lower case."),
            ),
        ]

    def __str__(self):
        return self.name


class Topic(ReferenceData):
    slug = link_name_field("topic")
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = MarkdownField(
        _("description"),
        blank=True,
        help_text=_(
            "Shown publicly at the top of the topic's page, and its first lines on the list "
            "of topics: a few sentences on what the topic covers."
        ),
    )
    is_priority = models.BooleanField(
        _("mandate priority"),
        default=False,
        help_text=_("One of the priority areas of the Expert Group's mandate."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("topic_detail", kwargs={"slug": self.slug})


class Organisation(ReferenceData):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Public agency or service")
        OMBUDSPERSON = "ombudsperson", _("Ombudsperson")
        NGO = "ngo", _("Non-governmental organisation")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
        FUNDER = "funder", _("Funder or funding programme")
        RESEARCH = "research", _("Research or academia")
        OTHER = "other", _("Other")

    slug = link_name_field("funder")
    name = models.CharField(_("name"), max_length=255, unique=True)
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True, help_text=_('Acronym, e.g. "TF-THB".')
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("country"),
        help_text=_("Leave empty for international bodies."),
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("import_organisation", _("Can import organisations from a spreadsheet")),
            ("export_organisation", _("Can export organisations to a spreadsheet")),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


def period_check(start_field, end_field, name, message):
    """A named constraint that a period does not end before it starts."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end_field}__isnull": True})
        | models.Q(**{f"{start_field}__isnull": True})
        | models.Q(**{f"{end_field}__gte": models.F(start_field)}),
        name=name,
        violation_error_message=message,
    )


class PeriodQuerySet(models.QuerySet):
    """Compares periods by the days their partial dates stand for (`carportal.dates.widen`).

    The `*_condition` methods give the rules as Q objects, for filters and annotations alike.
    """

    def not_over_condition(self, day):
        """The period's last day is `day` or later."""
        with_end = models.Q(end_date__isnull=False) & dates.on_or_after(
            "end_date", "end_precision", day
        )
        if self.model.open_ended:
            return with_end
        # Without an end, the period lasts its start: a meeting "in June 2026" runs all June.
        return with_end | models.Q(end_date__isnull=True) & dates.on_or_after(
            "start_date", "start_precision", day
        )

    def over_condition(self, day):
        """The period's last day is known and before `day`; undated periods are never over."""
        known = models.Q(end_date__isnull=False)
        if not self.model.open_ended:
            known |= models.Q(start_date__isnull=False)
        return known & ~self.not_over_condition(day)

    def not_started_condition(self, day):
        """The period's first day is after `day`."""
        return dates.after("start_date", "start_precision", day)

    def not_over(self, day=None):
        """Periods still running or yet to come on `day` (today by default)."""
        return self.filter(self.not_over_condition(day or timezone.localdate()))

    def over(self, day=None):
        return self.filter(self.over_condition(day or timezone.localdate()))

    def overlapping(self, start, end):
        """Periods that share at least one day with [start, end]."""
        return self.filter(start_date__lte=end).not_over(start)


class Period(models.Model):
    """A span of dates, each end known to a day, a month or a year.

    `clean()` stores a partial start as the first day it stands for and a partial end as the
    last, so the check constraint compares the widened period.
    """

    # A period without an end either lasts its start (False: a one-day meeting) or runs on
    # from it with an end nobody recorded yet (True: a project).
    open_ended = False

    start_date = models.DateField(
        _("start date"),
        null=True,
        blank=True,
        help_text=_("Leave empty while it is not known. For a month or a year, any day in it."),
    )
    start_precision = dates.precision_field(
        _("start known to"),
        help_text=_('Shown publicly as precisely as this: "13 June 2026", "June 2026", "2026".'),
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_precision = dates.precision_field(_("end known to"))

    class Meta:
        abstract = True
        constraints = [
            period_check(
                "start_date",
                "end_date",
                "%(class)s_ends_after_start",
                _("The end date must not be before the start date."),
            )
        ]

    def clean(self):
        super().clean()
        if self.start_date:
            self.start_date = dates.widen(self.start_date, self.start_precision)[0]
        if self.end_date:
            self.end_date = dates.widen(self.end_date, self.end_precision)[1]
        if self.start_date and self.end_date and self.end_date < self.start_date:
            # At the field, where the editor looks, rather than at the top of the form.
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")},
                code="period_ends_before_start",
            )

    @property
    def period_label(self):
        return dates.format_period(
            self.start_date,
            self.end_date,
            self.start_precision,
            self.end_precision,
            open_ended=self.open_ended,
        )

    @property
    def end_when(self):
        """When it ended, to follow a verb: "in 2013" (see `dates.format_when`)."""
        return dates.format_when(self.end_date, self.end_precision)

    def is_over(self, today=None):
        """Whether its last day is past, by the rule of `PeriodQuerySet.over()`; None when
        no recorded date tells, so that pages can say nothing rather than guess."""
        if self.end_date:
            last = dates.widen(self.end_date, self.end_precision)[1]
        elif self.start_date and not self.open_ended:
            last = dates.widen(self.start_date, self.start_precision)[1]
        else:
            return None
        return last < (today or timezone.localdate())


class PageQuerySet(NaturalKeyQuerySet):
    def for_detail(self):
        return self.prefetch_related("sections")


class Page(NaturalKeyModel):
    """A page about the group itself, kept by staff: /about/ and /contact/.

    The two pages are made by a migration and can be edited but neither added nor deleted,
    so the links to them in every page's header and footer always lead somewhere.
    """

    class Slug(models.TextChoices):
        ABOUT = "about", _("About the Expert Group")
        CONTACT = "contact", _("Contact")

    slug = models.CharField(
        _("page"), max_length=20, choices=Slug.choices, unique=True, editable=False
    )
    title = models.CharField(_("title"), max_length=150)
    lead = models.TextField(
        _("introduction"),
        help_text=_("One or two sentences at the top of the page, also shown by search engines."),
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(self.slug)


class PageSection(models.Model):
    """A heading and its text on a site page, optionally followed by a list the portal keeps."""

    class List(models.TextChoices):
        MEMBERS = "members", _("The member states (from the countries)")
        PRIORITIES = "priorities", _("The mandate's priorities (from the topics)")

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(_("heading"), max_length=150)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "Shown publicly. A blank line starts a new paragraph; web and e-mail addresses "
            "become links. Give role mailboxes only, never a person's own e-mail or phone."
        ),
    )
    shows = models.CharField(
        _("followed by"),
        max_length=20,
        choices=List.choices,
        blank=True,
        help_text=_(
            "A list kept from the portal's own records, so that it stays right when a "
            "country's membership or a priority topic changes."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["page", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.heading


DOCUMENT_EXTENSIONS = ["pdf", "doc", "docx", "odt", "ppt", "pptx", "odp", "xls", "xlsx", "epub"]


def attachment_upload_to(instance, filename):
    return f"{instance._meta.app_label}/{timezone.now():%Y}/{filename}"


class Attachment(models.Model):
    """A downloadable file in one language: a meeting document or a publication's edition."""

    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    file = models.FileField(
        _("file"),
        upload_to=attachment_upload_to,
        max_length=255,
        validators=[FileExtensionValidator(DOCUMENT_EXTENSIONS)],
        help_text=_("Downloadable by everyone once its page is published."),
    )
    file_size = models.PositiveBigIntegerField(_("file size in bytes"), editable=False, default=0)
    is_sample = models.BooleanField(
        _("sample file"),
        default=False,
        editable=False,
        help_text=_(
            "A placeholder shipped with the portal's sample content, not the real document: "
            "its page says so. Uploading a file in its place clears the mark."
        ),
    )

    # What this kind of attachment may be (carportal/documents.py checks the content).
    formats = DOCUMENT_EXTENSIONS

    class Meta:
        abstract = True

    def clean(self):
        if not self.file:
            return
        uploaded = not self.file._committed
        # A stored file was checked when it was uploaded; the extension validator has already
        # refused a file of no document type at all.
        if uploaded and extension_of(self.file) in DOCUMENT_EXTENSIONS:
            try:
                check_document(self.file, self.formats)
            except ValidationError as error:
                raise ValidationError({"file": error}) from None
        # Stored for lists that show sizes without touching the storage for every row.
        self.file_size = self.file.size
        if uploaded:
            self.is_sample = False

    @property
    def file_format(self):
        return self.file.name.rsplit(".", 1)[-1].upper() if self.file else ""

    @property
    def opens_in_browser(self):
        """A PDF is shown by the browser, with a separate link to download it."""
        return self.file_format == "PDF"


class DemoRecord(models.Model):
    """A row that `manage.py seed_demo` generated (carportal/demo.py).

    Removing the demo data removes the rows listed here and nothing else, whatever staff
    changed in them since; a registry rather than a marker in the rows, which an editor
    could type into real content or edit away. Rows that belong to a listed one (a
    meeting's sessions, a publication's editions) go with it and are not listed.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["content_type", "object_id"]
        # Written and read by the command only: no admin, so no permissions to grant.
        default_permissions = ()
        verbose_name = _("demo record")
        verbose_name_plural = _("demo records")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="demo_record_once_per_row"
            )
        ]

    def __str__(self):
        return f"{self.content_type.model} #{self.object_id}"
