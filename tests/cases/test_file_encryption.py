"""Private files are encrypted at rest (cases/filecrypt.py, docs/security.md): what is on disk
is not the file; a file changed, cut short or reordered is refused, never served; keys
rotate; downloads stream in constant memory; the migration encrypts files stored before."""

import hashlib
import importlib
import logging
import os
import tracemalloc
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases import filecrypt, uploads
from cases.filecrypt import CHUNK, HEADER_BYTES, SEALED_CHUNK
from cases.models import SubjectFile, SubjectSubmission
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
KEY_A = filecrypt.generate_key()
KEY_B = filecrypt.generate_key()


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def key_a(settings):
    settings.DSAR_FILE_KEYS = [KEY_A]


def content_of(size: int) -> bytes:
    """Bytes that do not repeat within a chunk, so that no piece of it can hide anywhere."""
    return b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(size // 32 + 1))[:size]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_a_file_round_trips_and_is_not_on_disk_as_it_was(private_root, size):
    content = content_of(size)
    path = private_root / "f.bin"

    written = filecrypt.write(path, [content[i : i + 1000] for i in range(0, size, 1000)])

    on_disk = path.read_bytes()
    assert on_disk.startswith(filecrypt.MAGIC)
    assert len(on_disk) == HEADER_BYTES + size + 16 * max(1, -(-size // CHUNK))
    if size >= 32:
        assert content[:32] not in on_disk and content[-32:] not in on_disk
    assert written.size == size and written.sha256 == hashlib.sha256(content).hexdigest()
    with filecrypt.open_decrypted(path) as reader:
        assert reader.size == size
        assert reader.read() == content
        reader.seek(size // 2)
        assert reader.read(100) == content[size // 2 : size // 2 + 100]
    assert not list(private_root.glob("*.part"))


def test_the_same_file_twice_is_two_different_files_on_disk(private_root):
    filecrypt.write_bytes(private_root / "one", PDF)
    filecrypt.write_bytes(private_root / "two", PDF)

    assert (private_root / "one").read_bytes() != (private_root / "two").read_bytes()


def test_an_upload_is_encrypted_on_disk_and_downloads_as_it_was(db, private_root):
    stored = uploads.store(
        SimpleUploadedFile("id.pdf", PDF), case_id=7, content_type="application/pdf"
    )

    on_disk = (private_root / stored.storage_path).read_bytes()
    assert PDF not in on_disk and b"%PDF" not in on_disk
    assert stored.size == len(PDF) and stored.sha256 == hashlib.sha256(PDF).hexdigest()
    row = SubjectFile(
        storage_path=stored.storage_path, original_name="id.pdf", content_type="application/pdf"
    )
    response = uploads.file_response(row)
    assert int(response["Content-Length"]) == len(PDF)
    assert b"".join(response.streaming_content) == PDF


def test_a_file_is_never_written_over_and_leaves_nothing_when_writing_fails(private_root):
    filecrypt.write_bytes(private_root / "letter.pdf", PDF)
    with pytest.raises(FileExistsError):
        filecrypt.write_bytes(private_root / "letter.pdf", b"%PDF- other")
    assert filecrypt.read_bytes(private_root / "letter.pdf") == PDF

    def broken():
        yield content_of(3 * CHUNK)
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        filecrypt.write(private_root / "half.pdf", broken())
    assert sorted(p.name for p in private_root.iterdir()) == ["letter.pdf"]


def test_without_hard_links_a_file_is_still_stored_whole_and_never_over_another(
    private_root, monkeypatch
):
    def no_links(*_args):
        raise PermissionError("no hard links on this file system")

    monkeypatch.setattr(os, "link", no_links)
    filecrypt.write_bytes(private_root / "letter.pdf", PDF)

    assert filecrypt.read_bytes(private_root / "letter.pdf") == PDF
    with pytest.raises(FileExistsError):
        filecrypt.write_bytes(private_root / "letter.pdf", b"%PDF- other")
    assert sorted(p.name for p in private_root.iterdir()) == ["letter.pdf"]


# --- Changed, cut short, reordered -----------------------------------------------------------


def _stored(private_root, size=3 * CHUNK + 100) -> tuple[Path, bytes]:
    content = content_of(size)
    path = private_root / "doc.pdf"
    filecrypt.write_bytes(path, content)
    return path, content


def _chunk_at(number: int) -> int:
    return HEADER_BYTES + number * SEALED_CHUNK


@pytest.mark.parametrize(
    "change",
    [
        "header",  # the key id or nonce prefix
        "first chunk",
        "last chunk",
        "cut at a chunk boundary",  # the chunk now last was not sealed as last
        "cut inside a chunk",
        "one byte cut",
        "chunk appended",
        "empty",
    ],
)
def test_a_changed_or_cut_file_is_refused_when_opened(private_root, change, caplog):
    path, content = _stored(private_root)
    raw = bytearray(path.read_bytes())
    if change == "header":
        raw[10] ^= 1
    elif change == "first chunk":
        raw[_chunk_at(0) + 5] ^= 1
    elif change == "last chunk":
        raw[-1] ^= 1
    elif change == "cut at a chunk boundary":
        raw = raw[: _chunk_at(2)]
    elif change == "cut inside a chunk":
        raw = raw[: _chunk_at(3) + 50]
    elif change == "one byte cut":
        raw = raw[:-1]
    elif change == "chunk appended":
        raw += raw[_chunk_at(1) : _chunk_at(2)]
    elif change == "empty":
        raw = bytearray()
    path.write_bytes(bytes(raw))

    with caplog.at_level(logging.ERROR), pytest.raises(filecrypt.FileUnreadable):
        filecrypt.open_decrypted(path)
    # Logged with the file's (random) name only, nothing of its content.
    assert "doc.pdf" in caplog.text and "unreadable" in caplog.text
    assert content[:16].hex() not in caplog.text


@pytest.mark.parametrize("change", ["middle chunk changed", "chunks swapped"])
def test_a_changed_chunk_in_the_middle_stops_the_reading_before_any_of_it_is_given(
    private_root, change
):
    path, content = _stored(private_root)
    raw = bytearray(path.read_bytes())
    if change == "middle chunk changed":
        raw[_chunk_at(1) + 7] ^= 0x80
    else:
        one = raw[_chunk_at(1) : _chunk_at(2)]
        raw[_chunk_at(1) : _chunk_at(2)] = raw[_chunk_at(2) : _chunk_at(3)]
        raw[_chunk_at(2) : _chunk_at(3)] = one
    path.write_bytes(bytes(raw))

    got = b""
    with filecrypt.open_decrypted(path) as reader, pytest.raises(filecrypt.FileUnreadable):
        while piece := reader.read(4096):
            got += piece
    assert got == content[:CHUNK]  # the first chunk, not a byte of the changed one


def test_a_plain_file_is_not_served_as_if_it_were_encrypted(private_root):
    path = private_root / "old.pdf"
    path.parent.mkdir(parents=True)
    path.write_bytes(PDF)

    with pytest.raises(filecrypt.FileUnreadable, match="not an encrypted file"):
        filecrypt.open_decrypted(path)


@pytest.mark.django_db
def test_the_officer_gets_not_found_for_a_changed_file_not_its_content(
    client, private_root, caplog
):
    case = factories.case()
    stored = uploads.store(
        SimpleUploadedFile("id.pdf", PDF), case_id=case.pk, content_type="application/pdf"
    )
    submission = SubjectSubmission.objects.create(case=case, submitted_at=factories.at(2026, 3, 9))
    row = SubjectFile.objects.create(
        submission=submission,
        storage_path=stored.storage_path,
        original_name="id.pdf",
        content_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
    )
    client.force_login(factories.officer("olga"))
    url = reverse("officers:subject_file_download", args=[row.pk])
    assert b"".join(client.get(url).streaming_content) == PDF

    path = private_root / stored.storage_path
    path.write_bytes(path.read_bytes()[:-3])
    with caplog.at_level(logging.ERROR):
        response = client.get(url)

    assert response.status_code == 404
    assert "fails its check" in caplog.text


# --- Keys -------------------------------------------------------------------------------------


def test_new_files_use_the_first_key_and_old_ones_stay_readable_until_rotated(
    settings, private_root, key_a
):
    old = private_root / "letters" / "old.pdf"
    filecrypt.write_bytes(old, PDF, mode=0o440)
    key_id_a = filecrypt.current_key().key_id

    settings.DSAR_FILE_KEYS = [KEY_B, KEY_A]  # B added in front
    new = private_root / "subject-uploads" / "new.pdf"
    filecrypt.write_bytes(new, PDF)
    key_id_b = filecrypt.current_key().key_id
    assert filecrypt.header_key_id(old) == key_id_a
    assert filecrypt.header_key_id(new) == key_id_b
    assert filecrypt.read_bytes(old) == PDF == filecrypt.read_bytes(new)

    settings.DSAR_FILE_KEYS = [KEY_B]  # A removed too early: the old file says so
    with pytest.raises(filecrypt.FileUnreadable, match="not in DSAR_FILE_KEYS"):
        filecrypt.read_bytes(old)

    settings.DSAR_FILE_KEYS = [KEY_B, KEY_A]
    call_command("rotate_file_keys", "--dry-run")
    assert filecrypt.header_key_id(old) == key_id_a
    call_command("rotate_file_keys")
    assert filecrypt.header_key_id(old) == key_id_b
    assert old.stat().st_mode & 0o777 == 0o440  # the letter stays read-only

    settings.DSAR_FILE_KEYS = [KEY_B]  # A may go now
    assert filecrypt.read_bytes(old) == PDF == filecrypt.read_bytes(new)


def test_rotation_reports_a_file_it_cannot_read_and_keeps_it(settings, private_root, key_a):
    path = private_root / "letters" / "x.pdf"
    filecrypt.write_bytes(path, PDF)
    path.write_bytes(path.read_bytes()[:-1])
    before = path.read_bytes()
    settings.DSAR_FILE_KEYS = [KEY_B, KEY_A]

    with pytest.raises(CommandError, match="1 file"):
        call_command("rotate_file_keys")
    assert path.read_bytes() == before


def test_the_new_key_option_prints_a_usable_key(capsys, settings, private_root):
    call_command("rotate_file_keys", "--new-key")
    key = capsys.readouterr().out.strip()

    settings.DSAR_FILE_KEYS = [key]
    filecrypt.write_bytes(private_root / "f", PDF)
    assert filecrypt.read_bytes(private_root / "f") == PDF


@pytest.mark.parametrize("value", [[], ["short"], [KEY_A[:-4]], [KEY_A, KEY_A], "not base64 !!!!"])
def test_what_is_not_a_key_list_is_refused(value):
    with pytest.raises(filecrypt.BadFileKey):
        filecrypt.file_keys(value)


def test_a_comma_separated_value_is_a_key_list():
    assert len(filecrypt.file_keys(f"{KEY_B}, {KEY_A}")) == 2


def test_the_embedded_key_is_made_once_readable_by_its_owner_only(tmp_path):
    first = filecrypt.embedded_key(tmp_path)

    assert filecrypt.embedded_key(tmp_path) == first
    assert (tmp_path / "file-key").stat().st_mode & 0o777 == 0o600
    assert len(filecrypt.file_keys([first])) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["file-key"]


def test_the_private_storage_encrypts_what_it_saves(private_root):
    storage = storages["private"]

    name = storage.save("correspondence/answer.json", ContentFile(b'{"name": "Zoe"}'))

    assert b"Zoe" not in (private_root / name).read_bytes()
    assert storage.size(name) == len(b'{"name": "Zoe"}')
    with storage.open(name) as handle:
        assert handle.read() == b'{"name": "Zoe"}'
    with pytest.raises(ValueError, match="no URL"):
        storage.url(name)


# --- Memory ----------------------------------------------------------------------------------


def test_a_20_mb_file_is_written_and_downloaded_in_constant_memory(db, private_root):
    size = 20 * 1024 * 1024
    block = os.urandom(CHUNK)
    expected = hashlib.sha256()

    def pieces():
        for _ in range(size // CHUNK):
            expected.update(block)
            yield block

    tracemalloc.start()
    try:
        stored = uploads.store(_Chunks(pieces), case_id=1, content_type="application/pdf")
        _current, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        row = SubjectFile(
            storage_path=stored.storage_path,
            original_name="big.pdf",
            content_type="application/pdf",
        )
        response = uploads.file_response(row)
        got = hashlib.sha256()
        received = 0
        for piece in response.streaming_content:
            got.update(piece)
            received += len(piece)
        response.close()
        _current, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert received == size == int(response["Content-Length"]) == stored.size
    assert got.hexdigest() == expected.hexdigest() == stored.sha256
    # A few chunks of 64 KiB at a time, whatever the size: far under the 20 MB of the file.
    assert write_peak < 1024 * 1024, write_peak
    assert read_peak < 1024 * 1024, read_peak


class _Chunks:
    """An uploaded file that hands out its content in pieces, never held whole."""

    def __init__(self, pieces):
        self._pieces = pieces

    def seek(self, _position):
        pass

    def chunks(self, _size):
        return self._pieces()


# --- The migration ----------------------------------------------------------------------------


def test_the_migration_encrypts_the_files_stored_before_and_only_those(private_root, key_a):
    migration = importlib.import_module("letters.migrations.0004_encrypt_private_files")
    upload = private_root / "subject-uploads" / "3" / "abc.pdf"
    letter = private_root / "letters" / "2026" / "DSAR-2026-00003" / "access_answer-nl.pdf"
    logo = private_root / "letters" / "logo" / "logo.png"
    for path, content in ((upload, PDF), (letter, PDF + b"letter"), (logo, b"\x89PNG logo")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    letter.chmod(0o440)
    already = private_root / "subject-uploads" / "3" / "new.pdf"
    filecrypt.write_bytes(already, PDF)
    already_bytes = already.read_bytes()

    migration.encrypt_files(apps, None)

    assert upload.read_bytes().startswith(filecrypt.MAGIC)
    assert filecrypt.read_bytes(upload) == PDF
    assert filecrypt.read_bytes(letter) == PDF + b"letter"
    assert letter.stat().st_mode & 0o777 == 0o440
    assert logo.read_bytes() == b"\x89PNG logo"  # the organisation's logo stays as it is
    assert already.read_bytes() == already_bytes  # not encrypted twice

    encrypted = upload.read_bytes()
    migration.encrypt_files(apps, None)  # again: nothing changes
    assert upload.read_bytes() == encrypted

    migration.decrypt_files(apps, None)  # backwards: plain text again
    assert upload.read_bytes() == PDF and already.read_bytes() == PDF
