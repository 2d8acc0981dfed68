import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from cases.clock import local_date
from cases.demo import seed_cases
from cases.models import Case


class Command(BaseCommand):
    help = (
        "Create realistic demo cases (Dutch names, every type and state, received over the "
        "last two years; some due soon, some overdue)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=300, help="How many (default 300).")
        parser.add_argument(
            "--open-share", type=float, default=0.2, help="Share of open cases (default 0.2)."
        )
        parser.add_argument("--seed", type=int, default=20261122, help="Random seed.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any case exists."
        )
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, cases, open_share, seed, if_empty, today, **options):
        if cases < 1:
            raise CommandError("--cases must be at least 1.")
        if not 0 <= open_share <= 1:
            raise CommandError("--open-share must be between 0 and 1.")
        if if_empty and Case.objects.exists():
            self.stdout.write("Cases exist already; no demo data added.")
            return
        today = today or local_date(timezone.now())
        started = timezone.now()
        with tqdm(total=cases, unit="case", disable=options["verbosity"] == 0) as bar:
            seed_cases(cases, today=today, open_share=open_share, seed=seed, progress=bar.update)
        if connection.vendor == "postgresql":
            # Fresh statistics, so that the planner uses the indexes right away (autovacuum
            # may be slow to notice a bulk load, or off).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE cases_case")
                cursor.execute("VACUUM ANALYZE cases_caseevent")
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Created {cases} demo cases in {seconds:.1f} s."))
