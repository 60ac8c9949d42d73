from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from carportal.models import Country

FIXTURES = settings.BASE_DIR / "fixtures"


class Command(BaseCommand):
    help = (
        "Load the Expert Group's content from fixtures/ into an empty database. "
        "Does nothing once content exists, so edits made since are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", default=str(FIXTURES / "seed.json"))
        parser.add_argument("--files", default=str(FIXTURES / "files"))

    def handle(self, *args, fixture, files, **options):
        if Country.objects.exists():
            self.stdout.write("Seed content already present: nothing loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", fixture, verbosity=0)
            stored = self.store_files(Path(files))
        self.stdout.write(self.style.SUCCESS(f"Seed content loaded ({stored} files stored)."))

    def store_files(self, root):
        stored = 0
        for path in sorted(root.rglob("*")):
            name = path.relative_to(root).as_posix()
            if path.is_file() and not default_storage.exists(name):
                with path.open("rb") as handle:
                    default_storage.save(name, File(handle))
                stored += 1
        return stored
