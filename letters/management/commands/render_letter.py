"""Render one letter for a request to a PDF file, without archiving it.

For template designers and operators: the same templates, fonts and fetcher as the app, the
pre-filled texts for every part, and ``--set part=text`` for the parts an officer would fill
in. Parts that are required but have no pre-filled text are shown as "[part]" placeholders
(or refused with ``--strict``).
"""

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.clock import local_date
from cases.models import Case
from letters import catalogue, rendering
from letters.models import OrganisationProfile


class Command(BaseCommand):
    help = "Render a letter for a request to PDF (not archived): REFERENCE LETTER [-o FILE]."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The request's reference, e.g. DSAR-2026-00042.")
        parser.add_argument(
            "letter", choices=sorted(catalogue.LETTERS), metavar="LETTER",
            help="One of: " + ", ".join(sorted(catalogue.LETTERS)),
        )  # fmt: skip
        parser.add_argument(
            "--lang", choices=catalogue.LANGUAGES, default=None,
            help="nl or en (default: the subject's preferred language).",
        )  # fmt: skip
        parser.add_argument(
            "-o", "--output", default=None,
            help="The PDF file to write; '-' for standard output. "
            "Default: REFERENCE-LETTER-LANG.pdf in the current folder.",
        )  # fmt: skip
        parser.add_argument(
            "--set", action="append", default=[], metavar="PART=TEXT",
            help="Fill in a part (repeatable), e.g. --set corrections='New address'.",
        )  # fmt: skip
        parser.add_argument("--html", action="store_true", help="Write the HTML, not the PDF.")
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, default=None,
            help="The letter's date, YYYY-MM-DD (default: today).",
        )  # fmt: skip
        parser.add_argument(
            "--strict", action="store_true",
            help="Refuse instead of using placeholders for required parts.",
        )  # fmt: skip

    def handle(self, *args, reference, letter, lang, output, html, date, strict, **options):
        case = Case.objects.filter(reference=reference.strip().upper()).first()
        if case is None:
            raise CommandError(f"No request with reference {reference}.")
        spec = catalogue.get(letter)
        why = spec.why_unavailable(case)
        if why:
            raise CommandError(f"{case.reference}: {why}")
        language = lang or case.subject_language
        fields = self._given(spec, options["set"])
        profile = OrganisationProfile.load()
        cleaned, errors = catalogue.clean_fields(spec, case, profile, language, fields)
        if errors and not strict:
            for name in errors:
                if name in {f.name for f in spec.fields} and not fields.get(name):
                    fields[name] = f"[{name}]"
            cleaned, errors = catalogue.clean_fields(spec, case, profile, language, fields)
        if errors:
            details = "; ".join(f"{name}: {message}" for name, message in errors.items())
            raise CommandError(f"The letter's parts are not complete: {details}")

        letter_date = date or local_date(timezone.now())
        if html:
            content = rendering.render_html(
                spec, case=case, profile=profile, language=language, fields=cleaned,
                letter_date=letter_date, for_browser=True,
            ).encode()  # fmt: skip
        else:
            try:
                content = rendering.render_letter(
                    spec, case=case, profile=profile, language=language, fields=cleaned,
                    letter_date=letter_date,
                ).pdf  # fmt: skip
            except rendering.LetterRenderError as exc:
                raise CommandError(str(exc)) from exc

        suffix = "html" if html else "pdf"
        if output == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        path = Path(output or f"{case.reference}-{letter}-{language}.{suffix}")
        path.write_bytes(content)
        self.stderr.write(f"{path} ({len(content)} bytes)")

    @staticmethod
    def _given(spec, pairs) -> dict:
        names = {f.name for f in spec.fields}
        given = {}
        for pair in pairs:
            name, sep, text = pair.partition("=")
            if not sep or name not in names:
                raise CommandError(
                    f"--set {pair!r}: use PART=TEXT with PART one of {', '.join(sorted(names))}."
                )
            given[name] = text.replace("\\n", "\n")
        return given
