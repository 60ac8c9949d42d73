from django.core.management.base import BaseCommand

from carportal.pdf import SETUP_HINT, unavailable_reason


class Command(BaseCommand):
    help = "Say in one line whether PDF documents can be made here, and what to install if not."

    def handle(self, *args, **options):
        # Never fails: without PDFs the rest of the portal still runs.
        if reason := unavailable_reason():
            self.stderr.write(
                self.style.WARNING(
                    f"PDF downloads are off ({reason.splitlines()[0]}); to turn them on: "
                    f"{SETUP_HINT}"
                )
            )
        else:
            self.stdout.write("PDF downloads are on (weasyprint and Pango found).")
