"""Presidency reports: a presidency's year (priorities, meetings with their programmes, the
projects running and the publications of the year) as a PDF."""

from django.db.models import Count, F

from carportal.pdf import rows_document
from meetings.models import Meeting, Presidency
from publications.models import Publication


def reports(presidencies):
    """The reports of `presidencies` (published rows) as one document."""
    return rows_document("pdf/presidency_report.html", presidencies, kind="report", context=_report)


def report_document(params):
    """The reports of the published presidencies whose slugs a job's query string lists."""
    presidencies = Presidency.objects.published().select_related("country")
    return reports(presidencies.filter(slug__in=params.getlist("slug")))


def report_rows(presidencies):
    """How long their reports are, in the rows PDF_TASK_ROWS counts (catalogue entries).

    Their meetings and those meetings' sessions fill nearly all the pages (the projects and
    publications take a line each), and each takes about half as long to lay out as a
    catalogue entry: 15 ms against 30 (bench/pdf.py's machine).
    """
    counts = (
        Meeting.objects.published()
        .filter(presidency__in=presidencies)
        .aggregate(meetings=Count("pk", distinct=True), sessions=Count("sessions"))
    )
    return (counts["meetings"] + counts["sessions"]) // 2


def _report(presidency):
    return {
        "presidency": presidency,
        "meetings": Meeting.objects.for_detail()
        .filter(presidency=presidency)
        .order_by(F("start_date").asc(nulls_last=True)),
        "projects": presidency.running_projects(),
        "publications": Publication.objects.published()
        .for_list()
        .filter(published_on__range=(presidency.start_date, presidency.end_date)),
    }
