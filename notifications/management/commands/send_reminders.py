from django.core.management.base import BaseCommand

from notifications.sweep import reminder_sweep


class Command(BaseCommand):
    help = (
        "Run the reminder sweep now, synchronously: plan the deadline reminders, escalations "
        "and digests that are due, then deliver every pending e-mail whose time has come. The "
        "same sweep Celery beat runs; for cron users and operators. Safe to run at any time "
        "and more than once: each reminder is planned once and each e-mail sent once."
    )

    def handle(self, *args, **options):
        report = reminder_sweep(deliver=True)
        planned = sum(report.planned.values())
        self.stdout.write(f"Planned {planned} e-mail(s).")
        for kind, count in sorted(report.planned.items()):
            self.stdout.write(f"  {kind}: {count}")
        outcomes = {}
        for result in report.delivered:
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
            if result.outcome == "skipped":
                continue  # another worker had it
            line = f"  #{result.email_id} {result.kind}"
            if result.reference:
                line += f" {result.reference}"
            line += f": {result.outcome}"
            if result.outcome == "retry":
                line += f" (again in {result.retry_in:g} s)"
            if result.outcome == "failed":
                line += f" ({result.error_code}; the error is on the e-mail in the admin)"
            self.stdout.write(line)
        summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        style = self.style.ERROR if outcomes.get("failed") else self.style.SUCCESS
        self.stdout.write(
            style(
                f"Due for delivery: {len(report.delivered)}"
                + (f" ({summary})." if summary else ".")
            )
        )
