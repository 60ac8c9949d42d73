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
- The confirmed import writes rows a thousand at a time with ``bulk_create`` and
  ``bulk_update`` (only the fields that changed), and their related columns
  (``RelatedRowsField``) with one read, one delete and one insert for each column and batch;
  all of it in the import's one transaction, with the entries locked from the first read.
  The preview writes nothing: it checks every row as the import does and shows what changes.
- The database checks its constraints as it writes, not with a query per row: the natural
  key is the unique value an import sets, and it is checked against the entries read first
  and the rest of the file. A row that breaks a constraint anyway (a colleague added the
  same address a moment ago) fails the whole import, with nothing saved. ``full_clean``
  checks what the file gave, less the values whose widget says ``checks_whole_value`` (a
  code from the model field's own choices, a valid phone number): these cost a walk through
  hundreds of choices, or a parse, for every row again.
- ``save()`` is not called and no signals are sent: what they would do for a row, such as
  recording its history, is done for a batch in ``record_history``.

A resource opts in with ``Meta.use_bulk = True`` (the default here); with it ``False`` the same
resource saves row by row, which tests use to show that both give the same result.
"""

from copy import copy

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext
from import_export.fields import Field

from carportal import audit
from carportal.spreadsheets import FormulaSafeResource


class RelatedRowsField(Field):
    """A column listing related rows by a key a person can type (a language code, a topic's
    slug). It is checked with the rest of the row, so a bad value is a row error like any
    other; the rows that link the entry to each value are written once the entry has its key.

    ``link`` names those rows: their model, the field that points at the entry and the field
    that holds the value (a ManyToManyField's ``through`` model works too); ``key`` is the
    attribute that names a related row in the file.
    """

    def __init__(self, *args, key, link, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.link_model, owner, value = link
        self.owner = self.link_model._meta.get_field(owner).attname
        value_field = self.link_model._meta.get_field(value)
        self.value = value_field.attname
        self.key_path = f"{value}__{key}" if value_field.is_relation else value
        self.stored = {}

    def remember(self, pks):
        """Read the keys of the related rows of the entries ``pks``, for ``get_value``, in one
        query: the preview compares each entry with a copy of it, which would read them again."""
        stored = {pk: [] for pk in pks}
        links = self.link_model._default_manager.filter(**{f"{self.owner}__in": pks})
        for owner, key in links.values_list(self.owner, self.key_path):
            stored[owner].append(key)
        self.stored.update((pk, sorted(keys)) for pk, keys in stored.items())

    def keys(self, items):
        return sorted(item if isinstance(item, str) else getattr(item, self.key) for item in items)

    def get_value(self, instance):
        listed = _listed(instance).get(self.attribute)
        if listed is not None:
            return self.keys(listed)
        if instance.pk is None:
            return []
        if instance.pk in self.stored:
            return self.stored[instance.pk]
        return self.keys(getattr(instance, self.attribute).all())

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not is_m2m:
            _listed(instance)[self.attribute] = self.clean(row, **kwargs)

    def write(self, instances):
        """Link each of ``instances`` (saved) to what its row listed, and to nothing else: one
        query reads the links there are, one deletes those not listed, one adds the missing,
        which are returned."""
        wanted = {
            instance.pk: {getattr(item, "pk", item) for item in _listed(instance)[self.attribute]}
            for instance in instances
            if self.attribute in _listed(instance)
        }
        if not wanted:
            return []
        links = self.link_model._default_manager.filter(**{f"{self.owner}__in": wanted})
        stale, there = [], set()
        for pk, owner, value in links.values_list("pk", self.owner, self.value):
            if value in wanted[owner]:
                there.add((owner, value))
            else:
                stale.append(pk)
        if stale:
            self.link_model._default_manager.filter(pk__in=stale).delete()
        return self.link_model._default_manager.bulk_create(
            self.link_model(**{self.owner: owner, self.value: value})
            for owner, values in wanted.items()
            for value in values
            if (owner, value) not in there
        )


def _listed(instance):
    """What each related column of the instance's row listed, by attribute, until written."""
    return instance.__dict__.setdefault("_import_related_rows", {})


class BulkImportResource(FormulaSafeResource):
    """An import resource that finds its entries by natural key and writes them in bulk.

    The natural key is the first of ``Meta.import_id_fields``: ``key_expression`` is how the
    database reads it and ``normalise_key`` how a cell is read to match (both exact by
    default; contact points compare e-mail addresses whatever their case).
    """

    key_expression = None  # F(<the key field>)

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

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.import_user = kwargs.get("user")
        column = self.key_field.column_name
        keys = (
            [self.normalise_key(cell) for cell in dataset[column]]
            if column in dataset.headers
            else []
        )
        self.first_row_of = {}
        for number, key in enumerate(keys, 1):
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
        self.unchecked = {
            field.name for field in self._meta.model._meta.fields if from_file.get(field.name, True)
        }

    def existing_by_key(self, keys, *, lock):
        """The entries named by ``keys``, by key, with their related rows' keys. Locked until the
        import's transaction ends when ``lock``: nobody changes them between the read and
        the write."""
        expression = self.key_expression or F(self.key_field.attribute)
        queryset = self.get_queryset().annotate(import_key=expression)
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
            errors[self.key_field.attribute] = ValidationError(
                gettext("“%(value)s” is on row %(row)d already: a file lists each entry once.")
                % {"value": row.get(self.key_field.column_name), "row": first}
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
        return super().validate_instance(
            instance, import_validation_errors, validate_unique=False, exclude=self.unchecked
        )

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        if self._meta.use_bulk or (
            self._is_dry_run(kwargs) and not self._is_using_transactions(kwargs)
        ):
            return  # written with the batch, or nothing may be written and rolled back
        for field in self.related_fields:
            field.write([instance])

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
        manager = self._meta.model._default_manager
        try:
            if created:
                manager.bulk_create(instances, batch_size=self._meta.batch_size)
            else:
                self.update_all(manager, instances)
            links = [field.write(instances) for field in self.related_fields]
            if not dry_run:
                self.record_history(
                    created=list(instances) if created else [],
                    updated=[] if created else [(i, self.originals[i.pk]) for i in instances],
                    links=links,
                    user=self.import_user,
                )
        except Exception as error:  # noqa: BLE001 - reported as the import's error, as the library does
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def update_all(self, manager, instances):
        """Write the fields that a row of the batch changed, and those save() would set."""
        fields = [
            field for field in self._meta.model._meta.concrete_fields if not field.primary_key
        ]
        same, changed = {}, []
        for field in fields:
            if getattr(field, "auto_now", False):
                # One moment for the batch, written in one UPDATE: bulk_update, which would
                # write each row's own, leaves such fields alone.
                same[field.attname] = field.pre_save(instances[0], add=False)
                for instance in instances:
                    setattr(instance, field.attname, same[field.attname])
            elif any(
                getattr(instance, field.attname) != self.originals[instance.pk][field.attname]
                for instance in instances
            ):
                changed.append(field.name)
        if same:
            manager.filter(pk__in=[instance.pk for instance in instances]).update(**same)
        if changed:
            manager.bulk_update(instances, changed, batch_size=self._meta.batch_size)

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
        ``history_values`` as it was read before the import; ``links`` are the lists of rows
        added for each related column. Recorded (carportal.audit.record_bulk) with the
        importing user: the entries' own fields, and the added rows of a related column whose
        model the history tracks (a contact point's languages). Removed rows, and links of a
        plain many-to-many field (expertise), are not: record_bulk records saved rows only.
        """
        model = self._meta.model
        before = []
        for instance, original in updated:
            old = copy(instance)
            for field in model._meta.concrete_fields:
                setattr(old, field.attname, original[field.attname])
            before.append((old, instance))
        audit.record_bulk(model, created=created, updated=before, actor=user)
        for added in links:
            if added and audit.is_tracked(type(added[0])):
                audit.record_bulk(type(added[0]), created=added, actor=user)
