import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carportal.demo import PER_SCALE, DemoError, DemoSeeder, remove_demo


class Command(BaseCommand):
    help = (
        "On a developer's machine, add generated demo data at a scale (1: one presidency's "
        "year, about {}), marked as demo data; --remove deletes it, and only it.".format(
            ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in PER_SCALE.items())
        )
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="1 to 1000 (default 1)")
        parser.add_argument("--remove", action="store_true", help="delete the demo data")

    def handle(self, *args, scale, remove, **options):
        # The demo holds fictional network members, which must never join a real network.
        if not settings.DEBUG:
            raise CommandError("Refusing to add or remove demo data outside a local (DEBUG) run.")
        if not 1 <= scale <= 1000:
            raise CommandError("--scale must be a whole number from 1 to 1000.")
        started = time.monotonic()
        try:
            counts = remove_demo() if remove else DemoSeeder(scale).run()
        except DemoError as error:
            raise CommandError(str(error)) from error
        done = "Removed" if remove else "Added"
        summary = ", ".join(f"{count} {label}" for label, count in counts.items() if count)
        self.stdout.write(
            self.style.SUCCESS(
                f"{done} demo data in {time.monotonic() - started:.1f} s: {summary or 'nothing'}."
            )
        )
