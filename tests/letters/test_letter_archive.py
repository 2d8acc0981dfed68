"""Generated letters are archived immutably: the file, its SHA-256, the template and its
version, the language, who and when; regenerating makes a new version; nothing is changed
or deleted through the app."""

import hashlib
import stat

import pytest
from django.db import connection

from cases import filecrypt
from cases.models import CaseEvent, EventKind
from letters import rendering, services
from letters.models import Letter, LetterType

from .conftest import LETTER_AT

pytestmark = pytest.mark.django_db


def test_it_archives_the_file_with_its_hash_template_and_author(
    make_case, make_letter, officer_user, private_root
):
    case = make_case("access")

    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "en", note="See you soon.")

    content = filecrypt.read_bytes(letter.absolute_path)
    assert content.startswith(b"%PDF-")
    # Encrypted at rest: the bytes on disk are not the PDF, nor contain any of it; the SHA-256
    # and the size are those of the PDF as generated.
    on_disk = letter.absolute_path.read_bytes()
    assert on_disk.startswith(filecrypt.MAGIC)
    assert b"%PDF" not in on_disk and content[64:96] not in on_disk
    assert letter.absolute_path.is_relative_to(private_root)
    assert letter.sha256 == hashlib.sha256(content).hexdigest()
    assert letter.size == len(content)
    assert letter.version == 1
    assert letter.language == "en"
    assert letter.template_name == "letters/acknowledgement.en.html"
    assert letter.template_version == rendering.template_version(letter.template_name)
    assert len(letter.template_version) == 16
    assert letter.fields == {"note": "See you soon."}
    assert letter.generated_by == officer_user
    assert letter.generated_by_label == "olga"
    assert letter.generated_at == LETTER_AT
    assert letter.sent_at is None
    # No personal data in the file name: reference, letter, language, time and hash.
    assert letter.file_path.startswith(f"letters/2026/{case.reference}/acknowledgement-en-")
    assert "Zo" not in letter.file_path
    # Read-only on disk.
    assert not letter.absolute_path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_it_records_the_letter_on_the_timeline(make_case, make_letter):
    case = make_case("access")

    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    event = CaseEvent.objects.filter(case=case, kind=EventKind.LETTER).get()
    assert event.actor_label == "olga"
    assert event.at == LETTER_AT
    assert event.changes == {
        "letter": letter.pk,
        "action": "generated",
        "type": "acknowledgement",
        "version": 1,
        "language": "nl",
        "sha256": letter.sha256,
    }


def test_regenerating_makes_a_new_version_and_keeps_the_old(make_case, make_letter):
    case = make_case("access")
    other = make_case("access", subject_name="Piet Jansen")

    first = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    second = make_letter(case, LetterType.ACKNOWLEDGEMENT, "en", note="Tweede versie.")
    refusal = make_letter(
        case, LetterType.REFUSAL, "nl", ground="excessive", reasons="Uw zesde gelijke verzoek."
    )
    elsewhere = make_letter(other, LetterType.ACKNOWLEDGEMENT, "nl")

    assert (first.version, second.version, refusal.version, elsewhere.version) == (1, 2, 1, 1)
    assert first.file_path != second.file_path
    first.refresh_from_db()
    assert first.absolute_path.is_file()
    assert hashlib.sha256(filecrypt.read_bytes(first.absolute_path)).hexdigest() == first.sha256
    assert CaseEvent.objects.filter(case=case, kind=EventKind.LETTER).count() == 3


def test_a_letter_cannot_be_changed_or_deleted(make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    letter.language = "en"
    with pytest.raises(TypeError):
        letter.save()
    with pytest.raises(TypeError):
        letter.delete()
    with pytest.raises(TypeError):
        Letter.objects.filter(pk=letter.pk).update(language="en")
    with pytest.raises(TypeError):
        Letter.objects.filter(pk=letter.pk).delete()

    stored = Letter.objects.get(pk=letter.pk)
    assert stored.language == "nl"


def test_sent_at_is_set_once(make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    assert Letter.objects.filter(pk=letter.pk).mark_sent(LETTER_AT) == 1
    assert Letter.objects.filter(pk=letter.pk).mark_sent(LETTER_AT) == 0


def test_the_same_batch_key_makes_one_letter(make_case, actor):
    case = make_case("access")
    kwargs = {
        "case_id": case.pk,
        "letter_type": LetterType.ACKNOWLEDGEMENT,
        "language": "nl",
        "fields": {},
        "actor": actor,
        "idempotency_key": "batch-1-case-1",
    }

    first = services.letter_generate(**kwargs)
    again = services.letter_generate(**kwargs)

    assert first == again
    assert Letter.objects.count() == 1


def test_a_failed_transaction_leaves_no_file_and_no_row(
    make_case, make_letter, monkeypatch, private_root
):
    case = make_case("access")

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "record_event", broken)
    with pytest.raises(RuntimeError):
        make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    assert not Letter.objects.exists()
    assert not [p for p in private_root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("letter_type", "fields", "error"),
    [
        (LetterType.RECTIFICATION_DONE, {}, "corrections"),
        (
            LetterType.REFUSAL,
            {"scope": "partial", "ground": "excessive", "reasons": "x"},
            "granted",
        ),
        (LetterType.ERASURE_DONE, {"retained": "Facturen"}, "retention_ground"),
        (LetterType.ACCESS_ANSWER, {"purposes": ""}, "purposes"),
        (LetterType.ACKNOWLEDGEMENT, {"unknown_part": "x"}, "unknown_part"),
        (LetterType.PORTABILITY_ANSWER, {"delivery": "elsewhere"}, "delivery"),
    ],
)
def test_it_refuses_incomplete_parts(make_case, make_letter, letter_type, fields, error):
    case = make_case("access")

    with pytest.raises(services.LetterError) as raised:
        make_letter(case, letter_type, "nl", **fields)

    assert raised.value.code == "invalid_fields"
    assert error in raised.value.field_errors
    assert not Letter.objects.exists()


def test_an_extension_notice_needs_an_extended_case(make_case, make_letter):
    case = make_case("access")

    with pytest.raises(services.LetterError) as raised:
        make_letter(case, LetterType.EXTENSION_NOTICE, "nl")

    assert raised.value.code == "unavailable"


def test_it_refuses_an_unknown_letter_or_language(make_case, make_letter):
    case = make_case("access")

    with pytest.raises(services.LetterError):
        make_letter(case, "love_letter", "nl")
    with pytest.raises(services.LetterError):
        make_letter(case, LetterType.ACKNOWLEDGEMENT, "de")


@pytest.mark.django_db(transaction=True)
def test_it_renders_outside_the_transaction(make_case, make_letter, monkeypatch):
    case = make_case("access")
    seen = []
    render = rendering.render_letter

    def spy(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return render(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_letter", spy)

    make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    assert seen == [False]
