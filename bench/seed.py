"""Seed a benchmark database with N cases through PostgreSQL COPY, in the shape of the demo data.

The rows come from ``cases.demo.seed_cases`` itself: every case, deadline (``cases.deadlines``),
reference number, pause and audit event exactly as ``manage.py seed_demo`` makes them; only
the write of each batch goes through ``COPY ... FROM STDIN`` (psycopg 3 ``cursor.copy()``)
instead of ``INSERT``, which makes a million cases (and their 3.7 million events) a matter of
minutes. The secondary indexes of the three tables are dropped during the load and built again
after it (one sorted build is much faster than a million index insertions), then the tables
get ``VACUUM ANALYZE`` (fresh statistics, and a visibility map for index-only scans).

A database whose cases were seeded by this script with the same count is reused as it is;
``--reseed`` empties it and seeds again. Run by ``bench/run.py`` (``make bench``); by hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dsar_bench_100k \\
        .venv/bin/python bench/seed.py --cases 100000

It EMPTIES the cases of the database it is given (and refuses a database whose name does
not contain "bench").
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import JSONField  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402
from tqdm import tqdm  # noqa: E402

from cases import demo  # noqa: E402
from cases.clock import local_date  # noqa: E402
from cases.models import OPEN_STATUSES, ActorType, Case, CaseEvent, CasePause, Channel  # noqa: E402

MARK = "dsar bench seed"
TABLES = (Case, CaseEvent, CasePause)


def seed_info() -> dict | None:
    """What this script wrote into the comment of the cases table, if it seeded it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT obj_description('cases_case'::regclass, 'pg_class')")
        comment = cursor.fetchone()[0] or ""
    if not comment.startswith(MARK + " "):
        return None
    return json.loads(comment[len(MARK) + 1 :])


class CopyWriter:
    """Writes model instances with COPY; numbers the cases itself, so that their events,
    made after the "insert", can point at them."""

    def __init__(self):
        self.next_case_id = 1
        self.rows = dict.fromkeys(TABLES, 0)

    def columns(self, model, with_pk: bool):
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        return fields, [f.attname for f in fields], [isinstance(f, JSONField) for f in fields]

    def write(self, model, objs, with_pk: bool = False):
        fields, attnames, is_json = self.columns(model, with_pk)
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        now = timezone.now()
        auto_fields = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for obj in objs:
                # What auto_now / auto_now_add would have filled in on save().
                for f in auto_fields:
                    if getattr(obj, f.attname) is None:
                        setattr(obj, f.attname, now)
                copy.write_row(
                    [
                        Jsonb(v) if j and v is not None else v
                        for v, j in zip((getattr(obj, a) for a in attnames), is_json, strict=True)
                    ]
                )
        self.rows[model] += len(objs)
        return objs

    def cases(self, objs, batch_size=None, **kwargs):
        for obj in objs:
            obj.pk = self.next_case_id
            self.next_case_id += 1
        return self.write(Case, objs, with_pk=True)

    def events(self, rows, batch_size=None, **kwargs):
        """The events come as rows already (``event_row``), in ``EVENT_COLUMNS`` order."""
        names = ", ".join(connection.ops.quote_name(c) for c in EVENT_COLUMNS)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY cases_caseevent ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        self.rows[CaseEvent] += len(rows)
        return rows

    def pauses(self, objs, batch_size=None, **kwargs):
        return self.write(CasePause, objs)


EVENT_COLUMNS = (
    "case_id", "at", "kind", "actor_type", "actor_id", "actor_label", "from_status",
    "to_status", "changes", "message",
)  # fmt: skip


def event_row(case, kind, at, *, actor=None, **kwargs) -> tuple:
    """``cases.demo._event`` as a COPY row instead of a ``CaseEvent`` (a model instance per
    event is a third of the seeding time): the same values, the same defaults."""
    return (
        case.pk,
        at,
        kind,
        ActorType.USER if actor else ActorType.SYSTEM,
        actor.pk if actor else None,
        actor.get_username() if actor else "",
        kwargs.get("from_status", ""),
        kwargs.get("to_status", ""),
        Jsonb(kwargs.get("changes", {})),
        kwargs.get("message", ""),
    )


def secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes of the seeded tables that back no
    constraint (primary keys and unique constraints stay)."""
    tables = [m._meta.db_table for m in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [tables],
        )
        return cursor.fetchall()


def seed(count: int, open_share: float, random_seed: int) -> dict:
    today = local_date(timezone.now())
    tables = ", ".join(m._meta.db_table for m in TABLES)
    indexes = secondary_indexes()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # CASCADE: also what points at cases (outbox, letters, files of earlier runs).
        cursor.execute(f"TRUNCATE {tables}, cases_referencecounter RESTART IDENTITY CASCADE")
        cursor.execute("COMMENT ON TABLE cases_case IS NULL")
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        # The rows are consistent by construction: skip the per-row foreign-key triggers
        # (four million lookups at a million cases) and the wait for each batch's WAL flush.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
    writer = CopyWriter()
    channel_labels = {value: str(label) for value, label in Channel.choices}
    with (
        mock.patch.object(Case.objects, "bulk_create", writer.cases),
        mock.patch.object(CaseEvent.objects, "bulk_create", writer.events),
        mock.patch.object(CasePause.objects, "bulk_create", writer.pauses),
        mock.patch.object(demo, "_event", event_row),
        # Django's get_FOO_display() builds a dict of every choice on each call; the labels
        # are the same for every case.
        mock.patch.object(
            Case, "get_channel_display", lambda case, labels=channel_labels: labels[case.channel]
        ),
        tqdm(total=count, unit=" cases", unit_scale=True, desc="COPY", mininterval=1) as bar,
    ):
        demo.seed_cases(
            count,
            today=today,
            open_share=open_share,
            seed=random_seed,
            batch_size=20_000,
            progress=bar.update,
        )
    copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("RESET session_replication_role")
        cursor.execute("RESET synchronous_commit")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)",
            [max(writer.next_case_id - 1, 1)],
        )
        for _name, sql in tqdm(indexes, desc="indexes", unit=" index"):
            cursor.execute(sql)
    indexed = time.perf_counter() - started - copied
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    info = {
        "count": count,
        "open_share": open_share,
        "seed": random_seed,
        "today": today.isoformat(),
        "events": writer.rows[CaseEvent],
        "pauses": writer.rows[CasePause],
        "seconds": {
            "copy": round(copied, 1),
            "indexes": round(indexed, 1),
            "vacuum_analyze": round(time.perf_counter() - started - copied - indexed, 1),
        },
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "COMMENT ON TABLE cases_case IS %s",
            [f"{MARK} {json.dumps(info)}"],
        )
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--open-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--reseed", action="store_true", help="seed even if already seeded")
    parser.add_argument("--json", type=Path, help="write what was seeded or found here")
    args = parser.parse_args()
    database = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in database:
        sys.exit(
            f"Refusing to seed {connection.vendor} database {database!r}: this empties its "
            "cases. Use a PostgreSQL database whose name contains 'bench'."
        )
    call_command("migrate", verbosity=0)
    info = seed_info()
    reuse = (
        not args.reseed
        and info is not None
        and info["count"] == args.cases
        and info["open_share"] == args.open_share
        and Case.objects.count() == args.cases
    )
    if reuse:
        info["reused"] = True
        print(
            f"{database}: reusing {args.cases:,} cases seeded on {info['today']} "
            "(--reseed to seed again)"
        )
    else:
        print(f"{database}: seeding {args.cases:,} cases ({args.open_share:.0%} open) with COPY")
        info = seed(args.cases, args.open_share, args.seed)
        info["reused"] = False
        s = info["seconds"]
        print(
            f"seeded {args.cases:,} cases, {info['events']:,} events, {info['pauses']:,} pauses: "
            f"COPY {s['copy']} s, indexes {s['indexes']} s, VACUUM ANALYZE {s['vacuum_analyze']} s"
        )
    info["open"] = Case.objects.filter(status__in=OPEN_STATUSES).count()
    info["database"] = database
    info["table_mb"] = {}
    with connection.cursor() as cursor:
        for model in TABLES:
            cursor.execute(
                "SELECT pg_total_relation_size(%s::regclass) / 1048576", [model._meta.db_table]
            )
            info["table_mb"][model._meta.db_table] = cursor.fetchone()[0]
    if args.json:
        args.json.write_text(json.dumps(info, indent=2) + "\n")


if __name__ == "__main__":
    main()
