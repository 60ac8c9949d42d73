"""Refuse overlapping presidencies in the database itself, on PostgreSQL.

An exclusion constraint over date ranges has no SQLite equivalent, so it is not declared on
the model; Presidency.clean() gives editors the same rule as a message on every database.
"""

from django.db import migrations

CONSTRAINT = "presidency_periods_do_not_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE meetings_presidency ADD CONSTRAINT {CONSTRAINT} "
            "EXCLUDE USING gist (daterange(start_date, end_date, '[]') WITH &&)"
        )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE meetings_presidency DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
