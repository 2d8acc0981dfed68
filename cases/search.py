"""What the officers' search box (admin and API alike) understands, apart from the query itself
(``CaseQuerySet.search``).

A term is either a reference, in any of the forms people type or paste ("00174", "174",
"2026-00174", "DSAR-2026-00174", "dsar-2026-00174"), or text: part of a name or of an e-mail
address, compared without regard to case or accents ("ozturk" finds "Öztürk", "emma.clarke"
finds "Emma.Clarke12@example.org").

Text is compared *folded*: lower case, accents taken off. Both sides of the comparison go
through the same SQL function, ``dsar_fold(text)``:

- on PostgreSQL it is ``lower(unaccent(...))``, created by the migration
  ``cases/0012_search_folded`` and declared IMMUTABLE, so that a trigram (``pg_trgm``) GIN
  index on ``dsar_fold(subject_name)`` and on ``dsar_fold(subject_email)`` serves
  ``LIKE '%term%'``;
- on SQLite it is :func:`fold`, registered on every connection by the project's SQLite
  backend (``cases/sqlite/base.py``); SQLite has no such index, so a search reads every row,
  which is fine at the sizes the embedded defaults are for (docs/operations.md, "Search").

``fold`` follows PostgreSQL's ``unaccent`` rules for the letters our subjects' names use,
so that both databases find the same cases (tests/cases/test_case_search.py runs on both).
"""

import re
import unicodedata

from django.db.models import Func, TextField

FOLD_FUNCTION = "dsar_fold"

# Letters with no decomposition in Unicode that unaccent.rules still maps to plain Latin.
_NO_DECOMPOSITION = str.maketrans(
    {"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ŀ": "l",
     "æ": "ae", "œ": "oe", "þ": "th", "ĸ": "q"}
)  # fmt: skip


def fold(value: str | None) -> str | None:
    """``value`` in lower case without accents: what ``dsar_fold`` does in SQL."""
    if value is None:
        return None
    if value.isascii():  # most e-mail addresses and many names: SQLite calls this per row
        return value.lower()
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(_NO_DECOMPOSITION))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Folded(Func):
    """``dsar_fold(expression)``: the expression as the search compares it."""

    function = FOLD_FUNCTION
    arity = 1
    output_field = TextField()


# "DSAR-2026-00174", "dsar 2026 00174", "2026-00174", "2026/174": a year and a number.
_YEAR_AND_NUMBER = re.compile(r"(?:DSAR[\s-]*)?(\d{4})[\s/-]+(\d{1,9})", re.IGNORECASE | re.ASCII)
# "00174", "174": a number, of any year.
_NUMBER = re.compile(r"\d{1,9}", re.ASCII)


def parse_reference(term: str) -> tuple[int | None, str] | None:
    """(year or None, the number's digits as typed) when ``term`` is a reference in one of
    its forms, else None."""
    if match := _YEAR_AND_NUMBER.fullmatch(term):
        return int(match[1]), match[2]
    if _NUMBER.fullmatch(term):
        return None, term
    return None
