"""Django's SQLite backend with the search's ``dsar_fold`` function on every connection.

``DATABASES["default"]["ENGINE"]`` is ``cases.sqlite`` when ``DATABASE_URL`` names SQLite (or
is unset; dsar/settings/base.py). On PostgreSQL the function is SQL, made by a migration; here
it is :func:`cases.search.fold`, registered on the connection as it opens: a backend rather
than a ``connection_created`` signal, so that no import or ``ready()`` wires it from afar.
"""

from django.db.backends.sqlite3 import base

from cases.search import FOLD_FUNCTION, fold


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        connection.create_function(FOLD_FUNCTION, 1, fold, deterministic=True)
        return connection
