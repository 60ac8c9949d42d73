"""Meetings as iCalendar files (RFC 5545, written by the `icalendar` library): one meeting's
file, with its programme, and the subscribable feeds of the meeting list (docs/adr/0011).

Days come from the same widening rule as every page (`carportal.dates.widen`): a meeting known
only by its month is an all-day event across the month, marked provisional. A meeting with no
date, or only a year, has no place in a calendar: feeds leave it out and say how many they did.
"""

import dataclasses
import datetime
import uuid

import icalendar
from django.db import models
from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from carportal.dates import DatePrecision, widen
from meetings.models import MeetingSession

PRODID = "-//CBSS Expert Group on Children at Risk//CAR Portal//EN"
# UIDs are derived from primary keys in this namespace, so that a meeting keeps its UID
# whatever its title, web address or dates become, and calendars update it in place.
UID_NAMESPACE = uuid.UUID("5d0c5f3e-8a59-4b8e-9a51-2f1c3c6f7a10")
# How often subscribed calendars should fetch a feed again (clients may choose otherwise).
REFRESH_INTERVAL = datetime.timedelta(hours=12)


def uid(*parts):
    return uuid.uuid5(UID_NAMESPACE, ":".join(str(part) for part in parts))


@dataclasses.dataclass(frozen=True)
class Days:
    """The days a meeting takes in a calendar; `provisional` when its dates are known only
    by the month, so that the days stand for a month rather than the meeting's own days."""

    first: datetime.date
    last: datetime.date
    provisional: bool


def calendar_days(meeting):
    """A meeting's `Days`, or None when no date, or only a year, is known."""
    if not meeting.start_date:
        return None
    precisions = {meeting.start_precision}
    if meeting.end_date:
        precisions.add(meeting.end_precision)
    # A whole year of all-day entries would hide the calendar's other days behind a guess.
    if DatePrecision.YEAR in precisions:
        return None
    first, last = widen(meeting.start_date, meeting.start_precision)
    if meeting.end_date:
        last = widen(meeting.end_date, meeting.end_precision)[1]
    return Days(first, last, provisional=precisions != {DatePrecision.DAY})


@dataclasses.dataclass(frozen=True)
class TimedSession:
    session: MeetingSession
    start: datetime.datetime
    end: datetime.datetime | None


def timed_sessions(meeting, days):
    """The programme's sessions that have a day and a start time, at their venue's time.

    A session's day is its own, or the meeting's when it lasts one known day. Without an
    end time a session ends when the next one starts that day (as programmes that list only
    start times mean), and the day's last has only a start.
    """
    zone = meeting.venue_time_zone
    only_day = days.first if days.first == days.last and not days.provisional else None
    found = sorted(
        (
            (session.date or only_day, session.start_time, session)
            for session in meeting.sessions.all()
            if session.start_time and (session.date or only_day)
        ),
        key=lambda row: (row[0], row[1], row[2].position, row[2].pk),
    )
    timed = []
    for index, (day, start_time, session) in enumerate(found):
        start = datetime.datetime.combine(day, start_time, tzinfo=zone)
        end = None
        if session.end_time:
            end = datetime.datetime.combine(day, session.end_time, tzinfo=zone)
        else:
            # Parallel workshops start together: each ends when something starts after them.
            later = [time for other_day, time, _ in found[index + 1 :] if other_day == day]
            later = [time for time in later if time > start_time]
            if later:
                end = datetime.datetime.combine(day, later[0], tzinfo=zone)
        timed.append(TimedSession(session, start, end))
    return timed


def location(meeting):
    if meeting.place:
        return meeting.place
    if meeting.kind == meeting.Kind.WEBINAR:
        return _("Online")
    return None


def provisional_summary(meeting, days):
    if days.provisional:
        return _("%(title)s (provisional dates)") % {"title": meeting.title}
    return meeting.title


def provisional_note(meeting, days):
    if days.provisional:
        return _(
            "Provisional: only the month is known so far (%(when)s). The exact days will be "
            "on the meeting's page once they are decided."
        ) % {"when": meeting.period_label}
    return ""


def text(*paragraphs):
    return "\n\n".join(str(paragraph) for paragraph in paragraphs if paragraph)


class CalendarWriter:
    """Writes meetings into one calendar, with what every event carries: a stable UID, the
    time it was written (DTSTAMP), the meeting page's address and the place."""

    def __init__(self, request, *, name, description, url, source=None):
        self.request = request
        self.stamp = timezone.now().replace(microsecond=0)
        self.calendar = icalendar.Calendar.new(
            prodid=PRODID,
            name=name,
            description=description,
            url=url,
            source=source,
            refresh_interval=REFRESH_INTERVAL if source else None,
            # A feed keeps one identity however often it is fetched.
            uid=uid("calendar", source or url),
        )
        self.calendar.add("CALSCALE", "GREGORIAN")
        self.calendar.add("METHOD", "PUBLISH")
        if source:
            # The older name of REFRESH-INTERVAL, which Outlook and Apple Calendar read.
            self.calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH_INTERVAL))
        self.left_out = 0

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    def event(self, meeting, **fields):
        fields.setdefault("uid", uid("meeting", meeting.pk))
        categories = [meeting.get_kind_display(), *(topic.name for topic in meeting.topics.all())]
        self.calendar.add_component(
            icalendar.Event.new(
                stamp=self.stamp,
                url=self.absolute(meeting.get_absolute_url()),
                location=location(meeting),
                categories=categories,
                **fields,
            )
        )

    def add_meeting(self, meeting, *, in_full=False):
        """The meeting's events: its timed sessions (`in_full`, when it has any), else the
        meeting as one all-day event. Returns False for a meeting left out (no days).

        A feed (not `in_full`) gives each meeting's summary cut short, as lists do: writing
        the text is most of a feed's time, and the entry links to the page anyway.
        """
        days = calendar_days(meeting)
        if days is None:
            self.left_out += 1
            return False
        page = self.absolute(meeting.get_absolute_url())
        sessions = timed_sessions(meeting, days) if in_full else []
        for timed in sessions:
            session = timed.session
            self.event(
                meeting,
                uid=uid("meeting", meeting.pk, "session", session.pk),
                summary=f"{session.title} – {meeting.title}",
                start=timed.start,
                end=timed.end,
                status="CONFIRMED",
                description=text(
                    session.get_kind_display(),
                    session.description,
                    _("The whole programme: %(url)s") % {"url": page},
                ),
            )
        if not sessions:
            self.event(
                meeting,
                summary=provisional_summary(meeting, days),
                start=days.first,
                # All-day events end on the day after their last (RFC 5545, 3.6.1).
                end=days.last + datetime.timedelta(days=1),
                status="TENTATIVE" if days.provisional else "CONFIRMED",
                description=text(
                    provisional_note(meeting, days),
                    meeting.summary if in_full else Truncator(meeting.summary).words(40),
                    _("Programme and documents: %(url)s") % {"url": page},
                ),
            )
        return True

    def response(self, filename):
        """The calendar as a file to open in a calendar app, with its time zones."""
        self.note_left_out()
        self.add_time_zones()
        response = HttpResponse(
            self.calendar.to_ical(), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=filename
        )
        return response

    def note_left_out(self):
        if self.left_out:
            # VCALENDAR takes no COMMENT (RFC 5545 allows it in components only): an X- line.
            self.calendar.add(
                "X-COMMENT",
                ngettext(
                    "%(count)d meeting is not in this calendar: its dates are not known, or "
                    "only its year is. The meeting list shows it.",
                    "%(count)d meetings are not in this calendar: their dates are not known, "
                    "or only their year is. The meeting list shows them.",
                    self.left_out,
                )
                % {"count": self.left_out},
            )

    def add_time_zones(self):
        """The VTIMEZONE of each zone the events' times use, for the years they span only
        (the library's default, 1970 to 2038, would repeat every change of clocks)."""
        starts = [
            event.start
            for event in self.calendar.events
            if isinstance(event.start, datetime.datetime)
        ]
        if starts:
            self.calendar.add_missing_timezones(
                first_date=datetime.date(min(starts).year, 1, 1),
                last_date=datetime.date(max(starts).year + 1, 12, 31),
            )


def meeting_calendar(request, meeting):
    """One meeting's file (a row of `Meeting.objects.for_calendar()` with its sessions):
    its timed sessions at the venue's time, else the meeting's days; None without days."""
    page = request.build_absolute_uri(meeting.get_absolute_url())
    writer = CalendarWriter(request, name=meeting.title, description=meeting.summary, url=page)
    if not writer.add_meeting(meeting, in_full=True):
        return None
    return writer.response(f"{meeting.slug}.ics")


def feed_query(filterset):
    """The query string of the filters in use, in the filters' order ("?topic=barnahus"), or
    "" for none: the same string chooses the meetings of the list and of its feed."""
    params = QueryDict(mutable=True)
    for name in filterset.filters:
        value = filterset.data.get(name)
        if value:
            params[name] = value
    return f"?{params.urlencode()}" if params else ""


def filter_labels(filterset):
    """What each filter in use stands for, as the list's form names it: "Barnahus", "2024".
    For a valid filterset."""
    labels = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        if isinstance(value, models.Model):
            labels.append(str(value))
        else:
            choices = dict(getattr(filterset.form.fields[name], "choices", ()))
            labels.append(str(choices.get(value, value)))
    return labels


def meetings_feed(request, filterset):
    """The subscribable calendar of the meetings `filterset` (a valid
    `MeetingCalendarFilter` over `Meeting.objects.for_calendar()`) chooses."""
    name = _("Meetings of the Expert Group on Children at Risk")
    labels = filter_labels(filterset)
    if labels:
        name = f"{name}: {', '.join(labels)}"
    query = feed_query(filterset)
    writer = CalendarWriter(
        request,
        name=name,
        description=_(
            "Meetings of the CBSS Expert Group on Children at Risk, from its portal. Meetings "
            "known only by their month are all-day entries across the month, marked "
            "provisional; each entry links to the meeting's page and programme."
        ),
        url=request.build_absolute_uri(reverse("meetings:list") + query),
        source=request.build_absolute_uri(reverse("meetings:calendar") + query),
    )
    for meeting in filterset.qs:
        writer.add_meeting(meeting)
    return writer.response("car-portal-meetings.ics")
