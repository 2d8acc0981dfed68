"""What the officers' search finds (``CaseQuerySet.search``, used by the admin and the API):
references in any form, part of an e-mail address, names regardless of accents and case. Runs
on SQLite (``dsar_fold`` registered by cases/sqlite) and on PostgreSQL (``unaccent`` and
trigram indexes, migration 0012) alike."""

import pytest
from django.db import connection

from cases import search
from cases.models import Case, ReferenceCounter
from tests.factories import at, case

pytestmark = pytest.mark.django_db


def _numbered(year: int, number: int, **fields) -> Case:
    """A case that gets reference number ``number`` of ``year``."""
    ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": number - 1})
    made = case(received_at=at(year, 3, 5), **fields)
    assert made.reference == f"DSAR-{year}-{number:05d}"
    return made


@pytest.fixture
def cases():
    return {
        "ozturk": _numbered(
            2026, 174, subject_name="Ayşe Öztürk", subject_email="a.ozturk@example.org"
        ),
        "last_year": _numbered(2025, 174, subject_name="Kees Bakker", subject_email=""),
        "clarke": _numbered(
            2026, 175, subject_name="Emma Clarke", subject_email="Emma.Clarke12@Example.ORG"
        ),
        "clark": _numbered(
            2026, 1740, subject_name="Emma Clark", subject_email="emma.clark@example.org"
        ),
        "other": _numbered(2026, 176, subject_name="Zoë de Vries", subject_email="zoe@example.org"),
    }


def _found(term: str) -> set[str]:
    return set(Case.objects.search(term).values_list("reference", flat=True))


def _refs(cases, *names) -> set[str]:
    return {cases[name].reference for name in names}


def test_a_number_alone_finds_that_number_in_every_year(cases):
    assert _found("00174") == _refs(cases, "ozturk", "last_year")
    assert _found("174") == _refs(cases, "ozturk", "last_year")


def test_year_and_number_without_the_prefix_find_one_case(cases):
    assert _found("2026-00174") == _refs(cases, "ozturk")
    assert _found("2025-00174") == _refs(cases, "last_year")
    assert _found(" 2026/174 ") == _refs(cases, "ozturk")


def test_the_full_reference_finds_it_in_any_letter_case(cases):
    assert _found("DSAR-2026-00174") == _refs(cases, "ozturk")
    assert _found("dsar-2026-00174") == _refs(cases, "ozturk")


def test_the_beginning_of_a_reference_finds_every_reference_it_starts(cases):
    assert _found("DSAR-2025") == _refs(cases, "last_year")
    assert _found("dsar-2026-0017") == _refs(cases, "ozturk", "clarke", "other")
    # Number 174 written with one zero, and the beginning of DSAR-2026-01740.
    assert _found("2026-0174") == _refs(cases, "ozturk", "clark")


def test_part_of_an_email_address_finds_it_in_any_case(cases):
    assert _found("emma.clarke") == _refs(cases, "clarke")
    assert _found("EMMA.CLARKE12@example.org") == _refs(cases, "clarke")
    assert _found("emma.clark") == _refs(cases, "clarke", "clark")


def test_names_are_found_regardless_of_accents_and_case(cases):
    assert _found("Ozturk") == _refs(cases, "ozturk")
    assert _found("öztürk") == _refs(cases, "ozturk")
    assert _found("AYSE") == _refs(cases, "ozturk")
    assert _found("zoe de") == _refs(cases, "other")


def test_like_wildcards_in_a_term_are_taken_literally(cases):
    assert _found("%") == set()
    assert _found("emma_clarke") == set()


def test_an_empty_term_finds_everything(cases):
    assert _found("  ") == _refs(cases, *cases)


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Öztürk", "ozturk"), ("Yılmaz", "yilmaz"), ("Øyvind", "oyvind"), ("Nguyễn Thị", "nguyen thi"),
     ("Straße", "strasse"), ("Łódź", "lodz"), ("Ayşe", "ayse"), ("Zoë", "zoe"), ("Çelik", "celik"),
     ("IJsbrand", "ijsbrand"), ("Æsir", "aesir"), ("Đorđe", "dorde")],
)  # fmt: skip
def test_the_database_folds_as_the_python_fold_does(db, text, folded):
    """PostgreSQL's ``lower(unaccent())`` and SQLite's registered :func:`cases.search.fold`
    give the same folded text, so that both databases find the same cases."""
    assert search.fold(text) == folded
    with connection.cursor() as cursor:
        cursor.execute("SELECT dsar_fold(%s)", [text])
        assert cursor.fetchone()[0] == folded


def test_on_postgresql_trigram_indexes_serve_the_text_search(cases):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    # Unordered, and with scans of the whole table or of another index ruled out: on the few
    # rows of a test database the planner would rather read them all.
    sql, params = Case.objects.search("ozturk").order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_name_search_idx" in plan
    assert "case_email_search_idx" in plan
