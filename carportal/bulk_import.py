"""Spreadsheet imports of thousands of rows: each row checked as before, written in bulk.

Row by row, django-import-export spends over thirty queries on a contact point: savepoints,
the look-up of the entry the row names, the model's constraints, the save, each related
column's reads and writes, and the preview's reads of them again. ``BulkImportResource``
keeps every check of a row and its messages (the widgets, the fields' ``save`` rules,
``full_clean``) and changes how the rows meet the database (bench/import.py measures it):

- Before the first row, the entries the file names are read by their natural key, a thousand
  at a time, with the keys of their related rows (``before_import``), and a column of names
  of other rows (topics) is looked up at once (a widget's ``prepare``). A key that a file
  repeats is an error on each row after the first: the second would silently undo the first.
- The confirmed import writes rows a thousand at a time (carportal/bulk_write.py: COPY and
  one UPDATE on PostgreSQL; only the fields that changed), and their related columns
  (``RelatedRowsField``) with one read (of the entries on file), one delete and one insert
  for each column and batch; all of it in the import's one transaction, with the entries
  locked from the first read. The preview writes nothing: it checks every row as the
  import does and shows what changes.
- The database checks its constraints as it writes, not with a query per row: the natural
  key is the unique value an import sets, and it is checked against the entries read first
  and the rest of the file. A row that breaks a constraint anyway (a colleague added the
  same address a moment ago) fails the whole import, with nothing saved. ``full_clean``
  checks what the file gave, less the values whose widget says ``checks_whole_value`` (a
  code from the model field's own choices, a valid phone number): these cost a walk through
  hundreds of choices, or a parse, for every row again.
- ``save()`` is not called and no signals are sent: what they would do for a row, recording
  its history (field by field, related rows included) and telling the page cache, is done
  for a batch in ``write_batch``.

Every list imports this way: contact points (network/resources.py) and the content lists
(carportal/resources.py). A resource opts in with ``Meta.use_bulk = True`` (the default
here); with it ``False`` the same resource saves row by row, which tests use to show that
both give the same result, and which a file takes whose rows name others of the same file
not yet on file (``names_rows_of_its_own``).
"""

import dataclasses
import gc
from collections import defaultdict
from contextlib import contextmanager
from copy import copy

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext
from import_export.fields import Field

from carportal import audit, bulk_write, cache
from carportal.spreadsheets import FormulaSafeResource, refuse_retired, sheet_row


@dataclasses.dataclass
class Written:
    """What writing a related column did: link rows added, changed (``(old, new)``) and
    removed, and, for a plain many-to-many column, the related rows each entry gained."""

    created: list = dataclasses.field(default_factory=list)
    updated: list = dataclasses.field(default_factory=list)
    deleted: list = dataclasses.field(default_factory=list)
    added: dict = dataclasses.field(default_factory=dict)


class RelatedRowsField(Field):
    """A column listing related rows by a key a person can type (a language code, a topic's
    slug, an organisation's name). It is checked with the rest of the row, so a bad value is
    a row error like any other; the rows that link the entry to each value are written once
    the entry has its key, for a batch of entries at once (``write``), or for one when the
    resource saves row by row.

    ``link`` names those rows: their model, the field that points at the entry and the field
    that holds the value (``many_to_many`` builds it for a ManyToManyField); ``key`` is the
    attribute that names a related row in the file. ``ordered`` keeps the file's order (a
    project's partners); otherwise the keys compare and export sorted.
    """

    ordered = False

    def __init__(self, *args, key, link, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.link_model, owner, value = link
        owner_field = self.link_model._meta.get_field(owner)
        self.owner = owner_field.attname
        self.owner_model = owner_field.related_model
        value_field = self.link_model._meta.get_field(value)
        self.value = value_field.attname
        self.value_model = value_field.related_model
        self.key_path = f"{value}__{key}" if value_field.is_relation else value
        # The owner's many-to-many field whose rows the links are, for its history.
        self.m2m_name = next(
            (
                m2m.name
                for m2m in self.owner_model._meta.many_to_many
                if m2m.remote_field.through is self.link_model
            ),
            None,
        )
        self.stored = {}

    @classmethod
    def many_to_many(cls, model, attribute, column_name, **kwargs):
        """The column of ``model``'s ManyToManyField ``attribute``."""
        m2m = model._meta.get_field(attribute)
        link = (m2m.remote_field.through, m2m.m2m_field_name(), m2m.m2m_reverse_field_name())
        return cls(attribute, column_name, link=link, **kwargs)

    def stored_rows(self, pks):
        """(entry's key, related row's key) of the entries ``pks``, in the order kept."""
        links = self.link_model._default_manager.filter(**{f"{self.owner}__in": pks})
        return links.values_list(self.owner, self.key_path)

    def remember(self, pks):
        """Read the keys of the related rows of the entries ``pks``, for ``get_value``, in one
        query: the preview compares each entry with a copy of it, which would read them again."""
        stored = {pk: [] for pk in pks}
        for owner, key in self.stored_rows(pks):
            stored[owner].append(key)
        self.stored.update((pk, self.keys(keys)) for pk, keys in stored.items())

    def key_of(self, item):
        return item if isinstance(item, str | tuple) else getattr(item, self.key)

    def keys(self, items):
        keys = [self.key_of(item) for item in items]
        return keys if self.ordered else sorted(keys)

    def related(self, instance):
        """The related rows of an entry on file (an export prefetches them)."""
        return getattr(instance, self.attribute).all()

    def get_value(self, instance):
        listed = _listed(instance).get(self.attribute)
        if listed is not None:
            return self.keys(listed)
        if instance.pk is None:
            return []
        if instance.pk in self.stored:
            return self.stored[instance.pk]
        return self.keys(self.related(instance))

    def save(self, instance, row, is_m2m=False, **kwargs):
        if is_m2m:
            return  # written by write(), with the batch or the row
        listed = self.clean(row, **kwargs)
        if retired := [item for item in listed if getattr(item, "is_active", True) is False]:
            kept = set(self.get_value(instance))
            refuse_retired(retired, [item for item in retired if self.key_of(item) in kept])
        _listed(instance)[self.attribute] = listed

    def unchanged(self, instance):
        """Whether the entry's row lists the related rows it has (or leaves them alone)."""
        listed = _listed(instance).get(self.attribute)
        return listed is None or self.keys(listed) == self.stored.get(instance.pk, [])

    def wanted(self, instances):
        """What each of ``instances`` (saved) is to be linked to, by its key."""
        return {
            instance.pk: _listed(instance)[self.attribute]
            for instance in instances
            if self.attribute in _listed(instance)
        }

    def write(self, instances):
        """Link each of ``instances`` (saved) to what its row listed, and to nothing else: one
        query reads the links there are, one deletes those not listed, one adds the missing.
        Returns what it did (Written)."""
        wanted = {
            pk: {getattr(item, "pk", item): item for item in items}
            for pk, items in self.wanted(instances).items()
        }
        if not wanted:
            return Written()
        manager = self.link_model._default_manager
        written, there = Written(), set()
        # Only entries read before the import have links (remember): a new one has none.
        on_file = [pk for pk in wanted if pk in self.stored]
        for link in manager.filter(**{f"{self.owner}__in": on_file}) if on_file else ():
            owner, value = getattr(link, self.owner), getattr(link, self.value)
            if value in wanted[owner]:
                there.add((owner, value))
            else:
                written.deleted.append(link)
        if written.deleted:
            manager.filter(pk__in=[link.pk for link in written.deleted]).delete()
        for owner, items in wanted.items():
            written.added[owner] = [
                item for value, item in items.items() if (owner, value) not in there
            ]
        written.created = bulk_write.insert(
            self.link_model,
            bulk_write.new_objects(
                self.link_model,
                (
                    {self.owner: owner, self.value: getattr(item, "pk", item)}
                    for owner, items in written.added.items()
                    for item in items
                ),
            ),
        )
        return written

    def record(self, written, owners, *, actor):
        """Record in the history what ``write`` did for the entries ``owners`` (by key), as
        the admin records it: the link rows themselves when the history tracks them (a
        contact point's languages, a project's partners), else the many-to-many field's
        rows added to and removed from each entry (a contact point's expertise)."""
        if audit.is_tracked(self.link_model):
            audit.record_bulk(
                self.link_model,
                created=written.created,
                updated=written.updated,
                deleted=written.deleted,
                actor=actor,
            )
        elif self.m2m_name and audit.is_tracked(self.owner_model):
            removed_ids = {getattr(link, self.value) for link in written.deleted}
            names = self.value_model._default_manager.in_bulk(removed_ids) if removed_ids else {}
            removed = defaultdict(list)
            for link in written.deleted:
                removed[getattr(link, self.owner)].append(names[getattr(link, self.value)])
            changes = [(owners[pk], "add", rows) for pk, rows in written.added.items()]
            changes += [(owners[pk], "delete", rows) for pk, rows in removed.items()]
            audit.record_bulk_m2m(self.owner_model, self.m2m_name, changes=changes, actor=actor)


def _listed(instance):
    """What each related column of the instance's row listed, by attribute, until written."""
    return instance.__dict__.setdefault("_import_related_rows", {})


@contextmanager
def cyclic_gc_paused():
    """Python's cycle collector paused for a block. An import's entries, rows and results
    live until it ends, and each of the collector's passes walked them all again: a fifth of
    the import of 10,000 contact points (bench/import.py). Reference counting still frees
    all else; the cycles left, few, go at the first collection after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class BulkImportResource(FormulaSafeResource):
    """An import resource that finds its entries by natural key and writes them in bulk.

    The natural key is the first of ``Meta.import_id_fields`` (or ``key_field``):
    ``key_expression`` is how the database reads it and ``normalise_key`` how a cell is read
    to match (both exact by default; contact points compare e-mail addresses whatever their
    case). ``check_unique`` has each row's unique values and constraints checked with a query
    each, for a model with unique values besides its key (an organisation's name).
    """

    key_expression = None  # F(<the key field>)
    check_unique = False

    class Meta:
        use_bulk = True
        batch_size = 1000

    def import_data(self, dataset, dry_run=False, show_changes=True, **kwargs):
        """The library's; ``show_changes=False`` makes the preview without what each row
        changes, as a large file's page shows it (carportal/import_jobs.py)."""
        if not (dry_run and show_changes):
            # Nobody sees what each row changed: no copy of each entry to compare with.
            # Options of this resource alone.
            self._meta = copy(self._meta)
            self._meta.skip_diff = True
        with cyclic_gc_paused():
            return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def normalise_key(self, value):
        return str(value if value is not None else "").strip()

    @property
    def key_field(self):
        return self.fields[self._meta.import_id_fields[0]]

    @property
    def related_fields(self):
        return [field for field in self.fields.values() if isinstance(field, RelatedRowsField)]

    def row_key(self, row):
        return self.normalise_key(row.get(self.key_field.column_name))

    def key_column(self, row):
        """The column of ``row`` that names its entry, as the file shows it."""
        return self.key_field.column_name

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.import_user = kwargs.get("user")
        self.first_row_of = {}
        for number, key in enumerate(map(self.row_key, dataset.dict), 1):
            self.first_row_of.setdefault(key, number)
        self.existing = self.existing_by_key(
            [key for key in self.first_row_of if key], lock=not self._is_dry_run(kwargs)
        )
        # Values as read, for history: the instances change as rows are imported.
        self.originals = {
            instance.pk: self.history_values(instance) for instance in self.existing.values()
        }
        from_file = {}
        for field in self.get_import_fields():
            if field.column_name not in dataset.headers:
                continue
            from_file[field.attribute] = getattr(field.widget, "checks_whole_value", False)
            if hasattr(field.widget, "prepare"):
                field.widget.prepare(dataset[field.column_name])
        if self._meta.use_bulk and self.names_rows_of_its_own(dataset):
            # A row naming another of the file (a project's earlier phase) finds it only once
            # that is saved: this file is imported row by row, each row looked up as it comes.
            self._meta = copy(self._meta)
            self._meta.use_bulk = False
        self.unchecked = {
            field.name for field in self._meta.model._meta.fields if from_file.get(field.name, True)
        }

    def names_rows_of_its_own(self, dataset):
        """Whether a column naming entries of this list names one not on file yet; each such
        column's widget is then left to look its rows up cell by cell."""
        own = [
            field
            for field in self.get_import_fields()
            if field.column_name in dataset.headers
            and getattr(field.widget, "model", None) is self._meta.model
        ]
        unknown = [field for field in own if field.widget.names_unknown(dataset[field.column_name])]
        for field in unknown:
            field.widget.known = None
        return bool(unknown)

    def existing_by_key(self, keys, *, lock):
        """The entries named by ``keys``, by key, with their related rows' keys. Locked until the
        import's transaction ends when ``lock``: nobody changes them between the read and
        the write."""
        expression = self.key_expression or F(self.key_field.attribute)
        queryset = self.get_queryset().annotate(import_key=expression)
        # The rows a file's cells name (a country): the preview shows them as they were.
        named = {field.attribute for field in self.get_import_fields()}
        queryset = queryset.select_related(
            *(
                field.name
                for field in self._meta.model._meta.concrete_fields
                if field.is_relation and field.name in named
            )
        )
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        batch = self._meta.batch_size
        found = {}
        for start in range(0, len(keys), batch):
            chunk = list(queryset.filter(import_key__in=keys[start : start + batch]))
            found.update((instance.import_key, instance) for instance in chunk)
            for field in self.related_fields:
                field.remember([instance.pk for instance in chunk])
        return found

    def get_instance(self, instance_loader, row):
        return self.existing.get(self.row_key(row))

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        key = self.row_key(row)
        first = self.first_row_of.get(key)
        if key and first != kwargs["row_number"]:
            column = self.key_column(row)
            errors[column] = ValidationError(
                gettext("“%(value)s” is on row %(row)d already: a file lists each entry once.")
                % {"value": row.get(column), "row": sheet_row(first)}
            )
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if not self._meta.use_bulk:
            return super().validate_instance(instance, import_validation_errors, validate_unique)
        # The database checks constraints as it writes (see the module's docstring), and
        # full_clean checks only what the file gave: not what the import sets itself (who
        # decided, when), nor a code that its widget found in the field's own choices. Each
        # of these costs a query or a walk through a long list of choices, for every row.
        # A relation that a widget found (a loaded row) needs no query to show it exists.
        found = {
            field.name
            for field in self._meta.model._meta.concrete_fields
            if field.is_relation and field.is_cached(instance) and field.value_from_object(instance)
        }
        return super().validate_instance(
            instance,
            import_validation_errors,
            validate_unique=self.check_unique,
            exclude=self.unchecked | found,
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that would change nothing is skipped: importing an export again saves
        nothing, records no history and leaves each entry's time of last change alone."""
        if import_validation_errors or instance.pk is None:
            return False
        return self.unchanged(instance)

    def unchanged(self, instance):
        """Whether the row leaves an entry on file as it was, related rows included."""
        original = self.originals[instance.pk]
        return all(
            getattr(instance, field.attname) == original[field.attname]
            for field in self._meta.model._meta.concrete_fields
        ) and all(field.unchanged(instance) for field in self.related_fields)

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if self._meta.use_bulk or (
            self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs)
        ):
            return  # written with the batch, or nothing may be written and rolled back
        # The entry's own history came with its save(); that of its related rows, here.
        for field in self.related_fields:
            field.record(field.write([instance]), {instance.pk: instance}, actor=self.import_user)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_batch(
            self.create_instances, True, using_transactions, dry_run, raise_errors, result
        )

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_batch(
            self.update_instances, False, using_transactions, dry_run, raise_errors, result
        )

    def write_batch(self, instances, created, using_transactions, dry_run, raise_errors, result):
        """Write a batch of new or changed entries and their related rows; an error is the
        import's, not a row's (the library's bulk_create and bulk_update do the same)."""
        if not instances or dry_run:
            instances.clear()  # the preview writes nothing (see the module's docstring)
            return
        model = self._meta.model
        try:
            if created:
                bulk_write.insert(model, instances)
            else:
                self.update_all(instances)
            links = [(field, field.write(instances)) for field in self.related_fields]
            self.record_history(
                created=list(instances) if created else [],
                updated=[] if created else [(i, self.originals[i.pk]) for i in instances],
                links=links,
                user=self.import_user,
            )
            if self._meta.model._meta.app_label in cache.CONTENT_APPS:
                cache.content_changed()  # what the rows' signals would have done
        except Exception as error:  # noqa: BLE001 - reported as the import's error, as the library does
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def update_all(self, instances):
        """Write the fields that a row of the batch changed, and those save() would set."""
        fields = [
            field for field in self._meta.model._meta.concrete_fields if not field.primary_key
        ]
        changed = []
        for field in fields:
            if getattr(field, "auto_now", False):
                # One moment for the batch, as save() would set it on each row.
                now = field.pre_save(instances[0], add=False)
                for instance in instances:
                    setattr(instance, field.attname, now)
                changed.append(field.name)
            elif any(
                getattr(instance, field.attname) != self.originals[instance.pk][field.attname]
                for instance in instances
            ):
                changed.append(field.name)
        bulk_write.update(self._meta.model, instances, changed)

    def history_values(self, instance):
        """What history records of an entry: its stored fields, and its related columns."""
        values = {
            field.attname: getattr(instance, field.attname)
            for field in self._meta.model._meta.concrete_fields
        }
        values.update((field.attribute, field.get_value(instance)) for field in self.related_fields)
        return values

    def record_history(self, *, created, updated, links, user):
        """Record the history of a batch written in bulk, which sends no signals.

        ``created`` are new entries; ``updated`` pairs each changed entry with
        ``history_values`` as it was read before the import; ``links`` pairs each related
        column with what its ``write`` did. Recorded (carportal.audit) with the importing user,
        field by field as the admin records it: the entries' own fields, the rows of a related
        column added, changed and removed where the history tracks them (a contact point's
        languages), else the rows a many-to-many field gained and lost (its expertise).
        """
        model = self._meta.model
        before = []
        for instance, original in updated:
            old = copy(instance)
            for field in model._meta.concrete_fields:
                setattr(old, field.attname, original[field.attname])
            before.append((old, instance))
        audit.record_bulk(model, created=created, updated=before, actor=user)
        owners = {instance.pk: instance for instance in created}
        owners.update((instance.pk, instance) for _old, instance in before)
        for field, written in links:
            field.record(written, owners, actor=user)
