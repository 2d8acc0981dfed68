"""Name search (subject_name__icontains) as a trigram index on PostgreSQL.

Django compiles icontains to UPPER("subject_name"::text) LIKE UPPER('%...%'); a GIN index
with gin_trgm_ops on that same expression serves it instead of a scan of every row. SQLite
has no such index type: there the migration does nothing.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS case_subject_name_trgm_idx ON cases_case "
    "USING gin ((UPPER(subject_name::text)) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS case_subject_name_trgm_idx"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_list_and_dashboard_indexes")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
