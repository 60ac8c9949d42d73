import html
from typing import NamedTuple

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Case, CharField, Count, Exists, F, Q, TextField, When
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_cte import CTE

from carportal.models import Country, Language, Topic


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of a related row by its public key (slug or code), as the URL contract says."""

    def __init__(self, *args, to_field_name="slug", **kwargs):
        kwargs.setdefault("empty_label", _("Any"))
        super().__init__(*args, to_field_name=to_field_name, **kwargs)


def in_use(choices, rows, relation, family=False):
    """The `choices` that at least one of `rows` (published) has through `relation`; with
    `family`, a parent project whose phases only have rows too.

    A filter offers, and accepts, only values that give results: a retired topic or a funder
    of draft projects only is neither offered nor linked.
    """
    used = Q(pk__in=rows.values(relation))
    if family:
        used |= Q(pk__in=rows.values(f"{relation}__parent"))
    return choices.filter(used)


def values_in_use(choices, rows, field):
    """Like `in_use`, for fixed `choices` (kinds, languages), read afresh for every request.

    One query asks, for each choice, whether a row has it (EXISTS, which stops at the first
    row an index finds), rather than reading the distinct values of every row. It is the
    same SQL on every request, so it is compiled once for each database: compiling thirteen
    EXISTS subqueries took 6 ms of CPU time, for 2 ms of SQL.
    """
    compiled = {}

    def question(alias):
        probes = {
            f"choice_{number}": Exists(rows.filter(**{field: value}))
            for number, (value, _label) in enumerate(choices)
        }
        # Any one row of the table carries the answers.
        answers = rows.model.objects.using(alias).order_by().values(**probes)[:1]
        return answers.query.sql_with_params()

    def current():
        alias = rows.db
        if alias not in compiled:
            compiled[alias] = question(alias)
        sql, params = compiled[alias]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchone()
        if found is None:  # no row at all
            return []
        return [choice for choice, used in zip(choices, found, strict=True) if used]

    return current


def topic_filter(rows, field_name="topics"):
    return SlugChoiceFilter(
        field_name=field_name,
        label=_("Topic"),
        queryset=in_use(Topic.objects.active(), rows, field_name),
    )


def country_filter(rows, field_name="country"):
    return SlugChoiceFilter(
        field_name=field_name,
        to_field_name="code",
        label=_("Country"),
        queryset=in_use(Country.objects.active(), rows, field_name),
    )


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("lookup_expr", "year")
        # A text box, so that an invalid value ("abc") is shown back as typed, beside its
        # error; a number input cannot hold it.
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, min_value=1900, max_value=2100, **kwargs)


class FacetPath(NamedTuple):
    """Where a filter's option lies on a list's row: its value (a relation path or an
    expression), and which rows may be counted along it."""

    value: object
    where: Q = Q()


class Option(NamedTuple):
    value: str
    label: str
    count: int


class Facet:
    """How a filter's options are counted: one grouped query over the list's rows with every
    other filter applied and this one removed, the convention of library catalogues, so an
    option's count is the number of results choosing it gives. A list's facets are read
    together, in one statement (`count_facets`).

    With ``names``, the options are related rows (topics, projects): the paths lead to their
    keys, the rows are counted by key, and ``names`` (``named`` rows: those that may be
    offered) gives each key its value and label in the same query. Grouping by an integer,
    often a column of the list's own rows or of a link table, rather than by the related
    rows' slugs and names, saves a join and a grouping by text for every row counted.

    Several paths count a row under each value any of them reaches (a project under itself
    and under its parent): the pairs are united, so that a row reached twice counts once.
    With ``disjoint``, no row can reach one value along two of them (a publication has one
    project, never its own phase): the pairs are then appended, which spares hashing them
    all (the projects of 19,000 publications counted in psql: 8 ms rather than 11 to 15).
    """

    def __init__(
        self, *paths, labels=None, by_label=False, distinct=False, names=None, disjoint=False
    ):
        if names is None and (labels is None or len(paths) > 1):
            raise ValueError(
                "A facet names its options: fixed `labels` on one path, or related rows' `names`."
            )
        self.paths = paths
        self.disjoint = disjoint
        # COUNT(DISTINCT) sorts each group: three times as slow over 20,000 publications.
        # Only where a row can reach the same value twice along one path (a project with two
        # fundings from one funder); a many-to-many table holds each pair once.
        self.distinct = distinct
        self.labels = dict(labels) if labels is not None else None  # fixed choices
        self.names = names
        # By name, or fixed choices in their own order (kinds, "upcoming" before "past").
        self.by_label = by_label or labels is None

    def pairs(self, rows, path):
        where = path.where
        if isinstance(path.value, str):
            # Rows without a value count for no option. Left out, they let a relation be
            # joined as INNER JOIN, which the planner may start from the smaller side. In
            # the same filter() as `where`: a second one would join a relation a second time.
            where &= Q(**{f"{path.value}__isnull": False})
        rows = rows.filter(where)
        value = F(path.value) if isinstance(path.value, str) else path.value
        return rows.values(facet_value=value)

    def counted(self, rows):
        """The SQL (and parameters) of this facet's counts among `rows`: a row for each
        value, (facet_value, facet_label, facet_count), the label NULL without `names`."""
        rows = rows.order_by()
        if len(self.paths) == 1:
            grouped = self.pairs(rows, self.paths[0]).annotate(
                facet_count=Count("pk", distinct=self.distinct)
            )
            counted, params = grouped.query.sql_with_params()
        else:
            united = None
            for path in self.paths:
                pairs = self.pairs(rows, path).values("pk", "facet_value")
                united = pairs if united is None else united.union(pairs, all=self.disjoint)
            sql, params = united.query.sql_with_params()
            counted = (
                "SELECT facet_value, COUNT(*) AS facet_count "
                f"FROM ({sql}) facet_pairs GROUP BY facet_value"
            )
        if self.names is None:
            return (
                f"SELECT facet_value, NULL AS facet_label, facet_count FROM ({counted}) counted",
                params,
            )
        # A copy: the facet serves every request, on several threads, and compiling a query
        # may touch it.
        names, names_params = self.names.all().query.sql_with_params()
        return (
            "SELECT named.facet_value, named.facet_label, counted.facet_count "
            f"FROM ({counted}) counted JOIN ({names}) named "
            "ON named.facet_key = counted.facet_value",
            [*params, *names_params],
        )

    def options(self, counts, selected=None):
        """The options with results, each with its count, from `counts` ({value: (label,
        count)}, as `count_facets` reads them); the chosen one (`selected`) always, so that
        the form shows what was asked even when it gives none."""
        if self.labels is not None:
            # Fixed choices name their options; a value among none of them (a row without
            # one) is no option.
            counts = {
                value: (self.labels[value], count)
                for value, (_label, count) in counts.items()
                if value in self.labels
            }
        if selected and selected not in counts:
            counts[selected] = ((self.labels or {}).get(selected, selected), 0)
        options = [Option(value, str(label), count) for value, (label, count) in counts.items()]
        if self.by_label:
            return sorted(options, key=lambda option: option.label.casefold())
        position = {value: number for number, value in enumerate(self.labels)}
        return sorted(options, key=lambda option: position[option.value])


class FacetCounts(NamedTuple):
    found: int  # the number of results
    counts: dict  # {name: {value: (label, count)}}


def facet_columns(rows):
    """What a facet may count by or test on `rows`: their keys, dates, numbers and choices,
    and the list's own annotations (a project's status); never their free text."""
    fields = [
        field.attname
        for field in rows.model._meta.concrete_fields
        if field.primary_key or field.choices or not isinstance(field, (CharField, TextField))
    ]
    annotations = [
        name
        for name, annotation in rows.query.annotations.items()
        if not annotation.contains_aggregate
    ]
    return [*fields, *annotations]


def count_facets(results, facets, alone=(), find_once=False):
    """The number of `results` (a list's rows, every filter applied), the counts of
    `facets` among them, and those of each facet of `alone`, (name, facet, rows), among its
    own rows: all in one statement.

    With `find_once`, the database finds the results once, into a materialised CTE of their
    `facet_columns` that each facet counts from, rather than once for each facet: a search
    for a word in nearly every row ("child") matches 19,000 rows' vectors, 12 ms, four times
    over. (Joined back to the list's table by key, the facets took a fifth longer;
    restricted to its keys by `pk IN (...)`, PostgreSQL looked each up in the index, twice
    as slow as matching four times.) Rows that an index alone finds (every published row)
    are counted where they lie: copying them would cost more than it saves. A facet of
    `alone` counts its rows where they lie too, being their only reader.
    """
    results = results.order_by()
    if find_once:
        copied = results.values(*facet_columns(results))
        cte = CTE(copied, name="facet_results")
        sql, params = copied.query.sql_with_params()
        with_ctes, ctes_params = f"WITH {cte.name} AS MATERIALIZED ({sql}) ", params
        parts, parts_params = [f"SELECT NULL, NULL, NULL, COUNT(*) FROM {cte.name}"], []
        counted = cte.queryset()
    else:
        sql, params = results.values("pk").query.sql_with_params()
        with_ctes, ctes_params = "", []
        parts = [f"SELECT NULL, NULL, NULL, COUNT(*) FROM ({sql}) found"]
        parts_params = list(params)
        counted = results
    readers = [(name, facet, counted) for name, facet in facets.items()] + list(alone)
    for name, facet, rows in readers:
        sql, params = facet.counted(rows)
        parts.append(f"SELECT %s, facet_value, facet_label, facet_count FROM ({sql}) f")
        parts_params += [name, *params]
    counts = {name: {} for name, _facet, _rows in readers}
    with connections[results.db].cursor() as cursor:
        cursor.execute(f"{with_ctes}{' UNION ALL '.join(parts)}", [*ctes_params, *parts_params])
        (_name, _value, _label, found), *read = cursor.fetchall()
    for name, value, label, count in read:
        counts[name][value] = (label, count)
    return FacetCounts(found, counts)


def named(offered, label="name", key="slug"):
    """The related rows a facet may offer (``offered``: active topics, published projects),
    each as its key (``facet_key``), the value a link carries (``key``: slug or code) and its
    ``label`` (a field or an expression)."""
    return offered.order_by().values(
        facet_key=F("pk"),
        facet_value=F(key),
        facet_label=F(label) if isinstance(label, str) else label,
    )


def related_facet(relation, offered, label="name", key="slug", distinct=False):
    """The facet of a related row (topic, country, presidency, funder) named by `key`, among
    the rows `offered` (active, published)."""
    return Facet(FacetPath(relation), distinct=distinct, names=named(offered, label, key))


def language_facet(relation="editions__language"):
    """Languages by their own names, the way a reader looks for their own."""
    return Facet(FacetPath(relation), labels=Language.native_choices(), by_label=True)


UNKNOWN_ROW = _(
    "No %(noun)s “%(value)s” has anything in this list. Type its acronym, or pick a suggestion."
)
# For a value no option has: a link from before the option was renamed or withdrawn, or
# one typed by hand. Django's own message names neither the value nor what to do.
NOT_IN_LIST = _("Nothing in this list has “%(value)s”. Choose one of the options offered.")


def options_html(choices, chosen=()):
    """`<option>`s of (value, label) pairs, those whose value is in `chosen` selected.

    Escaped by the standard library rather than written by a template per option or by
    format_html_join, whose lazy-string wrappers cost ten times as much: a thousand
    options (every project with publications) took 5 ms of each publication list.
    """
    return mark_safe(
        "".join(
            f'<option value="{html.escape(str(value))}"'
            f"{' selected' if str(value) in chosen else ''}>{html.escape(str(label))}</option>"
            for value, label in choices
        )
    )


def attributes_html(attrs):
    """Attributes as Django's widgets/attrs.html writes them: in their order (flatatt sorts
    them), True as a bare name, False left out."""
    return mark_safe(
        "".join(
            f" {html.escape(name)}" + ("" if given is True else f'="{html.escape(str(given))}"')
            for name, given in attrs.items()
            if given is not False
        )
    )


class SuggestionsInput(forms.TextInput):
    """A text box followed by its `<datalist>` of suggestions, offered per request."""

    suggestions = ()

    def offer(self, list_id, suggestions):
        """Suggest `suggestions`, (value, label) pairs, in a datalist with the id `list_id`."""
        self.attrs["list"] = list_id
        self.suggestions = suggestions

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        if "list" not in self.attrs:
            return box
        return format_html(
            '{}<datalist id="{}">{}</datalist>',
            box,
            self.attrs["list"],
            options_html(self.suggestions),
        )


class CountedSelect(forms.Select):
    """A `<select>` of flat choices, written by `options_html` rather than by Django's
    templates, one per option: 136 of them took 6 of the 30 ms of CPU time of the meetings
    list."""

    def render(self, name, value, attrs=None, renderer=None):
        # Widget's context, without the option groups ChoiceWidget builds for the templates.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            attributes_html(widget["attrs"]),
            options_html(self.choices, widget["value"]),
        )


class NamedRowField(forms.CharField):
    """One of hundreds of rows (projects, funders), typed: its slug or its acronym."""

    widget = SuggestionsInput

    def __init__(self, *args, queryset, acronym, noun, **kwargs):
        self.queryset, self.acronym, self.noun = queryset, acronym, noun
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        typed = Q(slug__iexact=value) | Q(**{f"{self.acronym}__iexact": value})
        # A slug names one row; an acronym may be shared, and then the oldest row has it.
        row = (
            self.queryset.filter(typed)
            .order_by(Case(When(slug__iexact=value, then=0), default=1), "pk")
            .first()
        )
        if row is None:
            raise ValidationError(
                UNKNOWN_ROW,
                code="unknown",
                params={"noun": self.noun, "value": value},
            )
        return row


class NamedRowFilter(django_filters.Filter):
    """A filter on a related row chosen among hundreds: a text box with suggestions (a
    `<datalist>` of the options with results), not a `<select>` of a thousand options,
    which made most of a page's weight. With `family`, a parent project includes its phases.
    """

    field_class = NamedRowField

    def __init__(self, *args, family=False, **kwargs):
        self.family = family
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        # Among the rows the field accepts: a draft phase adds nothing to its parent.
        rows = self.extra["queryset"].filter(
            Q(pk=value.pk) | Q(parent=value.pk) if self.family else Q(pk=value.pk)
        )
        # A subquery, not a join, so that a row with two of the rows is listed once.
        matching = qs.model.objects.filter(**{f"{self.field_name}__in": rows}).values("pk")
        return qs.filter(pk__in=matching)


class ActiveFilter(NamedTuple):
    label: str
    value: str
    remove_url: str


class ListFilterSet(django_filters.FilterSet):
    """A list's filters that say what is applied, each with a link to the list without it
    (templates/includes/list_filters.html)."""

    def get_form_class(self):
        form_class = super().get_form_class()
        for field in form_class.base_fields.values():
            if isinstance(field, forms.ChoiceField):  # model choices too
                field.error_messages["invalid_choice"] = NOT_IN_LIST
        return form_class

    def cleaned_values(self):
        return self.form.cleaned_data if self.is_bound and self.is_valid() else {}

    @cached_property
    def applied(self):
        """{name: value} of the filters in use."""
        return {
            name: value
            for name, value in self.cleaned_values().items()
            if value not in django_filters.constants.EMPTY_VALUES
        }

    def option_labels(self, name):
        """{value as a link carries it: label} of filter `name`'s fixed choices. A related
        row names itself, and a typed value (a year, a search) is shown as typed."""
        field = self.form.fields[name]
        if isinstance(field, forms.ModelChoiceField) or not hasattr(field, "choices"):
            return {}
        return {str(value): str(label) for value, label in field.choices}

    def active_filters(self, request):
        """What is applied, each with a link to the same list without it."""
        active = []
        for name, value in self.applied.items():
            raw = self.form.data.get(name, "")
            shown = self.option_labels(name).get(
                getattr(value, "slug", None) or getattr(value, "code", None) or raw, str(value)
            )
            query = request.GET.copy()
            query.pop(name, None)
            query.pop("page", None)
            url = f"{request.path}?{query.urlencode()}#results" if query else request.path
            active.append(ActiveFilter(str(self.filters[name].label), shown, url))
        return active


class FacetFilterSet(ListFilterSet):
    """A public list's filters whose options show how many results each would give.

    `facets` maps a filter's name to its `Facet`: one grouped query each, whatever the
    number of options or rows. Options without results are left out, so none is a dead end.
    """

    facets: dict = {}

    def get_facets(self):
        return self.facets

    def rows_without(self, name):
        """The list's rows with every filter applied but `name`."""
        rows = self.queryset.all()
        for other, value in self.cleaned_values().items():
            if other != name:
                rows = self.filters[other].filter(rows, value)
        return rows

    @cached_property
    def list_facets(self):
        """This request's facets (`get_facets`): what counts as upcoming depends on the day."""
        return self.get_facets()

    @cached_property
    def facet_counts(self):
        """The results' number and every facet's counts (`count_facets`), or None while a
        filter value is invalid (no results then)."""
        if self.is_bound and not self.is_valid():
            return None
        # A facet whose own filter is not applied counts the results, as the paginator does;
        # one whose filter is applied counts, alone, the rows without its own filter.
        shared = {
            name: facet for name, facet in self.list_facets.items() if name not in self.applied
        }
        alone = [
            (name, facet, self.rows_without(name))
            for name, facet in self.list_facets.items()
            if name in self.applied
        ]
        return count_facets(
            self.qs,
            shared,
            alone,
            # Found once when a filter narrows them and a facet reads them too.
            find_once=bool(self.applied and shared),
        )

    @property
    def found(self):
        """The number of results, counted with the facets: the paginator needs no count of
        its own. None while a filter value is invalid."""
        return None if self.facet_counts is None else self.facet_counts.found

    @cached_property
    def facet_options(self):
        """{name: [Option]}, or nothing while a filter value is invalid (no results then)."""
        if self.facet_counts is None:
            return {}
        options = {}
        for name, facet in self.list_facets.items():
            chosen = self.applied.get(name)
            selected = getattr(
                chosen, self.filters[name].extra.get("to_field_name", "slug"), chosen
            )
            options[name] = facet.options(self.facet_counts.counts[name], selected or None)
        return options

    def option_labels(self, name):
        """A counted filter's labels, read with its counts."""
        if name not in self.facet_options:
            return super().option_labels(name)
        return {option.value: option.label for option in self.facet_options[name]}

    def show_counts(self):
        """Put the counts into the form: a `<select>` lists the options with results; a text
        box gets them as suggestions."""
        any_label = _("Any")
        for name, options in self.facet_options.items():
            field = self.form.fields[name]
            labelled = [(option.value, f"{option.label} ({option.count})") for option in options]
            if isinstance(field, NamedRowField):
                field.widget.offer(f"id_{name}_suggestions", labelled)
            else:
                choices = [("", field.empty_label or any_label), *labelled]
                field.widget = CountedSelect(field.widget.attrs, choices=choices)
