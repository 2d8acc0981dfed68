"""``manage.py export_case DSAR-2026-00001 --format pdf --output file.pdf --reason "..."``:
everything stored about one request, as JSON or PDF (casework/export.py). Logged in the
security log with who ran it and why."""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from casework import export


class Command(BaseCommand):
    help = "Export one request with its timeline as JSON or PDF (logged)."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The request's reference, e.g. DSAR-2026-00001.")
        parser.add_argument("--format", choices=("json", "pdf"), default="json")
        parser.add_argument(
            "--output", help="File to write; default: <reference>-export.<format> here."
        )
        parser.add_argument("--language", choices=("nl", "en"), default="nl", help="PDF labels.")
        parser.add_argument(
            "--reason", required=True, help="Why, for the security log (e.g. 'access request')."
        )

    def handle(self, *args, reference, format, output, language, reason, **options):
        try:
            case = Case.objects.get(reference=reference.strip().upper())
        except Case.DoesNotExist:
            raise CommandError(f"No request with reference {reference!r}.") from None
        if format == "json":
            content = export.export_json(case)
        else:
            content = export.export_pdf(case, language=language)
        path = Path(output or export.filename(case, format))
        path.write_bytes(content)
        export.record_export(
            case=case, fmt=format, actor_label=f"{getpass.getuser()} (manage.py)", reason=reason
        )
        self.stdout.write(f"Wrote {path} ({len(content)} bytes).")
