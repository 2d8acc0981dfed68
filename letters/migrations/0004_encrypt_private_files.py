"""Encrypt at rest every private file stored before encryption (cases/filecrypt.py): the
subject's uploads and identity documents, the archived letters, the files of the message
thread. Each file is replaced whole (temporary name, fsync, rename); files already encrypted
are left alone, so running it again does nothing. Reversed, it writes them back in plain text
(for going back to a version without encryption)."""

from pathlib import Path

from django.conf import settings
from django.db import migrations


def encrypt_files(apps, schema_editor):
    from cases import filecrypt

    result = filecrypt.sweep(Path(settings.PRIVATE_FILES_ROOT), rotate=False)
    if result.encrypted or result.failed:
        print(f"\n  private files: {result.encrypted} encrypted, {result.failed} unreadable")


def decrypt_files(apps, schema_editor):
    from cases import filecrypt

    filecrypt.decrypt_all(Path(settings.PRIVATE_FILES_ROOT))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_message_event_kind"),
        ("letters", "0003_letter_requests"),
    ]

    operations = [migrations.RunPython(encrypt_files, decrypt_files, elidable=True)]
