from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from carportal.models import DatePrecision

register = template.Library()

FORMATS = {
    DatePrecision.DAY: "j F Y",
    DatePrecision.MONTH: "F Y",
    DatePrecision.YEAR: "Y",
}


@register.filter
def partial_date(value, precision=DatePrecision.DAY):
    """A date shown only as precisely as it is known: "13 February 2024", "June 2018", "2016"."""
    if not value:
        return ""
    return date_format(value, FORMATS.get(precision, FORMATS[DatePrecision.DAY]))


@register.simple_tag
def period(start, end, start_precision=DatePrecision.DAY, end_precision=DatePrecision.DAY):
    """A date range without repeating what both ends share: "13–14 February 2024"."""
    if not start and not end:
        return _("Dates not recorded")
    if not end or (start == end and start_precision == end_precision):
        return partial_date(start, start_precision)
    if not start:
        return _("until %(end)s") % {"end": partial_date(end, end_precision)}
    first, last = partial_date(start, start_precision), partial_date(end, end_precision)
    if first == last:
        return first
    if start_precision == end_precision == DatePrecision.DAY and start.year == end.year:
        if start.month == end.month:
            return f"{start.day}–{last}"
        return f"{date_format(start, 'j F')} – {last}"
    return f"{first} – {last}"
