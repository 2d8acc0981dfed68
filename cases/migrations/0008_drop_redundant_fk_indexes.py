"""Drop the single-column indexes of four foreign keys that a composite index already
starts with (see the models): less to write for every new case, event and e-mail."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_subject_name_trigram"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # Only the index goes: Django's AlterField would also drop and re-add the
            # foreign key, which checks every row of a large table under a lock.
            state_operations=[
                migrations.AlterField(
                    model_name="case",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="assigned_cases",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assignee",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "cases_case_assignee_id_28343c2e"',
                    reverse_sql='CREATE INDEX "cases_case_assignee_id_28343c2e" ON "cases_case" ("assignee_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # Only the index goes: Django's AlterField would also drop and re-add the
            # foreign key, which checks every row of a large table under a lock.
            state_operations=[
                migrations.AlterField(
                    model_name="caseevent",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="cases.case",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "cases_caseevent_case_id_6c6031ac"',
                    reverse_sql='CREATE INDEX "cases_caseevent_case_id_6c6031ac" ON "cases_caseevent" ("case_id")',
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            # Only the index goes: Django's AlterField would also drop and re-add the
            # foreign key, which checks every row of a large table under a lock.
            state_operations=[
                migrations.AlterField(
                    model_name="subjectsubmission",
                    name="case",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subject_submissions",
                        to="cases.case",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "cases_subjectsubmission_case_id_574c0b1b"',
                    reverse_sql='CREATE INDEX "cases_subjectsubmission_case_id_574c0b1b" ON "cases_subjectsubmission" ("case_id")',
                ),
            ],
        ),
    ]
