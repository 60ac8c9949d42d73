"""Dates known to a day, a month or a year: how they widen, compare and read.

The group's own pages often give only "June 2018" or "concluded in 2012". One rule widens such
a date to the days it stands for; queries (`carportal.models.PeriodQuerySet`), pages, calendars,
PDFs and spreadsheets all read partial dates through this module, so they never disagree.
"""

import calendar
import datetime
import functools
import operator
import re

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class DatePrecision(models.TextChoices):
    DAY = "day", gettext_lazy("Exact day")
    MONTH = "month", gettext_lazy("Month only")
    YEAR = "year", gettext_lazy("Year only")


def precision_field(verbose_name, **kwargs):
    """The field that says how precisely the date beside it is known."""
    return models.CharField(
        verbose_name,
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        **kwargs,
    )


FORMATS = {
    DatePrecision.DAY: "j F Y",
    DatePrecision.MONTH: "F Y",
    DatePrecision.YEAR: "Y",
}


def widen(day, precision):
    """The first and the last day that `day`, known to `precision`, stands for."""
    if precision == DatePrecision.YEAR:
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def format_date(day, precision=DatePrecision.DAY):
    """A date shown only as precisely as it is known: "13 February 2024", "June 2018", "2016"."""
    if not day:
        return ""
    return date_format(day, FORMATS.get(precision, FORMATS[DatePrecision.DAY]))


def format_when(day, precision=DatePrecision.DAY):
    """A date to follow a verb: "on 13 February 2024", "in June 2018", "in 2016"."""
    if not day:
        return ""
    if precision == DatePrecision.DAY:
        return _("on %(date)s") % {"date": format_date(day, precision)}
    return _("in %(date)s") % {"date": format_date(day, precision)}


def format_period(
    start,
    end,
    start_precision=DatePrecision.DAY,
    end_precision=DatePrecision.DAY,
    *,
    open_ended=False,
    today=None,
):
    """A date range without repeating what both ends share: "13–14 February 2024".

    Without an end, a period either lasts its start (a one-day meeting, "June 2026") or, when
    `open_ended`, runs on from it: "Started in 2019", or "From 1 March 2030" before it starts,
    never claiming that it still runs. Without a start: "Ended in 2013" or "Until 2030". An
    empty string when no date is known: pages leave the value out.
    """
    if not start and not end:
        return ""
    today = today or timezone.localdate()
    if not start:
        if widen(end, end_precision)[1] < today:
            return _("Ended %(when)s") % {"when": format_when(end, end_precision)}
        return _("Until %(end)s") % {"end": format_date(end, end_precision)}
    first = format_date(start, start_precision)
    if not end and open_ended:
        if widen(start, start_precision)[0] > today:
            return _("From %(start)s") % {"start": first}
        return _("Started %(when)s") % {"when": format_when(start, start_precision)}
    last = format_date(end, end_precision) if end else first
    if first == last:
        return first
    if start_precision == end_precision == DatePrecision.DAY and start.year == end.year:
        if start.month == end.month:
            return f"{start.day}–{last}"
        return f"{date_format(start, 'j F')} – {last}"
    return f"{first} – {last}"


ISO_PARTIAL = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


def parse_iso(text):
    """The date and precision that "2026", "2026-05" or "2026-05-14" stand for (the first day
    of a month or a year); ValueError for anything else."""
    match = ISO_PARTIAL.fullmatch(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) if part else None for part in match.groups())
    precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
    return datetime.date(year, month or 1, day or 1), precision


def format_iso(day, precision=DatePrecision.DAY):
    """A date written as precisely as it is known, as `parse_iso` reads it: "2026-05"."""
    if not day:
        return ""
    return day.isoformat()[: {DatePrecision.YEAR: 4, DatePrecision.MONTH: 7}.get(precision, 10)]


def on_or_after(field, precision_field, day):
    """Rows whose date `field`, widened to its precision, reaches `day` or later.

    A date known to a month reaches `day` when its month is `day`'s month or later, which is
    the stored date (any day of its month) being on or after the first of `day`'s month.
    """
    return _any_precision(lambda p: {f"{field}__gte": widen(day, p)[0]}, precision_field)


def after(field, precision_field, day):
    """Rows whose date `field`, widened to its precision, begins after `day`."""
    return _any_precision(lambda p: {f"{field}__gt": widen(day, p)[1]}, precision_field)


def _any_precision(lookup, precision_field):
    return functools.reduce(
        operator.or_,
        (models.Q(**{precision_field: p}, **lookup(p)) for p in DatePrecision),
    )
