"""Backup codes stored as keyed digests instead of the codes themselves
(``accounts.two_factor.backup_code_digest``; the function is copied here as it is today, so
that this migration keeps doing what it did). Unused codes keep working: each stored code is
replaced by its digest under the current SECRET_KEY. There is no way back: the codes are gone
from the database, and going back means renewing them (the "Backup codes" page)."""

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac


def _digest(code: str) -> str:
    normalised = "".join(str(code or "").split()).replace("-", "").lower()
    return salted_hmac(
        "accounts.two_factor.backup_code",
        normalised,
        secret=settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()[:16]


def hash_backup_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.only("pk", "token").iterator():
        StaticToken.objects.filter(pk=token.pk).update(token=_digest(token.token))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(hash_backup_codes, migrations.RunPython.noop, elidable=False),
    ]
