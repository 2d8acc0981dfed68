import threading

import pytest
from django.db import connection

from cases.audit import Actor
from cases.models import Case, ReferenceCounter
from tests.factories import at, case

THREADS = 8
CASES_PER_THREAD = 5


def _skip_unless_threads_share_the_database():
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "The SQLite test database is in memory: each thread would get its own empty "
            "database. Run with DATABASE_URL=postgres://... (as CI does) to test this."
        )


# transaction=True: each thread commits on its own connection, as web and worker processes do.
@pytest.mark.django_db(transaction=True)
def test_it_numbers_concurrent_registrations_uniquely_and_without_gaps():
    _skip_unless_threads_share_the_database()
    # No counter row for 2026 yet: the threads also race to create it.
    assert not ReferenceCounter.objects.filter(year=2026).exists()

    start = threading.Barrier(THREADS)
    references: list[str] = []
    errors: list[Exception] = []

    def register_cases(thread_number):
        try:
            start.wait(timeout=30)
            for i in range(CASES_PER_THREAD):
                created = case(
                    received_at=at(2026, 3, 5),
                    now=at(2026, 3, 6),
                    actor=Actor.system(),
                    subject_name=f"Subject {thread_number}.{i}",
                )
                references.append(created.reference)
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_cases, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    total = THREADS * CASES_PER_THREAD
    expected = [f"DSAR-2026-{n:05d}" for n in range(1, total + 1)]
    assert sorted(references) == expected
    assert sorted(Case.objects.values_list("reference", flat=True)) == expected
    assert sorted(Case.objects.values_list("reference_number", flat=True)) == list(
        range(1, total + 1)
    )
    assert ReferenceCounter.objects.get(year=2026).last_number == total
