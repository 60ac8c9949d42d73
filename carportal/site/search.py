"""The site search page, /search/?q=: publications, meetings, projects and presidencies
together, ranked, with counts per type (carportal/search.py runs the search; docs/adr/0012)."""

from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from carportal.search import matching, parse, ranked, snippet_html, snippet_of, with_snippets
from meetings.models import Meeting, Presidency
from projects.models import Project
from publications.models import Publication


class SearchType(NamedTuple):
    model: type
    date_field: str  # newest first among results that rank alike
    label: str
    plural: str


# In the order the page offers them.
TYPES = {
    "publication": SearchType(Publication, "published_on", _("Publication"), _("Publications")),
    "meeting": SearchType(Meeting, "start_date", _("Meeting"), _("Meetings")),
    "project": SearchType(Project, "start_date", _("Project"), _("Projects")),
    "presidency": SearchType(Presidency, "start_date", _("Presidency"), _("Presidencies")),
}


class Result(NamedTuple):
    type: str
    label: str
    object: models.Model
    snippet: str


class Hits:
    """The keys of the results, (type, pk, rank, date), best first, read a page at a time.

    The total is known from the counts per type, so the Paginator needs no query of its own.
    """

    def __init__(self, keys, total):
        self.keys, self.total = keys, total

    def count(self):
        return self.total

    def __getitem__(self, index):
        return list(self.keys[index])


def _keys(name, query):
    found = ranked(TYPES[name].model.objects.published(), query)
    # Unordered: the union is ordered as a whole (SQLite refuses ordered parts).
    return (
        found.order_by()
        .annotate(type=models.Value(name), sort_date=models.F(TYPES[name].date_field))
        .values_list("type", "pk", "search_rank", "sort_date")
    )


def _ordered(keys):
    return keys.order_by("-search_rank", models.F("sort_date").desc(nulls_last=True), "type", "pk")


def _results(keys, query):
    """The page's rows, whole, in the order of ``keys``: one query per type on the page."""
    wanted = defaultdict(list)
    for name, pk, *_rest in keys:
        wanted[name].append(pk)
    rows = {}
    for name, pks in wanted.items():
        found = TYPES[name].model.objects.published().filter(pk__in=pks).for_list()
        rows.update({(name, row.pk): row for row in with_snippets(found, query)})
    return [
        Result(name, TYPES[name].label, row, snippet_html(snippet_of(row, query)))
        for name, pk, *_rest in keys
        if (row := rows.get((name, pk)))
    ]


def search_page(request):
    # A NUL cannot reach the database, and means nothing in a search.
    text = request.GET.get("q", "").replace("\x00", "")
    # An unknown type is ignored: every type is searched.
    chosen = request.GET.get("type") if request.GET.get("type") in TYPES else ""
    query = parse(text)
    context = {"q": text, "query": query, "chosen": chosen}
    if query:
        counts = {
            name: matching(kind.model.objects.published(), query).count()
            for name, kind in TYPES.items()
        }
        names = [chosen] if chosen else list(TYPES)
        keys = [_keys(name, query) for name in names]
        union = keys[0].union(*keys[1:], all=True) if len(keys) > 1 else keys[0]
        total = sum(counts[name] for name in names)
        page = Paginator(Hits(_ordered(union), total), settings.PAGINATE_BY).get_page(
            request.GET.get("page")
        )
        page.object_list = _results(page.object_list, query)
        context.update(
            counts=counts,
            type_counts=[(name, kind.plural, counts[name]) for name, kind in TYPES.items()],
            total=total,
            all_count=sum(counts.values()),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        )
    return render(request, "search/search.html", context)
