import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carportal.markdown import MarkdownField
from carportal.models import (
    Attachment,
    Country,
    NewestFirstIndex,
    Organisation,
    Period,
    PeriodQuerySet,
    Publishable,
    PublishableQuerySet,
    Topic,
    period_check,
    time_zone_field,
    web_address_field,
)
from projects.models import Project
from publications.models import Publication


class PresidencyQuerySet(PublishableQuerySet, PeriodQuerySet):
    def current_or_latest(self, today=None):
        """The presidency running today, else the most recent one that has started."""
        today = today or timezone.localdate()
        return (
            self.filter(start_date__lte=today)
            .select_related("country")
            .order_by("-start_date")
            .first()
        )

    def for_list(self):
        return self.select_related("country").annotate(
            meeting_count=models.Count(
                "meetings", filter=models.Q(meetings__status=Publishable.Status.PUBLISHED)
            )
        )

    def for_detail(self, drafts=False):
        """A published presidency's page (or a draft's, for staff to preview)."""
        return self.published_unless(drafts).select_related("country")


class Presidency(Publishable, Period):
    slug = web_address_field("presidencies")
    name = models.CharField(
        _("name"),
        max_length=150,
        help_text=_('As it is said, e.g. "Finnish Presidency 2023-2024".'),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="presidencies", verbose_name=_("country")
    )
    # A presidency's year is always known to the day.
    start_date = models.DateField(_("start date"), help_text=_("Usually 1 July."))
    end_date = models.DateField(_("end date"), help_text=_("Usually 30 June of the next year."))
    summary = models.TextField(_("summary"), help_text=_("Shown in lists and on the home page."))
    priorities = MarkdownField(
        _("priorities"), blank=True, inline=True, help_text=_("One priority per line.")
    )
    cross_cutting_themes = MarkdownField(
        _("cross-cutting themes"), blank=True, inline=True, help_text=_("One theme per line.")
    )
    projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="presidencies",
        verbose_name=_("projects during the presidency"),
        help_text=_(
            "Projects the presidency reported as running whose dates are not recorded; "
            "projects with dates inside the presidency's year are listed anyway."
        ),
    )

    objects = PresidencyQuerySet.as_manager()
    # Site search (carportal/search.py), as for meetings.
    search_fields = {"name": "A", "summary": "B", "priorities": "C", "cross_cutting_themes": "C"}

    class Meta(Period.Meta):
        ordering = ["-start_date"]
        verbose_name = _("presidency")
        verbose_name_plural = _("presidencies")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:presidency_detail", kwargs={"slug": self.slug})

    @property
    def priority_list(self):
        return [line.strip() for line in self.priorities.splitlines() if line.strip()]

    @property
    def theme_list(self):
        return [line.strip() for line in self.cross_cutting_themes.splitlines() if line.strip()]

    def is_current(self, today=None):
        today = today or timezone.localdate()
        return self.start_date <= today <= self.end_date

    def running_projects(self):
        """Published projects running during the presidency, by dates or as staff recorded."""
        by_dates = Project.objects.overlapping(self.start_date, self.end_date)
        return (
            Project.objects.published()
            .filter(models.Q(pk__in=by_dates.values("pk")) | models.Q(presidencies=self))
            .distinct()
            .for_list()
        )

    def clean(self):
        super().clean()
        # PostgreSQL also refuses overlaps with an exclusion constraint (see migrations);
        # this check gives editors the same rule as a readable message on every database.
        if self.start_date and self.end_date:
            clash = (
                Presidency.objects.overlapping(self.start_date, self.end_date)
                .exclude(pk=self.pk)
                .first()
            )
            if clash:
                # At the field, where the editor looks, rather than at the top of the form.
                message = ValidationError(
                    _(
                        "These dates overlap the %(other)s (%(start)s to %(end)s): "
                        "two presidencies cannot run at the same time."
                    ),
                    code="presidency_overlap",
                    params={"other": clash.name, "start": clash.start_date, "end": clash.end_date},
                )
                raise ValidationError({"start_date": message})


class MeetingQuerySet(PublishableQuerySet, PeriodQuerySet):
    def upcoming(self, today=None):
        """Meetings not over yet: one known as "June 2026" stays upcoming all June."""
        return self.not_over(today).order_by("start_date")

    def past(self, today=None):
        return self.over(today).order_by("-start_date")

    def for_list(self):
        # The presidency tells whether an undated meeting is still to come (period_label).
        return self.select_related("country", "presidency")

    def for_calendar(self):
        """Published meetings as calendar events: their place, time zone and active topics.
        A meeting's own file adds its programme (`prefetch_related("sessions")`)."""
        return (
            self.published()
            .select_related("country")
            .prefetch_related(models.Prefetch("topics", queryset=Topic.objects.active()))
            .defer("description")
        )

    def for_detail(self, drafts=False):
        """A published meeting's page (or a draft's, for staff to preview): its programme,
        documents and published links only."""
        return (
            self.published_unless(drafts)
            .prefetch_related(
                # A prefetch rather than a join, so that a draft presidency reads as None.
                models.Prefetch("presidency", queryset=Presidency.objects.published()),
                "organisers",
                "co_organisers",
                models.Prefetch("topics", queryset=Topic.objects.active()),
                "documents",
                models.Prefetch("projects", queryset=Project.objects.published()),
                models.Prefetch("publications", queryset=Publication.objects.published()),
                models.Prefetch(
                    "sessions",
                    queryset=MeetingSession.objects.prefetch_related(
                        models.Prefetch(
                            "presentations",
                            queryset=Presentation.objects.select_related("organisation"),
                        )
                    ),
                ),
            )
            .select_related("country")
        )


class Meeting(Publishable, Period):
    class Kind(models.TextChoices):
        EXPERT_GROUP_MEETING = "expert_group_meeting", _("Expert group meeting")
        EXPERT_MEETING = "expert_meeting", _("Expert meeting")
        JOINT_WORKSHOP = "joint_workshop", _("Joint workshop")
        CONFERENCE = "conference", _("Conference")
        SEMINAR = "seminar", _("Seminar or workshop")
        TRAINING = "training", _("Training")
        WEBINAR = "webinar", _("Webinar")

    slug = web_address_field("meetings")
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_('Leave empty for a one-day meeting, or one known only as "June 2026".'),
    )
    city = models.CharField(_("city"), max_length=100, blank=True, help_text=_("Empty if online."))
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("country"),
    )
    time_zone = time_zone_field(
        _("time zone"),
        help_text=_(
            "Only when the programme's times are not in the country's time zone: a country "
            "with several zones, or an online meeting. Empty: the country's zone (Stockholm "
            "time without a country). Calendar files give the times in this zone."
        ),
    )
    presidency = models.ForeignKey(
        Presidency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("presidency"),
    )
    organisers = models.ManyToManyField(
        Organisation, blank=True, related_name="organised_meetings", verbose_name=_("organisers")
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="co_organised_meetings",
        verbose_name=_("co-organisers"),
    )
    projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="meetings",
        verbose_name=_("projects"),
        help_text=_("Projects under which the meeting was held."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="meetings", verbose_name=_("topics")
    )
    publications = models.ManyToManyField(
        Publication,
        blank=True,
        related_name="meetings",
        verbose_name=_("publications"),
        help_text=_(
            "Publications launched, adopted or discussed at the meeting, or drawn from it; "
            "each page links to the other."
        ),
    )
    summary = models.TextField(_("summary"), help_text=_("Shown in lists and on the home page."))
    description = MarkdownField(_("description"), blank=True)
    participants = models.PositiveIntegerField(
        _("participants"),
        null=True,
        blank=True,
        help_text=_("Approximate number of participants, once known."),
    )

    objects = MeetingQuerySet.as_manager()
    # Site search (carportal/search.py): the weight of each field's words. On PostgreSQL a
    # trigger keeps them in the search_vector column (migration 0010).
    search_fields = {"title": "A", "summary": "B", "description": "C"}

    class Meta(Period.Meta):
        ordering = [models.F("start_date").desc(nulls_last=True), "title"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            NewestFirstIndex("start_date", name="meeting_order"),
        ]
        permissions = [
            ("import_meeting", _("Can import meetings from a spreadsheet")),
            ("export_meeting", _("Can export meetings to a spreadsheet")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"slug": self.slug})

    @property
    def place(self):
        return ", ".join(str(part) for part in (self.city, self.country) if part)

    @property
    def venue_time_zone(self):
        """The zone its programme's times are in: its own, else its country's, else the
        Secretariat's (settings.TIME_ZONE, Stockholm) for an online meeting."""
        name = self.time_zone or (self.country and self.country.time_zone) or settings.TIME_ZONE
        return zoneinfo.ZoneInfo(name)

    @property
    def programme_time_zone(self):
        """The zone its programme's times are in, as a reader elsewhere needs it: its name,
        with its offset from UTC on the meeting's first day when that is known ("Europe/Vilnius,
        UTC+03:00"); None when no session has a time."""
        if not any(session.start_time for session in self.sessions.all()):
            return None
        zone = self.venue_time_zone
        if self.start_date is None:
            return zone.key
        offset = datetime.datetime.combine(self.start_date, datetime.time(12), zone).strftime("%z")
        return f"{zone.key}, UTC{offset[:3]}:{offset[3:]}"

    @property
    def period_label(self):
        """Its dates; without any, "Dates to be announced" while its presidency has not ended,
        and nothing otherwise (an old meeting whose dates nobody recorded)."""
        if self.start_date or self.end_date:
            return super().period_label
        if self.presidency and not self.presidency.is_over():
            return _("Dates to be announced")
        return ""


class MeetingSession(models.Model):
    class Kind(models.TextChoices):
        SESSION = "session", _("Session")
        PARALLEL_WORKSHOP = "parallel_workshop", _("Parallel workshop")
        PANEL = "panel", _("Panel discussion")
        KEYNOTE = "keynote", _("Keynote")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SESSION)
    date = models.DateField(_("date"), null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    description = MarkdownField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in the programme.")
    )

    class Meta:
        ordering = ["meeting", "position", "date", "start_time", "pk"]
        verbose_name = _("programme session")
        verbose_name_plural = _("programme")
        constraints = [
            period_check(
                "start_time",
                "end_time",
                "session_ends_after_start",
                _("The end time must not be before the start time."),
            )
        ]

    def __str__(self):
        return self.title


class Presentation(models.Model):
    session = models.ForeignKey(
        MeetingSession, on_delete=models.CASCADE, related_name="presentations"
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    speaker = models.CharField(
        _("speaker"),
        max_length=150,
        blank=True,
        help_text=_("Shown publicly: speakers appear as announced in the programme."),
    )
    speaker_role = models.CharField(
        _("speaker's role"),
        max_length=255,
        blank=True,
        help_text=_(
            'Function as announced, e.g. "UN Special Rapporteur on trafficking in persons".'
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presentations",
        verbose_name=_("organisation"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["session", "position", "pk"]
        verbose_name = _("presentation")
        verbose_name_plural = _("speakers and presentations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title="") | ~models.Q(speaker="") | ~models.Q(speaker_role=""),
                name="presentation_has_title_or_speaker",
                violation_error_message=_("Give a title, a speaker or the speaker's role."),
            ),
        ]

    def __str__(self):
        return self.title or self.speaker or self.speaker_role

    @property
    def organisation_not_in_role(self):
        """The organisation, unless the role already names it ("Member of the UN Committee
        on the Rights of the Child"): a speaker's line says each thing once."""
        organisation = self.organisation
        if organisation and organisation.name.casefold() not in self.speaker_role.casefold():
            return organisation
        return None


class MeetingDocument(Attachment):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("Agenda")
        PROGRAMME = "programme", _("Programme")
        MINUTES = "minutes", _("Minutes")
        PRESENTATION = "presentation", _("Presentation")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title
