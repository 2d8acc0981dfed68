"""The app's URLs plus ``/bench/bare/``: the floor of the public form's benchmark.

The bare view answers GET and POST with a constant ``HttpResponse`` and does nothing else, but
it runs behind the same middleware (sessions, CSRF check of the POST, locale, two-factor,
axes), in the same gunicorn workers and with the same settings as the form.
``/bench/write/`` adds one committed INSERT to it, for context. Selected with
``ROOT_URLCONF=bench.urls_floor`` (bench/settings.py); dsar/urls.py stays as it is.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


def one_write(request):
    """Context, not the floor: the bare view plus the cheapest durable write, one INSERT
    committed on its own (the table is made by bench/form_load.py)."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor_write DEFAULT VALUES")
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/write/", one_write, name="bench_write"),
    path("", include("dsar.urls")),
]
