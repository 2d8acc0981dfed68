"""Existing API tokens move from DRF's ``authtoken_token`` table (the key in the clear) to
django-rest-knox's table (a digest only), so that the integrations using them keep working
without a change until the new tokens' expiry, ``DSAR_API_TOKEN_DAYS`` after this migration.

knox finds a token by its first 15 characters (``token_key``) and checks the SHA-512 digest
of the whole token (``knox.crypto.hash_token`` with knox's default ``SECURE_HASH_ALGORITHM``,
which this project keeps); both are computed here from the old 40-character key, so the
header ``Authorization: Token <old key>`` is accepted as it was. The old rows are then
deleted: no key stays in the clear. The table itself stays (empty) until an operator drops it;
``rest_framework.authtoken`` is no longer installed. Going back is not possible (the keys are
gone); issue new tokens instead.

The old table is read with plain SQL because its app is no longer installed; a database made
after this change never had it, and nothing happens.
"""

import datetime
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"
TOKEN_KEY_LENGTH = 15  # knox.settings.CONSTANTS.TOKEN_KEY_LENGTH


def _ttl() -> datetime.timedelta:
    return getattr(settings, "REST_KNOX", {}).get("TOKEN_TTL") or datetime.timedelta(days=90)


def move_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    quoted = connection.ops.quote_name(OLD_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id FROM {quoted}")  # noqa: S608
        rows = cursor.fetchall()
    expiry = timezone.now() + _ttl()
    for key, user_id in rows:
        digest = hashlib.sha512(key.encode()).hexdigest()
        AuthToken.objects.get_or_create(
            digest=digest,
            defaults={"token_key": key[:TOKEN_KEY_LENGTH], "user_id": user_id, "expiry": expiry},
        )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_tokens"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunPython(move_drf_tokens, migrations.RunPython.noop, elidable=False),
    ]
