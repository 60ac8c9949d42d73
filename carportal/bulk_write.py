"""Rows written by the thousand: ``insert`` and ``update``, as ``bulk_create`` and
``bulk_update`` write them (no ``save()``, no signals), for imports and the change history.

On PostgreSQL ``insert`` streams the rows with COPY and ``update`` sends each column as one
array to a single ``UPDATE … FROM unnest(…)``. Django's own build an INSERT with a parameter
per value, in which psycopg escapes long texts character by character, and an UPDATE with a
``CASE WHEN`` per row and column: for 10,000 contact points, 2 s and 5 s of Python
(bench/import.py). On SQLite, the first run's default, they are Django's own.
"""

from datetime import datetime

from django.db import connections, models, router

# Django's own, on SQLite: a statement there takes a limited number of parameters.
BATCH_SIZE = 1000

# Fields (of exactly these classes) whose get_db_prep_save gives PostgreSQL a value of this
# exact type, or None, as it is (a time, if it has its time zone): taken as it is, without
# the four calls it costs for each value, a second of an import's 36,000 history entries.
AS_IS = {
    **dict.fromkeys([models.CharField, models.EmailField, models.SlugField], str),
    **dict.fromkeys([models.TextField, models.URLField], str),
    **dict.fromkeys([models.AutoField, models.BigAutoField, models.IntegerField], int),
    **dict.fromkeys([models.BigIntegerField, models.SmallIntegerField], int),
    **dict.fromkeys([models.PositiveIntegerField, models.PositiveSmallIntegerField], int),
    models.BooleanField: bool,
    models.DateTimeField: datetime,
}


def new_objects(model, rows):
    """Unsaved objects of ``model``, one for each dict of values by attribute name
    (``contact_point_id``) in ``rows``, its other fields at their defaults. Made from their
    columns' values in order, as a query's rows are: made with keyword arguments, an
    import's 36,000 history entries took twice as long."""
    fields = model._meta.concrete_fields
    # A default made by a call (a time, a random token) is made for each object that has no
    # value of its own.
    made = [field for field in fields if field.has_default() and callable(field.default)]
    fixed = {field.attname: field.get_default() for field in fields if field not in made}
    objects = []
    for row in rows:
        values = fixed | row
        for field in made:
            if field.attname not in row:
                values[field.attname] = field.get_default()
        objects.append(model(*[values[field.attname] for field in fields]))
    return objects


def _connection(model, using):
    return connections[using or router.db_for_write(model)]


def insert(model, objs, *, using=None):
    """Insert ``objs``, new rows of ``model``, as ``bulk_create`` does: fields are set as on
    a first save (``auto_now_add``), and each row gets its primary key. Returns them, saved."""
    objs = list(objs)
    connection = _connection(model, using)
    if connection.vendor != "postgresql":
        return model._default_manager.db_manager(connection.alias).bulk_create(
            objs, batch_size=BATCH_SIZE
        )
    if not objs:
        return objs
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not field.generated]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if unkeyed := [obj for obj in objs if obj.pk is None]:
            # The keys the INSERT would have taken, in one query.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [opts.db_table, opts.pk.column, len(unkeyed)],
            )
            for obj, (key,) in zip(unkeyed, cursor.fetchall(), strict=True):
                obj.pk = key
        columns = ", ".join(quote(field.column) for field in fields)
        values = _row_values(fields, connection, first_save=True)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                # As bulk_create: a related row assigned before it was saved gives its key now.
                obj._prepare_related_fields_for_save(operation_name="insert")
                copy.write_row(values(obj))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def update(model, objs, field_names, *, using=None):
    """Write the fields ``field_names`` of ``objs``, saved rows of ``model``, each row its
    own values, as ``bulk_update`` does."""
    objs, field_names = list(objs), list(field_names)
    connection = _connection(model, using)
    if not objs or not field_names:
        return
    if connection.vendor != "postgresql":
        model._default_manager.db_manager(connection.alias).bulk_update(
            objs, field_names, batch_size=BATCH_SIZE
        )
        return
    opts = model._meta
    columns = [opts.pk, *(opts.get_field(name) for name in field_names)]
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{column.db_type(connection)}[]" for column in columns)
    names = [f"c{number}" for number in range(len(columns))]
    settings = ", ".join(
        f"{quote(column.column)} = v.{name}"
        for column, name in zip(columns[1:], names[1:], strict=True)
    )
    table = quote(opts.db_table)
    sql = (
        f"UPDATE {table} SET {settings} FROM unnest({arrays}) AS v({', '.join(names)}) "
        f"WHERE {table}.{quote(opts.pk.column)} = v.c0"
    )
    values = _row_values(columns, connection, first_save=False)
    params = [list(column) for column in zip(*map(values, objs), strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _row_values(fields, connection, *, first_save):
    """A function giving an object's values of ``fields`` as ``get_db_prep_save`` gives them
    to ``connection``, on PostgreSQL: each as ``pre_save`` sets it on a first save
    (``auto_now_add``) when ``first_save``, else as the object holds it (bulk_update)."""
    plan = []
    for field in fields:
        # A key takes its target's value: a row's id.
        target = (
            field.target_field
            if type(field) in (models.ForeignKey, models.OneToOneField)
            else field
        )
        kind = AS_IS.get(type(target))
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            kind = None  # pre_save sets them
        plan.append((field, field.attname, kind))

    def values(obj):
        row = []
        for field, attname, kind in plan:
            if kind is None:
                value = field.pre_save(obj, True) if first_save else getattr(obj, attname)
                row.append(field.get_db_prep_save(value, connection))
            else:  # pre_save is the attribute itself for these fields
                value = getattr(obj, attname)
                if value is not None and (
                    type(value) is not kind or kind is datetime and value.utcoffset() is None
                ):
                    value = field.get_db_prep_save(value, connection)
                row.append(value)
        return row

    return values
