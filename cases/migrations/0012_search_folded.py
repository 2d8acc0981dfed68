"""Search regardless of case and accents, by part of a name or e-mail address, and by a
reference's number alone (cases/search.py).

On PostgreSQL: the ``unaccent`` and ``pg_trgm`` extensions; ``dsar_fold(text)``, which is
``lower(unaccent(text))`` declared IMMUTABLE (``unaccent()`` itself is only STABLE, as its
dictionary could change, so it cannot appear in an index); and trigram GIN indexes on
``dsar_fold(subject_name)`` and ``dsar_fold(subject_email)``, which serve the search's
``LIKE '%term%'``. They replace the trigram index on ``UPPER(subject_name)`` (0007) and the
index on ``UPPER(subject_email)`` (exact e-mail search, now a LIKE as well).

On SQLite all that is skipped (``OnPostgreSQL``): ``dsar_fold`` is registered on each
connection by the project's SQLite backend, and there is no index to build.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

from cases.migration_operations import OnPostgreSQL

DROP_FOLD = "DROP FUNCTION IF EXISTS dsar_fold(text)"


def create_fold_function(apps, schema_editor):
    # unaccent's schema named in the body: index builds, pg_dump restores and autovacuum run
    # it with another search_path. Two-argument unaccent with its dictionary named, so that
    # the function does not depend on the search_path either.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        )
        schema = schema_editor.quote_name(cursor.fetchone()[0])
    schema_editor.execute(
        "CREATE OR REPLACE FUNCTION dsar_fold(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
        f"$$ SELECT lower({schema}.unaccent('{schema}.unaccent'::regdictionary, $1)) $$"
    )


def drop_fold_function(apps, schema_editor):
    schema_editor.execute(DROP_FOLD)


def _trigram_index(column: str, name: str) -> GinIndex:
    return GinIndex(
        OpClass(models.Func(models.F(column), function="dsar_fold"), name="gin_trgm_ops"),
        name=name,
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0011_objection_direct_marketing")]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_subject_email_idx"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("reference_number__isnull", False)),
                fields=["reference_number"],
                name="case_reference_number_idx",
            ),
        ),
        OnPostgreSQL(UnaccentExtension(), TrigramExtension(), reverse=False),
        OnPostgreSQL(
            migrations.RunPython(create_fold_function, drop_fold_function),
            migrations.RunSQL(
                "DROP INDEX IF EXISTS case_subject_name_trgm_idx",
                "CREATE INDEX IF NOT EXISTS case_subject_name_trgm_idx ON cases_case "
                "USING gin ((UPPER(subject_name::text)) gin_trgm_ops)",
            ),
            migrations.AddIndex("case", _trigram_index("subject_name", "case_name_search_idx")),
            migrations.AddIndex("case", _trigram_index("subject_email", "case_email_search_idx")),
        ),
    ]
