"""Site search (docs/adr/0012): what a visitor typed, cut down to a search that costs a bounded
amount, and run over a model's text.

The syntax is that of web search engines, as PostgreSQL's ``websearch_to_tsquery`` reads it:
words must all be there, ``"a phrase"`` in that order, ``-word`` left out, ``this or that``
either. A plain word also matches as the start of a longer one ("Lietuv" finds "Lietuvoje").

On PostgreSQL each searched table has a ``search_vector`` column, kept by a trigger
(``add_search_vector`` makes it in a migration) and indexed with GIN: the words of each field,
weighted, once stemmed as English and once as written. On SQLite, the first-run default, the
same query is a plain ``icontains`` over the same fields.

A model takes part by naming its searched fields and their weights in ``search_fields``:
"A" (title) above "B" (summary) above "C" (description); a related row's field by its path
(``editions__title``), which on PostgreSQL needs ``add_search_vector``'s ``related``.
"""

import re
from contextlib import contextmanager
from typing import NamedTuple

from django.db import connection, connections, migrations, models
from django.db.models.constants import LOOKUP_SEP
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

# Each word becomes a condition on several columns: thousands of them once held a worker for
# ten seconds. Ten words and 200 characters are more than any real search needs.
MAX_SEARCH_WORDS = 10
MAX_SEARCH_LENGTH = 200
# A shorter word is matched whole: "eu" as a prefix would match half the words in the index.
MIN_PREFIX = 3
SNIPPET_WORDS = 35


class SearchTerms(NamedTuple):
    words: list[str]
    truncated: bool  # part of the query was dropped, and the page should say so


def search_terms(value):
    """The distinct words (ignoring case) of the start of ``value``, and whether any were dropped.

    Only the first MAX_SEARCH_LENGTH characters are read, so the cost stays linear however long
    the query string is.
    """
    value = value.strip()
    distinct = {}
    for word in value[:MAX_SEARCH_LENGTH].split():
        distinct.setdefault(word.casefold(), word)
    words = list(distinct.values())
    truncated = len(words) > MAX_SEARCH_WORDS or len(value) > MAX_SEARCH_LENGTH
    return SearchTerms(words[:MAX_SEARCH_WORDS], truncated)


class Term(NamedTuple):
    text: str  # as typed, without quotes or minus sign
    tokens: tuple  # its runs of letters and digits: what the search compares
    exact: bool  # a quoted phrase, or a word of several tokens ("cross-border"): no prefix
    negated: bool


class Query(NamedTuple):
    """Clauses that must all match, each of terms of which one must (``a b or c``)."""

    clauses: tuple
    truncated: bool

    def __bool__(self):
        return any(not term.negated for clause in self.clauses for term in clause)

    def looked_for(self):
        """The query without the terms it leaves out: what ranks and highlights a result."""
        clauses = (tuple(term for term in clause if not term.negated) for clause in self.clauses)
        return self._replace(clauses=tuple(clause for clause in clauses if clause))

    @property
    def words(self):
        """The tokens looked for (not those left out), to highlight them."""
        return [
            token
            for clause in self.clauses
            for term in clause
            if not term.negated
            for token in term.tokens
        ]


TOKEN = re.compile(r"[^\W_]+")
# A quoted phrase (its closing quote optional, as in websearch_to_tsquery), or a word.
PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse(value):
    """The Query that ``value`` asks for, read within the same bounds as search_terms: its
    first MAX_SEARCH_LENGTH characters, MAX_SEARCH_WORDS words.

    Whatever ``value`` holds, the result is a query or an empty one: symbols alone, a lone
    "-", an "or" with nothing beside it, an unclosed quote all read as websearch reads them.
    """
    value = value.strip()
    clauses, either, tokens_read = [], False, 0
    truncated = len(value) > MAX_SEARCH_LENGTH
    for match in PIECE.finditer(value[:MAX_SEARCH_LENGTH]):
        minus, quoted, word = match.groups()
        if word is not None and word.casefold() == "or":
            either = bool(clauses)
            continue
        if word is not None:
            negated, text = word.startswith("-"), word.lstrip("-")
        else:
            negated, text = bool(minus), quoted
        tokens = tuple(TOKEN.findall(text))
        if not tokens:
            continue
        tokens_read += len(tokens)
        if tokens_read > MAX_SEARCH_WORDS:
            truncated = True
            break
        term = Term(text, tokens, word is None or len(tokens) > 1, negated)
        if either:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        either = False
    return Query(tuple(tuple(clause) for clause in clauses), truncated)


# PostgreSQL ----------------------------------------------------------------------------------

CONFIGS = ("english", "simple")


def _term_sql(term, *, prefix):
    """A term's tsquery: its English stems or its words as written, either matching."""
    if term.exact:
        sql = "(phraseto_tsquery('english', %s) || phraseto_tsquery('simple', %s))"
        return sql, [term.text, term.text]
    word = term.tokens[0]
    pattern = f"{word}:*" if prefix and len(word) >= MIN_PREFIX else word
    # An English stop word ("the", "for") is dropped, as websearch_to_tsquery drops it, rather
    # than sought as written; its empty tsquery vanishes in && and ||.
    # A word whose English stem is the word itself ("child") is sought once, not twice: a
    # search matching most rows tests each row's vector for every part of the query.
    sql = (
        "(CASE WHEN numnode(to_tsquery('english', %s)) = 0 THEN to_tsquery('english', %s)"
        " WHEN to_tsquery('english', %s) = to_tsquery('simple', %s)"
        " THEN to_tsquery('simple', %s)"
        " ELSE to_tsquery('english', %s) || to_tsquery('simple', %s) END)"
    )
    # The token holds letters and digits only, so to_tsquery reads no operator from it.
    return sql, [word, word, pattern, pattern, pattern, pattern, pattern]


def tsquery_sql(query):
    """The SQL (and parameters) of ``query`` as one tsquery."""
    ands, params = [], []
    for clause in query.clauses:
        ors = []
        for term in clause:
            sql, term_params = _term_sql(term, prefix=not term.negated)
            ors.append(f"!!{sql}" if term.negated else sql)
            params += term_params
        ands.append(f"({' || '.join(ors)})")
    return " && ".join(ands), params


class _SearchExpression(models.Expression):
    """SQL over the queried table's search_vector column and the query's tsquery."""

    template = None

    def __init__(self, query, output_field):
        super().__init__(output_field=output_field)
        self.query = query

    def as_sql(self, compiler, connection):
        vector = f"{compiler.quote_name_unless_alias(compiler.query.base_table)}.search_vector"
        tsquery, params = tsquery_sql(self.query)
        return self.template.format(vector=vector, tsquery=tsquery), params


class Matches(_SearchExpression):
    template = "{vector} @@ ({tsquery})"

    def __init__(self, query):
        super().__init__(query, models.BooleanField())


class Rank(_SearchExpression):
    template = "ts_rank({vector}, {tsquery})"

    def __init__(self, query):
        # ts_rank of "a & !b" weighs the absent b too: rank by what is looked for.
        super().__init__(query.looked_for(), models.FloatField())


# Marks around the matched words, from characters of Unicode's private use area that no text
# here holds: the snippet is escaped as a whole, then they become <mark> elements.
START, STOP = "\ue000", "\ue001"


class Headline(models.Func):
    function = "ts_headline"
    output_field = models.TextField()

    def __init__(self, fields, query):
        self.query = query.looked_for()
        document = models.Func(
            models.Value(" "), *fields, function="concat_ws", output_field=models.TextField()
        )
        options = (
            f'StartSel="{START}", StopSel="{STOP}", MaxWords={SNIPPET_WORDS}, MinWords=15, '
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        super().__init__(models.Value("english"), document, models.Value(options))

    def as_sql(self, compiler, connection, **extra):
        (config, config_params), (document, document_params), (options, options_params) = (
            compiler.compile(expression) for expression in self.source_expressions
        )
        tsquery, params = tsquery_sql(self.query)
        sql = f"ts_headline({config}::regconfig, {document}, {tsquery}, {options})"
        return sql, [*config_params, *document_params, *params, *options_params]


# Both databases ------------------------------------------------------------------------------


def is_postgresql(queryset):
    return connections[queryset.db].vendor == "postgresql"


def _contains(model, field, word):
    lookup = {f"{field}__icontains": word}
    if LOOKUP_SEP not in field:
        return models.Q(**lookup)
    # A related row's text (an edition's title) by subquery: a join would repeat the row
    # once for each of its related rows that matches.
    return models.Q(pk__in=model._base_manager.filter(**lookup).values("pk"))


def _condition(model, fields, query):
    """The query as icontains conditions over ``fields`` of ``model`` (SQLite's search)."""
    condition = models.Q()
    for clause in query.clauses:
        either = models.Q()
        for term in clause:
            words = [term.text] if term.exact else [term.tokens[0]]
            found = models.Q()
            for field in fields:
                for word in words:
                    found |= _contains(model, field, word)
            either |= ~found if term.negated else found
        condition &= either
    return condition


def matching(queryset, query):
    """The rows of ``queryset`` that ``query`` (a Query with clauses) finds, in the
    queryset's order."""
    if is_postgresql(queryset):
        return queryset.filter(Matches(query))
    model = queryset.model
    return queryset.filter(_condition(model, list(model.search_fields), query))


def ranked(queryset, query):
    """``matching``, annotated with ``search_rank``: on PostgreSQL ts_rank, weighted; on
    SQLite 1 where the title fields (weight A) alone match, else 0."""
    found = matching(queryset, query)
    if is_postgresql(queryset):
        return found.annotate(search_rank=Rank(query))
    titles = [field for field, weight in queryset.model.search_fields.items() if weight == "A"]
    return found.annotate(
        search_rank=models.Case(
            models.When(_condition(queryset.model, titles, query), then=models.Value(1.0)),
            default=models.Value(0.0),
            output_field=models.FloatField(),
        )
    )


def snippet_fields(model):
    """The fields a snippet quotes: all but the titles, which the result shows anyway."""
    return [field for field, weight in model.search_fields.items() if weight != "A"]


def with_snippets(queryset, query):
    """Annotates ``search_snippet``, the text around the matched words, marked (PostgreSQL:
    ts_headline); ``snippet_html`` makes it safe HTML. On SQLite the rows' texts are marked in
    Python (``snippet_of``)."""
    if is_postgresql(queryset):
        return queryset.annotate(search_snippet=Headline(snippet_fields(queryset.model), query))
    return queryset


def snippet_of(row, query):
    """The row's marked snippet: ts_headline's, or on SQLite the start of its text with the
    words found marked."""
    if hasattr(row, "search_snippet"):
        return row.search_snippet
    text = " ".join(filter(None, (getattr(row, field) for field in snippet_fields(row))))
    return mark_words(Truncator(text).words(SNIPPET_WORDS), query)[0]


def mark_words(text, query):
    """``text`` with the words looked for marked wherever they appear in it, as typed (not
    their English forms), and how many were marked."""
    words = sorted(set(query.words), key=len, reverse=True)
    if not words:
        return text, 0
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return pattern.subn(lambda match: f"{START}{match[0]}{STOP}", text)


MARKED = re.compile(f"{START}(.*?){STOP}", re.DOTALL)


def snippet_html(text):
    """A marked snippet as HTML: all of it escaped, the matched words in <mark>."""
    marked = MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(marked.replace(START, "").replace(STOP, ""))


# Migrations ----------------------------------------------------------------------------------


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """SQL that only PostgreSQL runs: SQLite has no tsvector, and searches without one."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def add_search_vector(table, weights, *, related=None):
    """A migration's operation giving ``table`` its search_vector, on PostgreSQL only.

    ``weights`` maps each text column to "A", "B" or "C". A function computes the vector of a
    row; a trigger runs it before every insert and every update of those columns, so saves,
    bulk_create, bulk_update and raw SQL all keep it current; existing rows are filled in;
    a GIN index serves the @@ matches. Changing ``weights`` later means a new migration that
    runs ``remove_search_vector_sql`` and calls this again.

    ``related`` (table, key column, text column, weight) adds the texts of rows that point at
    the row, such as a publication's editions' own titles: a trigger on that table, once per
    statement, computes again the vectors of the rows its changes point at.
    """
    parts = [
        f"setweight(to_tsvector('{config}', coalesce(r.{column}, '')), '{weight}')"
        for column, weight in weights.items()
        for config in CONFIGS
    ]
    if related:
        other, key, column, weight = related
        texts = f"(SELECT string_agg({column}, ' ') FROM {other} WHERE {key} = r.id)"
        parts += [
            f"setweight(to_tsvector('{config}', coalesce({texts}, '')), '{weight}')"
            for config in CONFIGS
        ]
    function, columns = f"{table}_search_vector", ", ".join(weights)
    # STABLE, not IMMUTABLE, once it reads another table.
    volatility = "STABLE" if related else "IMMUTABLE"
    forwards = [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector",
        # In the row, not in the TOAST table (where a vector of over 2 kB went): a search that
        # matches most rows reads every vector, four times faster from the row itself.
        f"ALTER TABLE {table} ALTER COLUMN search_vector SET STORAGE MAIN",
        f"CREATE FUNCTION {function}(r {table}) RETURNS tsvector LANGUAGE sql {volatility} "
        f"AS $$ SELECT {' || '.join(parts)} $$",
        f"CREATE FUNCTION {function}_trigger() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN NEW.search_vector := {function}(NEW); RETURN NEW; END $$",
        f"CREATE TRIGGER search_vector BEFORE INSERT OR UPDATE OF {columns} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}_trigger()",
    ]
    if related:
        forwards.append(
            f"CREATE FUNCTION {other}_search_vector_trigger() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN UPDATE {table} SET search_vector = {function}({table}) "
            f"WHERE id IN (SELECT {key} FROM changed); RETURN NULL; END $$"
        )
        forwards += [
            f"CREATE TRIGGER search_vector_{event.lower()} AFTER {event} ON {other} "
            f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {other}_search_vector_trigger()"
            for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
        ]
    forwards += [
        f"UPDATE {table} SET search_vector = {function}({table})",
        f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)",
    ]
    return RunSQLOnPostgreSQL(forwards, remove_search_vector_sql(table, related=related))


@contextmanager
def search_vectors_deferred(*models):
    """Writes many rows of ``models`` with their search triggers paused, then computes the
    vectors of the searched ones once, one statement per table.

    For a load or a removal of thousands of rows in one transaction (the demo data). Row by
    row, a publication's vector is computed at its insert and again by each statement that
    adds its editions; deleting editions computes their publications' vectors anew just
    before those are deleted too. That doubled the demo load and made its removal minutes.
    DISABLE TRIGGER holds the tables locked until the transaction ends, and is undone with it
    if anything fails.
    """
    if connection.vendor != "postgresql":
        yield
        return
    assert connection.in_atomic_block, "only inside the transaction that does the writes"
    tables = [model._meta.db_table for model in models]
    _switch_triggers(tables, "DISABLE")
    yield
    _switch_triggers(tables, "ENABLE")
    with connection.cursor() as cursor:
        for model in models:
            if hasattr(model, "search_fields"):
                table = model._meta.db_table
                cursor.execute(f"UPDATE {table} SET search_vector = {table}_search_vector({table})")


def _switch_triggers(tables, action):
    with connection.cursor() as cursor:
        # A table with foreign-key checks still pending cannot be altered: check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} {action} TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def remove_search_vector_sql(table, *, related=None):
    function = f"{table}_search_vector"
    backwards = []
    if related:
        other = related[0]
        backwards += [
            f"DROP TRIGGER search_vector_{event} ON {other}"
            for event in ("insert", "update", "delete")
        ]
        backwards.append(f"DROP FUNCTION {other}_search_vector_trigger()")
    return backwards + [
        f"DROP TRIGGER search_vector ON {table}",
        f"DROP FUNCTION {function}_trigger()",
        f"DROP FUNCTION {function}({table})",
        f"ALTER TABLE {table} DROP COLUMN search_vector",
    ]
