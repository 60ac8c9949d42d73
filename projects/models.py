from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carportal.markdown import MarkdownField
from carportal.models import (
    Country,
    NewestFirstIndex,
    Organisation,
    Period,
    PeriodQuerySet,
    Publishable,
    PublishableQuerySet,
    Topic,
    web_address_field,
)


class ProjectQuerySet(PublishableQuerySet, PeriodQuerySet):
    def with_period_status(self, today=None):
        """Annotate `period_status`, derived from the dates: planned, ongoing or concluded.

        "Ongoing" needs both ends known: a project that started years ago with no recorded
        end may long be over, so it gets no status and matches none of the three.
        """
        today = today or timezone.localdate()
        return self.annotate(
            period_status=models.Case(
                models.When(
                    self.over_condition(today), then=models.Value(Project.PeriodStatus.CONCLUDED)
                ),
                models.When(
                    self.not_started_condition(today),
                    then=models.Value(Project.PeriodStatus.PLANNED),
                ),
                models.When(
                    start_date__isnull=False,
                    end_date__isnull=False,
                    then=models.Value(Project.PeriodStatus.ONGOING),
                ),
                default=models.Value(""),
                output_field=models.CharField(),
            )
        )

    def ongoing(self):
        return self.with_period_status().filter(period_status=Project.PeriodStatus.ONGOING)

    def for_list(self):
        return self.with_period_status().prefetch_related(
            models.Prefetch(
                "partnerships",
                queryset=ProjectPartner.objects.filter(
                    role=ProjectPartner.Role.LEAD
                ).select_related("organisation"),
                to_attr="lead_partnerships",
            ),
            "topics",
        )

    def for_detail(self, drafts=False):
        """A published project's page (or a draft's, for staff to preview), with only the
        published rows it links to."""
        from meetings.models import Meeting
        from publications.models import Publication

        published = Project.objects.published()
        return (
            self.published_unless(drafts)
            .with_period_status()
            .prefetch_related(
                # A prefetch rather than a join, so that a draft parent reads as None.
                models.Prefetch("parent", queryset=published),
                models.Prefetch("phases", queryset=published),
                models.Prefetch("topics", queryset=Topic.objects.active()),
                models.Prefetch("countries", queryset=Country.objects.active()),
                models.Prefetch(
                    "partnerships",
                    queryset=ProjectPartner.objects.select_related(
                        "organisation", "organisation__country"
                    ),
                ),
                models.Prefetch(
                    "fundings", queryset=ProjectFunding.objects.select_related("funder")
                ),
                models.Prefetch("meetings", queryset=Meeting.objects.published().for_list()),
                models.Prefetch(
                    "publications", queryset=Publication.objects.published().for_list()
                ),
            )
        )


NOT_ITS_OWN_PHASE = _("A project cannot be a phase of itself.")


class Project(Publishable, Period):
    class PeriodStatus(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        CONCLUDED = "concluded", _("Concluded")

    slug = web_address_field("projects")
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=255)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="phases",
        verbose_name=_("phase of"),
        help_text=_("For a follow-up phase: the project it continues."),
    )
    summary = models.TextField(
        _("summary"), help_text=_("One or two sentences, shown in lists and on the home page.")
    )
    description = MarkdownField(_("description"), blank=True)
    outcomes = MarkdownField(
        _("outcomes"),
        blank=True,
        inline=True,
        help_text=_("What the project produced, one item per line."),
    )
    partners = models.ManyToManyField(
        Organisation, through="ProjectPartner", related_name="projects", blank=True
    )
    funders = models.ManyToManyField(
        Organisation, through="ProjectFunding", related_name="funded_projects", blank=True
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="projects", verbose_name=_("topics")
    )
    countries = models.ManyToManyField(
        Country,
        blank=True,
        related_name="projects",
        verbose_name=_("countries"),
        help_text=_("Countries where the project works or whose bodies take part."),
    )
    website = models.URLField(_("website"), blank=True)
    contact_role = models.CharField(
        _("contact (role)"),
        max_length=255,
        blank=True,
        help_text=_(
            'Shown publicly. A role, such as "Head of the Children at Risk Unit", '
            "never a person's private details."
        ),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Shown publicly. A functional mailbox only, never a personal address."),
    )

    objects = ProjectQuerySet.as_manager()
    # Site search (carportal/search.py): the weight of each field's words. On PostgreSQL a
    # trigger keeps them in the search_vector column (migration 0006).
    search_fields = {
        "acronym": "A",
        "title": "A",
        "summary": "B",
        "description": "C",
        "outcomes": "C",
    }

    # A project without an end date has an end nobody recorded, not a one-day life.
    open_ended = True

    class Meta(Period.Meta):
        ordering = [models.F("start_date").desc(nulls_last=True), "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            NewestFirstIndex("start_date", name="project_order"),
        ]
        constraints = [
            *Period.Meta.constraints,
            # Filters count a project's rows with its phases' (projects/filters.py).
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="project_is_not_its_own_phase",
                violation_error_message=NOT_ITS_OWN_PHASE,
            ),
        ]
        permissions = [
            ("import_project", _("Can import projects from a spreadsheet")),
            ("export_project", _("Can export projects to a spreadsheet")),
        ]

    def __str__(self):
        return self.display_title

    def clean(self):
        super().clean()
        # Phases are one level deep: the filters and a project's page gather a project's
        # rows with its phases', not with its phases' phases.
        if self.parent_id is None:
            return
        # Also the constraint's, which a bulk import leaves to the database (bulk_import.py).
        if self.parent_id == self.pk:
            error = ValidationError(NOT_ITS_OWN_PHASE, code="own_phase")
            raise ValidationError({"parent": error})
        if self.parent.parent_id is not None:
            error = ValidationError(
                _(
                    "“%(parent)s” is itself a phase of “%(first)s”. Choose “%(first)s”: "
                    "all the phases of a project belong to its first one."
                ),
                code="phase_of_a_phase",
                params={"parent": self.parent, "first": self.parent.parent},
            )
            raise ValidationError({"parent": error})
        if self.pk and self.phases.exists():
            error = ValidationError(
                _(
                    "This project has phases of its own, so it cannot become a phase of "
                    "“%(parent)s”: first make its phases phases of “%(parent)s”."
                ),
                code="phases_of_a_phase",
                params={"parent": self.parent},
            )
            raise ValidationError({"parent": error})

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    @property
    def display_title(self):
        if self.acronym and self.acronym.casefold() not in self.title.casefold():
            return f"{self.acronym}: {self.title}"
        return self.title

    @property
    def outcome_list(self):
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class ProjectPartner(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead partner")
        PARTNER = "partner", _("Partner")
        ASSOCIATE = "associate", _("Associate partner")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["project", "position", "organisation__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="one_partnership_per_organisation",
                violation_error_message=_("This organisation is already a partner of the project."),
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class ProjectFunding(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="fundings")
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("funder")
    )
    programme = models.CharField(
        _("programme"),
        max_length=255,
        blank=True,
        help_text=_('The funder\'s programme, e.g. "Rights, Equality and Citizenship Programme".'),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["project", "position", "funder__name"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "funder", "programme"],
                name="one_funding_per_funder_programme",
                violation_error_message=_("This funder and programme are already listed."),
            ),
        ]

    def __str__(self):
        return f"{self.funder}: {self.programme}" if self.programme else str(self.funder)
