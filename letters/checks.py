"""System checks for rendering letters, and the organisation profile's KvK number.

Without HarfBuzz's subsetting library (Debian: libharfbuzz-subset0) WeasyPrint does not fail:
it silently embeds fonts through a fallback path that makes every letter about three times
slower. ``manage.py check`` (and runserver, migrate, the worker's start) says so instead.

A B.V. or N.V. prints its KvK number on its letters (Handelsregisterwet 2007, art. 20):
``kvk_number_problem`` tells whether the profile lacks it (the profile's admin page shows it
as a warning), and ``manage.py check --database default`` (and ``migrate``) warns.
"""

import ctypes
import ctypes.util
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _

HARFBUZZ_SUBSET_MISSING = "letters.W001"
LETTER_FONT_MISSING = "letters.E002"
KVK_NUMBER_MISSING = "letters.W003"

# The legal forms a name shows and that are always in the Handelsregister: "B.V.", "BV",
# "B. V.", "N.V.", "NV" as a word, or written out. A stichting, vereniging or vof must print
# its number too when registered, but its name does not tell whether it is.
_NAMED_COMPANY = re.compile(
    r"\b[BN]\.?\s?V\b|\bbesloten\s+vennootschap\b|\bnaamloze\s+vennootschap\b", re.IGNORECASE
)
# A KvK number has eight digits (spaces and dots as people write them are ignored).
_KVK_NUMBER = re.compile(r"\d{8}")

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


def kvk_number_problem(*, name: str, kvk_number: str) -> str:
    """What is wrong with the KvK number the letters print for an organisation called
    ``name``, or "" (nothing, or not a B.V. or N.V. by its name)."""
    if not _NAMED_COMPANY.search(name or ""):
        return ""
    number = re.sub(r"[\s.]", "", kvk_number or "")
    if not number:
        return _(
            "%(name)s is a B.V. or N.V. by its name, but the profile has no KvK number: its "
            "letters must show it (Handelsregisterwet 2007, art. 20)."
        ) % {"name": name}
    if not _KVK_NUMBER.fullmatch(number):
        return _(
            "The KvK number %(number)s does not have eight digits: letters must show the "
            "number under which %(name)s is registered (Handelsregisterwet 2007, art. 20)."
        ) % {"number": kvk_number, "name": name}
    return ""


@register(Tags.database)
def check_organisation_kvk_number(app_configs=None, databases=None, **kwargs):
    """Runs with ``check --database default`` and before ``migrate``: it reads the profile
    (or, before it exists, the settings it will be made from)."""
    if not databases or "default" not in databases:
        return []
    from .models import OrganisationProfile

    try:
        values = (
            OrganisationProfile.objects.filter(pk=OrganisationProfile.SINGLETON_PK)
            .values("name", "kvk_number")
            .first()
        )
    except DatabaseError:  # not migrated yet: migrate itself runs this check first
        values = None
    if values is None:
        organisation = settings.DSAR_ORGANISATION
        values = {"name": organisation.get("name", ""), "kvk_number": organisation.get("kvk", "")}
    problem = kvk_number_problem(**values)
    if not problem:
        return []
    return [
        Warning(
            problem,
            hint=(
                "Fill in the KvK number in the admin under Letters > Organisation profile "
                "(or DSAR_ORG_KVK before the profile is first made)."
            ),
            id=KVK_NUMBER_MISSING,
        )
    ]
