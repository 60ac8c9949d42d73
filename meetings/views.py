from django.db.models import F
from django.http import Http404, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from carportal.models import Publishable
from carportal.pdf import pdf_response, rows_pdf_response
from carportal.pdf_jobs import large_pdf_response
from carportal.views import DraftPreviewMixin, PublicListView, attachment_response
from meetings import calendars
from meetings.filters import MeetingCalendarFilter, MeetingFilter
from meetings.models import Meeting, MeetingDocument, Presidency
from meetings.pdf import report_rows, reports


class PresidencyListView(ListView):
    template_name = "meetings/presidency_list.html"
    context_object_name = "presidencies"

    def get_queryset(self):
        return Presidency.objects.published().for_list()


class PresidencyDetailView(DraftPreviewMixin, DetailView):
    model = Presidency
    template_name = "meetings/presidency_detail.html"
    context_object_name = "presidency"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meetings=self.object.meetings.published()
            .for_list()
            .order_by(F("start_date").asc(nulls_last=True)),
            projects=self.object.running_projects(),
            **kwargs,
        )


class MeetingListView(PublicListView):
    filterset_class = MeetingFilter
    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"

    def get_queryset(self):
        return Meeting.objects.published().for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The same filters as a calendar feed; none while a filter is invalid (the page
        # shows its error, and the feed would refuse it).
        if not self.filterset.is_bound or self.filterset.is_valid():
            context["calendar_query"] = calendars.feed_query(self.filterset)
        return context


class MeetingDetailView(DraftPreviewMixin, DetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"
    context_object_name = "meeting"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            in_calendar=calendars.calendar_days(self.object) is not None, **kwargs
        )


def meeting_calendar(request, slug):
    """A published meeting's .ics file; not found for a draft or a meeting without days."""
    meeting = get_object_or_404(
        Meeting.objects.for_calendar().prefetch_related("sessions"), slug=slug
    )
    response = calendars.meeting_calendar(request, meeting)
    if response is None:
        raise Http404(_("This meeting's dates are not known yet."))
    return response


def meetings_calendar(request):
    """The calendar feed of the meetings the list's filters choose (the same query string);
    an invalid filter is refused with what is wrong, in words a calendar app can show."""
    filterset = MeetingCalendarFilter(request.GET, queryset=Meeting.objects.for_calendar())
    if not filterset.is_valid():
        errors = "\n".join(
            f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
        )
        return HttpResponseBadRequest(
            _("These filters cannot make a calendar:\n%(errors)s") % {"errors": errors},
            content_type="text/plain; charset=utf-8",
        )
    return calendars.meetings_feed(request, filterset)


def meeting_document(request, slug, pk):
    document = get_object_or_404(
        MeetingDocument, pk=pk, meeting__slug=slug, meeting__status=Publishable.Status.PUBLISHED
    )
    return attachment_response(document, download="download" in request.GET)


def programme_pdf(request, meetings):
    """The programmes of `meetings` (rows of `Meeting.objects.for_detail()`) as one PDF."""
    return rows_pdf_response(
        request,
        "pdf/meeting_programme.html",
        meetings,
        kind="programme",
        context=lambda meeting: {"meeting": meeting},
    )


def meeting_programme_pdf(request, slug):
    return programme_pdf(request, [get_object_or_404(Meeting.objects.for_detail(), slug=slug)])


def report_pdf(request, presidencies):
    """The reports of `presidencies` (published rows) as one PDF; a task makes a long one."""
    presidencies = list(presidencies)
    params = QueryDict(mutable=True)
    params.setlist("slug", sorted(presidency.slug for presidency in presidencies))
    return large_pdf_response(
        request, "reports", params, rows=report_rows(presidencies)
    ) or pdf_response(request, reports(presidencies))


def presidency_report_pdf(request, slug):
    presidency = get_object_or_404(
        Presidency.objects.published().select_related("country"), slug=slug
    )
    return report_pdf(request, [presidency])
