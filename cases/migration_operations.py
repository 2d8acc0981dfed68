"""A migration operation for what only PostgreSQL has (extensions, SQL functions, GIN indexes).

The project runs on PostgreSQL in production and on SQLite as its embedded default (and in
half of CI). A few database objects exist only on PostgreSQL; the migrations that create them
wrap their operations in :class:`OnPostgreSQL`, which runs them there and does nothing on
SQLite, in both directions. The wrapped operations change the database only, never the
migration state: these objects are not declared on the models (a ``GinIndex`` in
``Meta.indexes`` would be created on SQLite too, and fail).
"""

from django.db.migrations.operations.base import Operation


class OnPostgreSQL(Operation):
    """Runs the database side of ``operations`` on PostgreSQL only.

    ``reverse=False``: nothing is undone when migrating backwards (for extensions that other
    migrations or objects may still need)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, *operations, reverse=True):
        self.operations = operations
        self.reverse = reverse

    def deconstruct(self):
        kwargs = {} if self.reverse else {"reverse": False}
        return (self.__class__.__qualname__, self.operations, kwargs)

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql" or not self.reverse:
            return
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "On PostgreSQL only: " + "; ".join(op.describe() for op in self.operations)
