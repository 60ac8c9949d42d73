"""The site search page, /search/?q=: publications, meetings, projects and presidencies
together, ranked, with counts per type (carportal/search.py runs the search; docs/adr/0012)."""

from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections, models
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from carportal.search import parse, ranked, snippet_html, snippet_of, with_snippets
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


# Past the last page of any search of the portal's rows.
MAX_PAGE = 10**6


class Hits:
    """The results' keys, (type, pk, rank, date), best first, and the counts per type: both
    read in one query (``read``), for the page the visitor asked for.

    The rows found are ranked and counted in the same pass: a word in nearly every row
    ("child") costs a read of each row's vector, once instead of twice (bench/search.py).
    The Paginator then needs no query of its own; only a page that does not exist, for which
    it takes the last one, costs a second.
    """

    def __init__(self, query, names, number, per_page):
        self.query, self.names = query, names
        self.offset = (number - 1) * per_page
        self.counts, self.keys = self.read(self.offset, per_page)

    def read(self, offset, limit):
        """The counts of every type, and ``limit`` keys of the types looked at from ``offset``."""
        parts = [_keys(name, self.query) for name in TYPES]
        found, params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
        chosen = ", ".join(["%s"] * len(self.names))
        # Read twice, the CTE is materialised by PostgreSQL: each matching row is read once.
        sql = (
            f"WITH found AS ({found}) "
            "SELECT type, key, search_rank, sort_date, NULL FROM ("
            f" SELECT * FROM found WHERE type IN ({chosen})"
            " ORDER BY search_rank DESC, sort_date DESC NULLS LAST, type, key"
            " LIMIT %s OFFSET %s"
            ") AS page "
            "UNION ALL SELECT type, NULL, NULL, NULL, count(*) FROM found GROUP BY type"
        )
        with connections[parts[0].db].cursor() as cursor:
            cursor.execute(sql, [*params, *self.names, limit, offset])
            rows = cursor.fetchall()
        counts = dict.fromkeys(TYPES, 0)
        counts.update((name, count) for name, key, *_rest, count in rows if key is None)
        return counts, [row[:4] for row in rows if row[1] is not None]

    def count(self):
        return sum(self.counts[name] for name in self.names)

    def __getitem__(self, index):
        if index.start != self.offset:  # the page asked for does not exist
            self.offset = index.start
            self.counts, self.keys = self.read(index.start, index.stop - index.start)
        return self.keys[: index.stop - index.start]


def _keys(name, query):
    found = ranked(TYPES[name].model.objects.published(), query)
    # Unordered: the union is ordered as a whole (SQLite refuses ordered parts). Every column
    # an annotation, so that each has a name to read it by in Hits.read.
    return (
        found.order_by()
        .annotate(
            type=models.Value(name), key=models.F("pk"), sort_date=models.F(TYPES[name].date_field)
        )
        .values_list("type", "key", "search_rank", "sort_date")
    )


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


def _page_number(request):
    """The page asked for, as the Paginator reads it: 1 if it is no number. A number past
    any search's last page stands for all of them, within what the database's OFFSET takes."""
    try:
        return min(max(int(request.GET.get("page", 1)), 1), MAX_PAGE)
    except ValueError:
        return 1


def search_page(request):
    # A NUL cannot reach the database, and means nothing in a search.
    text = request.GET.get("q", "").replace("\x00", "")
    # An unknown type is ignored: every type is searched.
    chosen = request.GET.get("type") if request.GET.get("type") in TYPES else ""
    query = parse(text)
    context = {"q": text, "query": query, "chosen": chosen}
    if query:
        names = [chosen] if chosen else list(TYPES)
        hits = Hits(query, names, _page_number(request), settings.PAGINATE_BY)
        page = Paginator(hits, settings.PAGINATE_BY).get_page(request.GET.get("page"))
        page.object_list = _results(page.object_list, query)
        counts = hits.counts
        context.update(
            counts=counts,
            type_counts=[(name, kind.plural, counts[name]) for name, kind in TYPES.items()],
            total=hits.count(),
            all_count=sum(counts.values()),
            page_obj=page,
            is_paginated=page.has_other_pages(),
            page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        )
    return render(request, "search/search.html", context)
