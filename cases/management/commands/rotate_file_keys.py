"""Re-encrypt the private files with the newest key of DSAR_FILE_KEYS, and encrypt any file
still stored as plain text (docs/security.md, "Rotating a file key")."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases import filecrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every private file with the newest key of DSAR_FILE_KEYS (the first), and "
        "encrypt any file not yet encrypted. Afterwards the older keys may be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key", action="store_true", help="Print a new random key and change nothing."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )

    def handle(self, *args, new_key=False, dry_run=False, **options):
        if new_key:
            self.stdout.write(filecrypt.generate_key())
            return
        try:
            newest = filecrypt.current_key()
        except filecrypt.BadFileKey as exc:
            raise CommandError(str(exc)) from exc
        root = Path(settings.PRIVATE_FILES_ROOT)
        result = filecrypt.sweep(root, rotate=True, dry_run=dry_run)
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            f"Newest key {newest.label}: {result.rotated} file(s) {verb} re-encrypted with it, "
            f"{result.encrypted} plain file(s) {verb} encrypted, {result.current} already used "
            f"it, {result.failed} could not be read."
        )
        if result.failed:
            raise CommandError(
                f"{result.failed} file(s) could not be read (changed, cut short, or encrypted "
                "with a key no longer in DSAR_FILE_KEYS); their names are in the log. Keep the "
                "old keys until this is solved."
            )
        if not dry_run:
            self.stdout.write("Every private file now uses the newest key; older keys may go.")
