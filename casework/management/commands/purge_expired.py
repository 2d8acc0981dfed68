"""``manage.py purge_expired [--dry-run]``: the retention purge (casework/retention.py) now.
``--dry-run`` lists what would be deleted or anonymised and changes nothing."""

from django.core.management.base import BaseCommand

from casework import retention


class Command(BaseCommand):
    help = (
        "Delete unconfirmed web requests and identity documents, and anonymise closed "
        "requests, whose retention period is over (docs/retention.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only show what would happen; change nothing."
        )
        parser.add_argument(
            "--reason", default="", help="Why it runs now, for the security log (optional)."
        )

    def handle(self, *args, dry_run, reason, **options):
        report = retention.purge_expired(
            dry_run=dry_run, reason=reason or "Run by hand (manage.py purge_expired)"
        )
        for line in report.lines():
            self.stdout.write(line)
        if report.nothing_to_do:
            self.stdout.write("Nothing is past its retention period.")
