import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "On a developer's machine, create an admin account if there is none "
        "and print its login once."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to create an account outside a local (DEBUG) run.")
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("An admin account exists already: use its login.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username="admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                "Created a local admin account. It is shown only this once:\n"
                f"  username: admin\n  password: {password}\n"
                "  sign in at http://127.0.0.1:8000/admin/"
            )
        )
