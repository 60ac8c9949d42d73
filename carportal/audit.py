"""The change history (django-auditlog, docs/adr/0007-audit-history.md).

Every save, deletion and many-to-many change of the models in TRACKED is recorded in one
table, field by field (before → after), with who made it (AuditlogMiddleware takes the
request's user) and when. Staff read an object's history on its admin History page
(HistoryAdminMixin) and everything in Admin › Change history (carportal/admin.py).

Writes that send no model signals are recorded here explicitly: ``record_bulk`` for rows
written with bulk_create or bulk_update, ``update_with_history`` for ``queryset.update()``.
"""

import copy
from collections import defaultdict
from datetime import UTC, datetime
from functools import cache

from auditlog.context import disable_auditlog
from auditlog.diff import get_field_value, track_field
from auditlog.middleware import AuditlogMiddleware
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from auditlog.render import get_field_verbose_name
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import models, router
from django.db.models import Q
from django.db.models.signals import pre_save
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import smart_str
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from carportal import bulk_write

# Fields that change with every save, or say nothing a reader needs.
NOISE = ["id", "updated_at", "file_size", "last_sign_in_at"]

# Rows edited as part of another (inlines): their changes show on the history page of the
# row they belong to, and go with it when it is erased. Each names the field pointing at that
# row, which is kept with each entry (auditlog's serialized_data) so that the link outlives a
# deleted part.
PARTS = {
    "meetings.MeetingSession": "meeting",
    "meetings.Presentation": "session",
    "meetings.MeetingDocument": "meeting",
    "projects.ProjectPartner": "project",
    "projects.ProjectFunding": "project",
    "publications.Edition": "publication",
    "network.ContactPointLanguage": "contact_point",
    "carportal.PageSection": "page",
}

# Fields whose value is plain text, which the history records as it is.
TEXT_FIELDS = {field for field, kind in bulk_write.AS_IS.items() if kind is str}

# How auditlog's get_field_value reads a field's value when it is of a plain type (text, a
# number, a boolean, None, a time with its zone): a text field's as it is, a key's as it is
# (``strings_only``), a time's in UTC without its zone, any other field of the row's own as
# ``str()``. Any other field, or value, goes through it.
TEXT, KEY, PLAIN, TIME, OTHER = "text", "key", "plain", "time", "other"
PLAIN_TYPES = (str, int, bool, type(None))

# Every model staff edit, with its many-to-many fields (changes to those are entries of their
# own: which rows were added or removed). Project's partners and funders go through
# ProjectPartner and ProjectFunding, recorded as parts.
TRACKED = {
    "carportal.Country": [],
    "carportal.Topic": [],
    "carportal.Organisation": [],
    "meetings.Presidency": ["projects"],
    "carportal.Page": [],
    "meetings.Meeting": ["organisers", "co_organisers", "projects", "topics", "publications"],
    "projects.Project": ["topics", "countries"],
    "publications.Publication": ["organisations", "topics", "builds_on"],
    # Nothing writes a topic's contact_points (the reverse side), which would record the
    # members' names under the topic, where content editors read.
    "network.ContactPoint": ["expertise"],
    **dict.fromkeys(PARTS, []),
}


def register():
    """Connect auditlog to every model in TRACKED; run once the apps are loaded."""
    for label, m2m_fields in TRACKED.items():
        model = apps.get_model(label)
        # auditlog would record a new row's reverse relations (a meeting's sessions) as
        # fields; each such row records its own creation.
        reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
        options = {"exclude_fields": NOISE + reverse, "m2m_fields": set(m2m_fields)}
        if label in PARTS:
            options |= {"serialize_data": True, "serialize_kwargs": {"fields": [PARTS[label]]}}
        auditlog.register(model, **options)


def _parts_of(model):
    """(part model, field naming its whole) for each part of ``model``."""
    for label, field in PARTS.items():
        part = apps.get_model(label)
        if part._meta.get_field(field).related_model is model:
            yield part, field


def history_of(obj):
    """The entries of ``obj`` and of its parts (a meeting's sessions and documents), newest
    first."""
    content_types = ContentType.objects.get_for_models(type(obj), *dict(_parts_of(type(obj))))
    condition = Q(content_type=content_types[type(obj)], object_id=obj.pk)
    for part, field in _parts_of(type(obj)):
        condition |= Q(
            content_type=content_types[part], **{f"serialized_data__fields__{field}": obj.pk}
        )
    return LogEntry.objects.filter(condition).order_by("-timestamp", "-pk")


def readable_models(user):
    """The models whose history ``user`` may read: those they may view, and the parts of
    those (a contact point's languages go with the contact point)."""
    readable = set()
    for model in auditlog.get_models():
        whole = model
        while (label := whole._meta.label) in PARTS:
            whole = whole._meta.get_field(PARTS[label]).related_model
        if user.has_perm(f"{whole._meta.app_label}.view_{whole._meta.model_name}"):
            readable.add(model)
    return readable


def erase(obj):
    """Delete ``obj`` and its parts together with their whole history, leaving no entry of
    the deletion either: for personal data that must not outlive the person's departure."""
    history_of(obj).delete()
    with disable_auditlog():
        obj.delete()


def is_tracked(model):
    """Whether the change history records ``model``."""
    return auditlog.contains(model)


def record_bulk(model, *, created=(), updated=(), deleted=(), actor=None):
    """Record the history of rows of ``model`` written with bulk_create or bulk_update,
    which send no signals for auditlog to hear; returns the entries, written in one query.

    ``created``: the rows as saved (with their primary keys), each recorded as auditlog
    records a new row: every field, from nothing to its value. ``updated``: ``(old, new)``
    pairs of the same row before and after the write, each recorded with the fields that
    differ (a pair without a difference records nothing). ``deleted``: rows as they were
    before a bulk delete, each recorded as auditlog records a deletion. ``actor``: the user
    who made the change; by default the one auditlog knows for this request
    (AuditlogMiddleware) or block (``auditlog.context.set_actor``), else none ("system").

    ``model`` must be registered (TRACKED): its excluded fields stay out here too. Changes
    to many-to-many fields are not compared: ``.set()`` and ``.add()`` record their own, and
    ``record_bulk_m2m`` those written in bulk.
    """
    if not is_tracked(model):
        raise ValueError(f"{model.__name__} is not in the change history: add it to TRACKED.")
    changes = [(new, _diff(model, None, new), LogEntry.Action.CREATE) for new in created]
    changes += [(new, _diff(model, old, new), LogEntry.Action.UPDATE) for old, new in updated]
    changes += [(old, _diff(model, old, None), LogEntry.Action.DELETE) for old in deleted]
    content_type = ContentType.objects.get_for_model(model)
    return _write(
        _entries(
            content_type, [(obj, action, diff) for obj, diff, action in changes if diff], actor
        )
    )


def _diff(model, old, new):
    """auditlog's ``model_instance_diff(old, new)`` of two rows of ``model``, either of them
    None (a creation, a deletion), with the fields it compares found once per model rather
    than for each row: an import's ten thousand rows took seconds. A row that is not there
    reads "None" in every field, as auditlog reads it."""
    diff = {}
    for field, kind in _compared_fields(model, both=old is not None and new is not None):
        before = "None" if old is None else _field_value(old, field, kind)
        after = "None" if new is None else _field_value(new, field, kind)
        if before != after:
            diff[field.name] = (_text(before), _text(after))
    return diff or None


def _text(value):
    """smart_str(value), called only when it has something to do."""
    return value if type(value) is str else smart_str(value)


def _field_value(obj, field, kind):
    """auditlog's get_field_value, read directly for a value of a plain type (see KEY): an
    import's hundreds of thousands of them were a third of its history's time."""
    if kind is OTHER:
        return get_field_value(obj, field)
    value = getattr(obj, field.attname)
    plain = type(value) in PLAIN_TYPES
    if kind is TEXT and type(value) is str or kind is KEY and plain:
        return value
    if kind is PLAIN and plain:
        return str(value)
    if kind is TIME and value is None:
        return None
    if kind is TIME and type(value) is datetime and value.utcoffset() is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return get_field_value(obj, field)


def _field_kind(field):
    """How _field_value reads ``field``, as get_field_value would: TEXT, KEY, PLAIN, TIME or
    OTHER."""
    if type(field) in TEXT_FIELDS:
        return TEXT
    if type(field) is models.DateTimeField and settings.USE_TZ:
        return TIME
    if not field.concrete or isinstance(field, models.DateTimeField | models.JSONField):
        return OTHER
    if (field.one_to_one or field.many_to_one) and hasattr(field, "rel_class"):
        return OTHER if settings.AUDITLOG_USE_FK_STRING_REPRESENTATION else KEY
    return PLAIN


@cache
def _compared_fields(model, *, both):
    """The fields model_instance_diff compares, each with how _field_value reads it: a
    row's own fields when it has two rows, all but many-to-many ones when it has one, less
    those registered as left out."""
    if both:
        fields = model._meta.fields
    else:
        fields = [field for field in model._meta.get_fields() if track_field(field)]
    registered = auditlog.get_model_fields(model)
    # Not done here as auditlog would do it: refused rather than a masked field (personal
    # data) written out whole by an import.
    if registered["mask_fields"] or registered["include_fields"]:
        raise ValueError(f"{model.__name__}: register() names only the fields left out.")
    return [
        (field, _field_kind(field))
        for field in fields
        if field.name not in registered["exclude_fields"]
    ]


def record_bulk_m2m(model, field_name, *, changes, actor=None):
    """Record changes to the many-to-many field ``field_name`` of rows of ``model`` made by
    writing its through rows in bulk, which sends no m2m_changed for auditlog to hear; as
    ``.set()`` would record them: an entry for the rows added to an object, one for those
    removed. ``changes``: ``(obj, "add" or "delete", related rows)``; nothing is recorded for a
    field that TRACKED does not list."""
    if field_name not in auditlog._registry.get(model, {}).get("m2m_fields", ()):
        return []
    content_type = ContentType.objects.get_for_model(model)
    m2m_changes = [
        (
            obj,
            LogEntry.Action.UPDATE,
            {
                field_name: {
                    "type": "m2m",
                    "operation": operation,
                    "objects": [smart_str(row) for row in rows],
                }
            },
        )
        for obj, operation, rows in changes
        if rows
    ]
    return _write(_entries(content_type, m2m_changes, actor))


def _entries(content_type, changes, actor):
    """The entries of ``changes`` (object, action, its changes) to rows of one model, as
    LogEntry.objects.log_create makes them."""
    for obj, _action, _diff in changes:
        if obj.pk is None:
            raise ValueError(f"{obj!r} has no primary key: record it once it is saved.")
    entries = bulk_write.new_objects(
        LogEntry,
        (
            {
                "object_pk": smart_str(obj.pk),
                "object_id": obj.pk if isinstance(obj.pk, int) else None,
                "object_repr": smart_str(obj),
                "serialized_data": _serialized(obj),
                "action": action,
                "changes": diff,
                "actor_email": getattr(actor, "email", None),
            }
            for obj, action, diff in changes
        ),
    )
    for entry in entries:
        # Through the relations, as keyword arguments set them: the rows are at hand, and
        # auditlog's context reads the actor in _write.
        entry.content_type, entry.actor = content_type, actor
    return entries


def _serialized(obj):
    """What LogEntry.objects.log_create keeps of a part, so that it finds its whole: the field
    naming the whole, as auditlog's serializer writes it (register() asks for that one), made
    directly. auditlog's own copies the row and goes through JSON and back: an import's
    thousands of parts took seconds."""
    label = obj._meta.label
    if label not in PARTS:
        return None
    whole = obj._meta.get_field(PARTS[label])
    return {
        "model": obj._meta.label_lower,
        "pk": obj.pk,
        "fields": {whole.name: whole.value_from_object(obj)},
    }


def _write(entries):
    using = router.db_for_write(LogEntry)
    for entry in entries:
        # What a save of each entry would send: auditlog's context fills in the actor (when
        # none is given) and the request's correlation id.
        pre_save.send(LogEntry, instance=entry, raw=False, using=using, update_fields=None)
    # With COPY on PostgreSQL: bulk_create's INSERT had psycopg escape the entries' JSON
    # character by character, four times as slow for an import's ten thousand.
    return bulk_write.insert(LogEntry, entries, using=using)


def update_with_history(queryset, *, actor, **values):
    """``queryset.update(**values)``, with an entry for each row it changes; returns the
    number of rows changed."""
    old = list(queryset)
    new = [copy.copy(obj) for obj in old]
    for obj in new:
        for name, value in values.items():
            setattr(obj, name, value)
    count = queryset.model._default_manager.filter(pk__in=[obj.pk for obj in old]).update(**values)
    record_bulk(queryset.model, updated=zip(old, new, strict=True), actor=actor)
    return count


def describe(entries, *, shorten=True):
    """Each entry with its changes as staff read them: ``(entry, [(field, before, after)])``,
    fields in the model's order, choices by their label, times in local time, linked rows by
    name (one query for each kind of row, however many entries), long texts ``shorten``-ed.
    A many-to-many change names the rows removed (before) or added (after)."""
    entries = list(entries)
    linked = defaultdict(set)
    for entry in entries:
        for _name, field, change in _changes(entry):
            if field is not None and field.many_to_one and not _is_m2m(change):
                linked[field.related_model].update(value for value in change if value != "None")
    names = {
        model: {str(pk): str(obj) for pk, obj in model._default_manager.in_bulk(pks).items()}
        for model, pks in linked.items()
    }
    described = []
    for entry in entries:
        rows = []
        for name, field, change in _changes(entry):
            label = capfirst(get_field_verbose_name(entry, name))
            if _is_m2m(change):
                objects = ", ".join(change["objects"])
                if change["operation"] == "add":
                    rows.append((label, "", _("added: %(objects)s") % {"objects": objects}))
                else:
                    rows.append((label, _("removed: %(objects)s") % {"objects": objects}, ""))
            elif any(shown := [_shown(field, value, names, shorten) for value in change]):
                rows.append((label, *shown))  # a new row's empty fields are no news
        described.append((entry, rows))
    return described


def _changes(entry):
    """(name, model field or None if it is gone, change) of an entry's changes, in the
    model's order of fields."""
    model = entry.content_type.model_class()
    fields = {field.name: field for field in model._meta.get_fields()} if model else {}
    changes = [(name, fields.get(name), change) for name, change in entry.changes_dict.items()]
    return sorted(changes, key=lambda item: getattr(item[1], "creation_counter", 0))


def _shown(field, value, names, shorten):
    if value in (None, "None"):  # how auditlog writes "nothing"
        return ""
    if field is None:
        return value
    if field.many_to_one:
        return names[field.related_model].get(value, _("deleted (%(id)s)") % {"id": value})
    if choices := {str(key): label for key, label in field.flatchoices}:
        return choices.get(value, value)
    if isinstance(field, models.BooleanField):  # written "True" and "False"
        return {"True": _("Yes"), "False": _("No")}.get(value, value)
    if isinstance(field, models.DateTimeField) and (moment := parse_datetime(value)):
        # auditlog keeps times in UTC, without the offset
        return formats.localize(timezone.localtime(moment.replace(tzinfo=UTC)))
    return Truncator(value).chars(200) if shorten else value


def _is_m2m(change):
    return isinstance(change, dict) and change.get("type") == "m2m"


class ChangeHistoryMiddleware(AuditlogMiddleware):
    """auditlog's middleware, giving it the request's user as Django has it: a lazy object,
    read when an entry is written. auditlog's own reads it at once, so the session, on every
    request: every page would then vary on the cookie, and none would come from the page
    cache (carportal/cache.py). Nor does it pass on the client's address: auditlog reads the
    first X-Forwarded-For entry, which the client writes itself, and on a member's own change
    it would be the member's."""

    def get_extra_data(self, request):
        return {"actor": getattr(request, "user", None)}


class HistoryAdminMixin:
    """The admin's History page of an object shows, above Django's own log of admin
    actions, every recorded change to it and to its parts: when, who, what, before → after."""

    object_history_template = "admin/audit/object_history.html"
    changes_per_page = 50

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if getattr(response, "context_data", None) and "object" in response.context_data:
            entries = history_of(response.context_data["object"]).select_related(
                "actor", "content_type"
            )
            paginator = Paginator(entries, self.changes_per_page)
            page = paginator.get_page(request.GET.get("changes"))
            response.context_data["changes"] = page
            response.context_data["change_rows"] = describe(page)
        return response
