"""Text that people typed, made safe to store, search and print, whatever interface it came
through (the public form and API, the staff API, the admin): any script is welcome; control,
invisible and direction characters are not. And text written into a spreadsheet, made safe to
open.

``clean_text`` is the one cleaner: ``casework.forms.CleanCharField`` (public form, public API,
admin forms) and the API's input serializers call it."""

import re
import unicodedata

# Removed: C0 and C1 control characters (tab and newline are handled first); every invisible
# formatting character (Unicode category Cf): the soft hyphen, zero-width space, the
# direction marks (LRM U+200E, RLM U+200F, ALM U+061C), embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069, used to disguise text: "‮fdp.exe" shows as "exe.pdf"), the
# word joiner and invisible operators (U+2060-U+2064), the byte-order mark, interlinear
# annotations, the language tag and the tag characters (invisible ASCII), and lone
# surrogates. They hide a name from search ("Vr\u200eies" is not "Vries") and turn it around
# in a letter. Kept: the joiners U+200C and U+200D (Persian, Indic scripts and emoji need
# them) and the few visible Cf signs (KEPT_FORMAT_CHARACTERS, checked against Unicode's table
# in tests/cases/test_text_cleaning.py).
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
KEPT_FORMAT_CHARACTERS = frozenset(
    "\u200c\u200d"  # zero-width non-joiner and joiner
    "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd"
    # Arabic, Syriac and Kaithi signs spanning numbers: visible
    "\U00013430\U00013431\U00013432\U00013433\U00013434\U00013435\U00013436\U00013437"
    "\U00013438"  # Egyptian hieroglyph format controls, part of that script
)
# Every other space (no-break, em, ideographic, ...) becomes a plain space, so that a search
# for "de Vries" finds "de\u00a0Vries"; line and paragraph separators become newlines.
_OTHER_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACES = re.compile(r"[ \t]+")


def clean_text(value: str, *, multiline: bool = False) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n")
    if not multiline:
        value = value.replace("\n", " ")
    value = value.replace("\t", " ")
    value = _OTHER_SPACES.sub(" ", value)
    value = unicodedata.normalize("NFC", _UNWANTED.sub("", value))
    if not multiline:
        value = _SPACES.sub(" ", value)
    return value.strip()


# --- Spreadsheets --------------------------------------------------------------------------

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google
# Sheets ("=HYPERLINK(...)" in a staff name becomes a live link); OWASP's list ("CSV
# Injection"), with the full-width forms some of them also accept.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value):
    """``value`` as it may go into a CSV or XLSX cell: text that a spreadsheet would take for a
    formula gets a leading apostrophe, as OWASP advises, so it shows as the text it is.
    Numbers, dates and None pass unchanged. Every export to CSV or XLSX writes its cells
    through this function."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
