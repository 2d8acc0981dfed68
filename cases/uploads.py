"""Files the data subject uploads on the status page: checked by their content, stored under
``settings.PRIVATE_FILES_ROOT`` (never a static or media root) under a random name, encrypted
(``cases.filecrypt``), and named,
shown and downloaded with the extension of the type their content has (``safe_name``): a PDF
sent as ``invoice.html`` or ``invoice.pdf.hta`` is ``invoice.pdf``, a PNG sent as
``photo.exe`` is ``photo.png``, so that no download opens in another program than its
content's."""

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse

from . import filecrypt
from .text import clean_text

# Raised when a stored file fails its check (changed or cut short on disk).
UnreadableFile = filecrypt.FileUnreadable

# What the first bytes of an accepted file must be. The name and the browser's content type
# are not trusted.
FILE_TYPES = {
    "application/pdf": (b"%PDF-", ".pdf", "PDF"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg", "JPEG"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png", "PNG"),
}
UPLOAD_DIR = "subject-uploads"
_CHUNK = 64 * 1024


def max_bytes() -> int:
    return settings.DSAR_UPLOAD_MAX_MB * 1024 * 1024


# Room for the message (4,000 characters of up to 4 bytes), the CSRF token and the multipart
# framing around the files.
_FORM_OVERHEAD = 1024 * 1024


def max_request_bytes() -> int:
    """The largest request body the app accepts: a full upload form (the most files of the
    largest size, and a message). No other form or API call comes near it."""
    return settings.DSAR_UPLOAD_MAX_FILES * max_bytes() + _FORM_OVERHEAD


def sniff(uploaded) -> str | None:
    """The content type of an uploaded file by its first bytes, or None if not accepted."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for content_type, (magic, _ext, _label) in FILE_TYPES.items():
        if head.startswith(magic):
            return content_type
    return None


def display_name(name: str) -> str:
    """The file name as the subject called it, safe to show and to offer as a download name:
    no folders, no control characters, at most 200 characters (the extension kept)."""
    name = clean_text(str(name or "")).replace("/", "\\").rsplit("\\", 1)[-1].strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "document"


def safe_name(name: str, content_type: str) -> str:
    """The name an accepted upload is stored, listed and downloaded under: the subject's name
    for it (``display_name``) without its last extension, then the extension of
    ``content_type``, the type found in its content. The name the subject gave is kept no
    further than this."""
    ext = FILE_TYPES[content_type][1]
    name = display_name(name)
    stem = name.rpartition(".")[0] if "." in name else name
    if stem.lower().endswith(ext) or (ext == ".jpg" and stem.lower().endswith(".jpeg")):
        stem = stem.rpartition(".")[0]  # "invoice.pdf.hta" is "invoice.pdf", not "….pdf.pdf"
    stem = stem.strip(" .") or "document"
    return stem[: 200 - len(ext)] + ext


@dataclass(frozen=True)
class StoredFile:
    storage_path: str
    size: int
    sha256: str


def root() -> Path:
    return Path(settings.PRIVATE_FILES_ROOT)


def absolute_path(storage_path: str) -> Path:
    path = (root() / storage_path).resolve()
    if root().resolve() not in path.parents:
        raise ValueError("storage path outside PRIVATE_FILES_ROOT")
    return path


def store(uploaded, *, case_id: int, content_type: str) -> StoredFile:
    """Write the file, encrypted (``cases.filecrypt``), under a random name; it appears under
    its final name only complete and flushed to disk. Size and SHA-256 are of the content."""
    ext = FILE_TYPES[content_type][1]
    relative = f"{UPLOAD_DIR}/{case_id}/{secrets.token_hex(16)}{ext}"
    uploaded.seek(0)
    written = filecrypt.write(root() / relative, uploaded.chunks(_CHUNK), mode=0o640)
    return StoredFile(storage_path=relative, size=written.size, sha256=written.sha256)


def open_file(storage_path: str) -> filecrypt.DecryptingReader:
    """The content of a stored file, decrypted a chunk at a time as it is read. Raises
    FileNotFoundError, or ``UnreadableFile`` for a file changed or cut short on disk."""
    return filecrypt.open_decrypted(absolute_path(storage_path))


def delete(storage_path: str) -> None:
    absolute_path(storage_path).unlink(missing_ok=True)


class SizeLimitUploadHandler(FileUploadHandler):
    """Drops any file larger than the limit while it arrives, so that an oversized upload
    never fills the disk; the names of dropped files are kept to tell the subject."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large: list[str] = []
        self._received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large.append(display_name(self.file_name))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def file_response(subject_file) -> FileResponse:
    """The stored file of a ``SubjectFile``, decrypted as it streams, as a download (never
    shown in the browser) of its content's type, under a name with that type's extension
    (also for rows stored before names were made safe)."""
    response = FileResponse(
        open_file(subject_file.storage_path),
        as_attachment=True,
        filename=safe_name(subject_file.original_name, subject_file.content_type),
        content_type=subject_file.content_type,
    )
    response.block_size = filecrypt.CHUNK
    response["Cache-Control"] = "no-store, private"
    return response
