"""System checks for rendering letters.

Without HarfBuzz's subsetting library (Debian: libharfbuzz-subset0) WeasyPrint does not fail:
it silently embeds fonts through a fallback path that makes every letter about three times
slower. ``manage.py check`` (and runserver, migrate, the worker's start) says so instead.
"""

import ctypes
import ctypes.util

from django.contrib.staticfiles import finders
from django.core.checks import Error, Warning, register

HARFBUZZ_SUBSET_MISSING = "letters.W001"
LETTER_FONT_MISSING = "letters.E002"

LETTER_FONTS = ("letters/fonts/DejaVuSans.ttf", "letters/fonts/DejaVuSans-Bold.ttf")
# The names WeasyPrint itself tries (weasyprint/text/ffi.py), Linux first.
_HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset-0",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)


def harfbuzz_subset_available() -> bool:
    names = [ctypes.util.find_library("harfbuzz-subset"), *_HARFBUZZ_SUBSET_NAMES]
    for name in names:
        if not name:
            continue
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        if hasattr(library, "hb_subset_or_fail"):
            return True
    return False


@register()
def check_letter_rendering(app_configs=None, **kwargs):
    messages = []
    if not harfbuzz_subset_available():
        messages.append(
            Warning(
                "HarfBuzz's subsetting library (libharfbuzz-subset) is not installed: WeasyPrint "
                "falls back to a path about three times slower for every letter.",
                hint="Install it, e.g. `apt-get install libharfbuzz-subset0` on Debian.",
                id=HARFBUZZ_SUBSET_MISSING,
            )
        )
    for name in LETTER_FONTS:
        if not finders.find(name):
            messages.append(
                Error(
                    f"The letters' font static/{name} is missing.",
                    hint="Restore it from the repository: letters embed it in every PDF.",
                    id=LETTER_FONT_MISSING,
                )
            )
    return messages
