"""Cleaning text a data subject typed: any script is welcome, control characters are not."""

import re
import unicodedata

# C0 and C1 control characters (tab and newline are handled first), zero-width space, line and
# paragraph separators, bidirectional overrides and isolates (used to disguise text), and the
# byte-order mark. Joiners (U+200C, U+200D) stay: some scripts and emoji need them.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"[ \t]+")


def clean_text(value: str, *, multiline: bool = False) -> str:
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        value = value.replace("\n", " ")
    value = value.replace("\t", " ")
    value = _UNWANTED.sub("", value)
    if not multiline:
        value = _SPACES.sub(" ", value)
    return value.strip()
