"""Drop the single-column indexes of four foreign keys that a composite index already
starts with (see the models): less to write for every new case, event and e-mail."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_drop_redundant_fk_indexes"),
        ("notifications", "0003_outbox_list_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # Only the index goes: Django's AlterField would also drop and re-add the
            # foreign key, which checks every row of a large table under a lock.
            state_operations=[
                migrations.AlterField(
                    model_name="outboundemail",
                    name="case",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outbound_emails",
                        to="cases.case",
                        verbose_name="request",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "notifications_outboundemail_case_id_eab6ff20"',
                    reverse_sql='CREATE INDEX "notifications_outboundemail_case_id_eab6ff20" ON "notifications_outboundemail" ("case_id")',
                ),
            ],
        ),
    ]
