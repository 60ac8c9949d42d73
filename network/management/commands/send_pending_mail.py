from django.core.management.base import BaseCommand

from network import outbox


class Command(BaseCommand):
    help = "Send the network's stored e-mails that have not gone out yet (for cron)."

    def handle(self, *args, **options):
        sent = outbox.send_pending()
        self.stdout.write(f"{sent} e-mail(s) sent.")
