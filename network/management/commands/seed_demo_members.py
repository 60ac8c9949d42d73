from pathlib import Path

import tablib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from network.models import ContactPoint
from network.resources import ContactPointResource

DEMO_MEMBERS = settings.BASE_DIR / "fixtures" / "demo_members.csv"


class Command(BaseCommand):
    help = (
        "On a developer's machine, add the fictional PROTECT Network members of "
        "fixtures/demo_members.csv, through the admin's import. Members already there are "
        "left as they are, so edits made since are kept. Run `seed` first: their areas of "
        "expertise are its topics."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_MEMBERS))

    def handle(self, *args, file, **options):
        # A real database holds real members: fictional ones would be listed beside them.
        if not settings.DEBUG:
            raise CommandError("Refusing to add fictional members outside a local (DEBUG) run.")
        resource = ContactPointResource()
        demo = tablib.Dataset().load(Path(file).read_text(encoding="utf-8"), format="csv")
        email = demo.headers.index(resource.fields["email"].column_name)
        known = {
            address.lower() for address in ContactPoint.objects.values_list("email", flat=True)
        }
        new = tablib.Dataset(
            *(row for row in demo if row[email].lower() not in known), headers=demo.headers
        )
        if not new:
            self.stdout.write("Demo members already present: nothing added.")
            return
        result = resource.import_data(new, rollback_on_validation_errors=True)
        if result.has_errors() or result.has_validation_errors():
            raise CommandError(f"No demo members added:\n{self.describe(result)}")
        self.stdout.write(self.style.SUCCESS(f"{len(new)} fictional network members added."))

    def describe(self, result):
        errors = [str(error.error) for error in result.base_errors]
        for line, found in result.row_errors():
            errors += [f"line {line}: {error.error}" for error in found]
        for row in result.invalid_rows:
            for column, messages in row.error_dict.items():
                errors += [f"line {row.number}, {column}: {message}" for message in messages]
        return "\n".join(errors)
