"""Drop the single-column indexes of four foreign keys that a composite index already
starts with (see the models): less to write for every new case, event and e-mail."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def drop_fk_index_only(model_name, name, field, table, column, index):
    """The field loses ``db_index``; in the database only its index goes. Django's
    AlterField would also drop and re-add the foreign key, which checks every row of a
    large table under a lock."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
            ),
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_subject_name_trigram"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        drop_fk_index_only(
            "case",
            "assignee",
            models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="assigned_cases",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assignee",
            ),
            "cases_case",
            "assignee_id",
            "cases_case_assignee_id_28343c2e",
        ),
        drop_fk_index_only(
            "caseevent",
            "case",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="cases.case",
            ),
            "cases_caseevent",
            "case_id",
            "cases_caseevent_case_id_6c6031ac",
        ),
        drop_fk_index_only(
            "subjectsubmission",
            "case",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="subject_submissions",
                to="cases.case",
            ),
            "cases_subjectsubmission",
            "case_id",
            "cases_subjectsubmission_case_id_574c0b1b",
        ),
    ]
