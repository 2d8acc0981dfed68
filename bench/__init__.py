"""Benchmarks, run on demand with ``make bench`` (docs/benchmarks.md); never part of the tests.

A package only so that the bench settings (``bench.settings``) and the floor's URLconf
(``bench.urls_floor``) can be imported by gunicorn and by ``DJANGO_SETTINGS_MODULE``.
"""
