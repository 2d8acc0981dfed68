"""Private files encrypted at rest (docs/security.md, "Files encrypted at rest").

Every file under ``settings.PRIVATE_FILES_ROOT`` (the subject's uploads and identity
documents, the archived letters, the files of the message thread) is stored encrypted with
AES-256-GCM from ``cryptography``, in chunks, so that writing and reading take constant
memory whatever the size:

    header   b"DSARENC" 0x01 | key id (8 bytes) | nonce prefix (7 random bytes)   = 23 bytes
    chunks   AES-256-GCM of 64 KiB of plaintext (the last one shorter, possibly empty),
             each 64 KiB + 16 bytes of tag; nonce = prefix | chunk number (4 bytes, big
             endian) | 1 for the last chunk, else 0; associated data = the header

This is the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár 2015): a chunk changed,
moved, dropped or added, a file cut short at any byte or extended, and a header changed fail
the tag check and raise ``FileUnreadable`` before any byte of that chunk is given out.

Keys: ``settings.DSAR_FILE_KEYS``, 32 random bytes each in URL-safe base64, newest first. A new
file is written with the first; a file is read with the key its header names (the id is the
first 8 bytes of a SHA-256 of the key, so no key is ever stored with the files).
``rotate_file_keys`` (management command) rewrites every file to the newest key.

A file is written to a temporary name in its folder, flushed to disk and then renamed: it is
there whole or not at all.
"""

import base64
import hashlib
import io
import logging
import os
import secrets
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

logger = logging.getLogger(__name__)

MAGIC = b"DSARENC\x01"  # the format and its version
KEY_ID_BYTES = 8
PREFIX_BYTES = 7
HEADER_BYTES = len(MAGIC) + KEY_ID_BYTES + PREFIX_BYTES
CHUNK = 64 * 1024
TAG = 16
SEALED_CHUNK = CHUNK + TAG
PARTIAL_SUFFIX = ".part"
# Under PRIVATE_FILES_ROOT but not encrypted: the organisation's logo (letters/models.py), no
# personal data, which the PDF renderer reads by its path.
UNENCRYPTED_DIRS = ("letters/logo",)


class FileUnreadable(ValueError):  # noqa: N818 (reads as what happened)
    """A private file that cannot be decrypted: changed, cut short, not encrypted, or
    encrypted with a key no longer in DSAR_FILE_KEYS. Its message names no content."""


class BadFileKey(ValueError):  # noqa: N818
    """DSAR_FILE_KEYS holds something that is not a key."""


# --- Keys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKey:
    key_id: bytes
    aead: AESGCM

    @property
    def label(self) -> str:
        return self.key_id.hex()


def generate_key() -> str:
    """A new key as DSAR_FILE_KEYS takes it: 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def key_id(raw: bytes) -> bytes:
    return hashlib.sha256(b"dsar-file-key-id\0" + raw).digest()[:KEY_ID_BYTES]


def parse_key(text: str) -> FileKey:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode() + b"==")
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise BadFileKey(
            "Each file key is 32 random bytes in URL-safe base64 (44 characters); "
            "make one with: python manage.py rotate_file_keys --new-key"
        )
    return FileKey(key_id(raw), AESGCM(raw))


@lru_cache(maxsize=8)
def _parse_keys(values: tuple[str, ...]) -> tuple[FileKey, ...]:
    keys = tuple(parse_key(value) for value in values if value.strip())
    if not keys:
        raise BadFileKey("no key is set: there is nothing to encrypt files with.")
    if len({key.key_id for key in keys}) != len(keys):
        raise BadFileKey("DSAR_FILE_KEYS names the same key twice.")
    return keys


def file_keys(value) -> tuple[FileKey, ...]:
    """The keys of a DSAR_FILE_KEYS value (a list, or one comma-separated string), newest
    first; BadFileKey for anything that is not a key, for none and for a key named twice."""
    if isinstance(value, str):
        value = value.split(",")
    return _parse_keys(tuple(value))


def keys() -> tuple[FileKey, ...]:
    """The keys of DSAR_FILE_KEYS, newest first (read at each use: tests change them)."""
    return file_keys(settings.DSAR_FILE_KEYS)


def current_key() -> FileKey:
    return keys()[0]


def _key_for(wanted: bytes) -> FileKey:
    for key in keys():
        if key.key_id == wanted:
            return key
    raise FileUnreadable(
        f"encrypted with key {wanted.hex()}, which is not in DSAR_FILE_KEYS (any more)"
    )


def embedded_key(var_dir: Path) -> str:
    """The key of a developer's machine and the tests when DSAR_FILE_KEYS is not set: made
    once into ``var_dir/file-key`` (mode 0600) and read from there afterwards. Never used by
    the production settings, which refuse to start without DSAR_FILE_KEYS."""
    path = Path(var_dir) / "file-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"file-key.{secrets.token_hex(4)}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(generate_key() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(partial, path)  # fails if another process made one meanwhile: keep that
        except FileExistsError:
            pass
        finally:
            partial.unlink(missing_ok=True)
    return path.read_text().strip()


# --- Writing ------------------------------------------------------------------------------


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", number) + (b"\x01" if last else b"\x00")


class Encryptor:
    """Plaintext in, in pieces of any size; the encrypted file out, in pieces. Holds at most
    one chunk: a full chunk is sealed only once more plaintext follows it, so that the last
    chunk is known when ``finish()`` is called."""

    def __init__(self, key: FileKey | None = None):
        self.key = key or current_key()
        self.header = MAGIC + self.key.key_id + secrets.token_bytes(PREFIX_BYTES)
        self._prefix = self.header[-PREFIX_BYTES:]
        self._number = 0
        self._buffer = bytearray()

    def _seal(self, data: bytes, last: bool) -> bytes:
        if self._number >= 2**32:
            raise ValueError("file too large for one encrypted stream (256 TiB)")
        sealed = self.key.aead.encrypt(_nonce(self._prefix, self._number, last), data, self.header)
        self._number += 1
        return sealed

    def update(self, data: bytes) -> bytes:
        self._buffer += data
        out = []
        while len(self._buffer) > CHUNK:
            out.append(self._seal(bytes(self._buffer[:CHUNK]), last=False))
            del self._buffer[:CHUNK]
        return b"".join(out)

    def finish(self) -> bytes:
        sealed = self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        return sealed


@dataclass(frozen=True)
class Written:
    size: int  # of the plaintext
    sha256: str  # of the plaintext


def write(
    path: Path, chunks: Iterable[bytes], *, mode: int = 0o640, replace: bool = False
) -> Written:
    """Encrypt ``chunks`` into ``path``: written to a temporary name beside it, flushed to
    disk, then renamed, so that ``path`` holds the whole file or nothing. Without ``replace``
    an existing file is never overwritten (FileExistsError)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    if not replace and path.exists():
        raise FileExistsError(path.name)
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
    encryptor = Encryptor()
    digest = hashlib.sha256()
    size = 0
    try:
        with open(partial, "xb") as out:
            os.chmod(partial, mode)
            out.write(encryptor.header)
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(encryptor.update(chunk))
            out.write(encryptor.finish())
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(partial, path)
        else:
            _link_new(partial, path)
            partial.unlink(missing_ok=True)
        _fsync_dir(path.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Written(size=size, sha256=digest.hexdigest())


def _link_new(partial: Path, path: Path) -> None:
    """``partial`` under the name ``path``, which must not exist: a hard link (atomic, and
    refuses to overwrite); on a file system without hard links, a rename after a check."""
    try:
        os.link(partial, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(path.name) from None
        os.rename(partial, path)


def write_bytes(path: Path, content: bytes, **kwargs) -> Written:
    return write(path, [content], **kwargs)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- Reading ------------------------------------------------------------------------------


def plaintext_size(sealed_size: int) -> int:
    body = sealed_size - HEADER_BYTES
    if body < TAG:
        raise FileUnreadable("too short for an encrypted file")
    chunks = -(-body // SEALED_CHUNK)
    if body - (chunks - 1) * SEALED_CHUNK < TAG:
        raise FileUnreadable("cut short: the last chunk is incomplete")
    return body - chunks * TAG


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def header_key_id(path: Path) -> bytes | None:
    """The id of the key a file is encrypted with, or None for a file not encrypted."""
    with open(path, "rb") as handle:
        header = handle.read(HEADER_BYTES)
    if not header.startswith(MAGIC) or len(header) < HEADER_BYTES:
        return None
    return header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES]


class DecryptingReader(io.RawIOBase):
    """The plaintext of an encrypted file, read-only and seekable, decrypting one chunk at a
    time (memory: one chunk). Every chunk is authenticated before any of its bytes is
    returned. Opening checks the header, the first and the last chunk, so that a wrong key, a
    changed header and a file cut short fail at once, before a response starts; a chunk
    changed in the middle fails when it is reached."""

    def __init__(self, path: Path):
        super().__init__()
        self._handle = open(path, "rb")  # noqa: SIM115 (closed by close())
        try:
            header = self._handle.read(HEADER_BYTES)
            if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
                raise FileUnreadable("not an encrypted file (no header)")
            self._header = header
            self._key = _key_for(header[len(MAGIC) : len(MAGIC) + KEY_ID_BYTES])
            self._prefix = header[-PREFIX_BYTES:]
            self.size = plaintext_size(os.fstat(self._handle.fileno()).st_size)
            self._chunks = max(1, -(-self.size // CHUNK))
            self._position = 0
            self._cached_number = -1
            self._cached = b""
            self._chunk(self._chunks - 1)
            self._chunk(0)
        except BaseException:
            self._handle.close()
            raise

    def _chunk(self, number: int) -> bytes:
        if number == self._cached_number:
            return self._cached
        self._handle.seek(HEADER_BYTES + number * SEALED_CHUNK)
        sealed = self._handle.read(SEALED_CHUNK)
        last = number == self._chunks - 1
        try:
            plain = self._key.aead.decrypt(_nonce(self._prefix, number, last), sealed, self._header)
        except InvalidTag:
            raise FileUnreadable(
                f"chunk {number} of {self._chunks} fails its check: changed or cut short"
            ) from None
        self._cached_number, self._cached = number, plain
        return plain

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self.size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def readinto(self, buffer) -> int:
        if self._position >= self.size:
            return 0
        number, offset = divmod(self._position, CHUNK)
        plain = self._chunk(number)
        count = min(len(buffer), len(plain) - offset)
        buffer[:count] = plain[offset : offset + count]
        self._position += count
        return count

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        out = bytearray()
        while len(out) < size:
            piece = bytearray(min(size - len(out), CHUNK))
            count = self.readinto(piece)
            if not count:
                break
            out += piece[:count]
        return bytes(out)

    def chunks(self) -> Iterator[bytes]:
        """The plaintext from the current position to the end, a chunk at a time."""
        while piece := self.read(CHUNK):
            yield piece

    def close(self) -> None:
        if not self.closed:
            self._handle.close()
            self._cached = b""
        super().close()


def open_decrypted(path: Path) -> DecryptingReader:
    """The plaintext of an encrypted private file. Raises FileNotFoundError for a missing
    file and FileUnreadable (logged, with the file's name only) for one that fails its check."""
    try:
        return DecryptingReader(path)
    except FileUnreadable as exc:
        logger.error("private file %s unreadable: %s", Path(path).name, exc)
        raise


def read_bytes(path: Path) -> bytes:
    """The whole plaintext at once: only for small files (a letter to attach to an e-mail)."""
    with open_decrypted(path) as reader:
        return reader.read()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open_decrypted(path) as reader:
        for piece in reader.chunks():
            digest.update(piece)
    return digest.hexdigest()


# --- Encrypting what is there, and rotating keys --------------------------------------------


@dataclass
class Sweep:
    encrypted: int = 0  # plaintext files encrypted
    rotated: int = 0  # files re-encrypted with the newest key
    current: int = 0  # already with the newest key
    failed: int = 0  # unreadable (changed, cut short, or a key not in DSAR_FILE_KEYS)


def private_files(root: Path) -> Iterator[Path]:
    """Every stored file under ``root``, but for the unencrypted folders and files still
    being written."""
    root = Path(root)
    if not root.is_dir():
        return
    skipped = {(root / folder).resolve() for folder in UNENCRYPTED_DIRS}
    for folder, subfolders, files in os.walk(root):
        here = Path(folder).resolve()
        subfolders[:] = sorted(name for name in subfolders if (here / name) not in skipped)
        for name in sorted(files):
            if name.endswith(PARTIAL_SUFFIX):
                continue
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path


def _rewrite(path: Path, chunks: Iterable[bytes]) -> None:
    mode = path.stat().st_mode & 0o777
    write(path, chunks, mode=mode, replace=True)


def _plain_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while piece := handle.read(CHUNK):
            yield piece


def _decrypted_chunks(path: Path) -> Iterator[bytes]:
    with open_decrypted(path) as reader:
        yield from reader.chunks()


def sweep(root: Path, *, rotate: bool = True, dry_run: bool = False) -> Sweep:
    """Encrypt every plaintext file under ``root`` and, with ``rotate``, re-encrypt every file
    whose key is not the newest. Each file is replaced whole (temporary name, fsync, rename);
    a file that fails its check is counted, logged and left as it is."""
    newest = current_key().key_id
    result = Sweep()
    for path in private_files(root):
        found = header_key_id(path)
        if found == newest:
            result.current += 1
            continue
        try:
            if found is None:
                if not dry_run:
                    _rewrite(path, _plain_chunks(path))
                result.encrypted += 1
            elif rotate:
                if not dry_run:
                    _rewrite(path, _decrypted_chunks(path))
                else:
                    open_decrypted(path).close()
                result.rotated += 1
        except FileUnreadable:
            result.failed += 1
    return result


def decrypt_all(root: Path) -> int:
    """Write every encrypted file under ``root`` back in plain text (reversing the migration
    that encrypted them, before going back to a version without encryption)."""
    count = 0
    for path in private_files(root):
        if header_key_id(path) is None:
            continue
        mode = path.stat().st_mode & 0o777
        partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
        try:
            with open(partial, "xb") as out:
                for piece in _decrypted_chunks(path):
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, mode)
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        count += 1
    return count
