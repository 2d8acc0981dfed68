"""The archived PDF files of letters, encrypted at rest (``cases.filecrypt``): checked against
their SHA-256 (of the PDF as generated, so of the decrypted content) and served decrypted as
they stream."""

import logging

from django.http import FileResponse

from cases import filecrypt

from .models import Letter

logger = logging.getLogger(__name__)


def file_matches(letter: Letter) -> bool:
    """Whether the archived file is still the one generated (its SHA-256). False too for a
    file that fails decryption (changed or cut short on disk); FileNotFoundError if gone."""
    try:
        return filecrypt.sha256_of(letter.absolute_path) == letter.sha256
    except filecrypt.FileUnreadable:
        logger.error("letter %s: the archived file fails its check", letter.pk)
        return False


def open_letter(letter: Letter) -> filecrypt.DecryptingReader:
    """The PDF of an archived letter, decrypted a chunk at a time as it is read."""
    return filecrypt.open_decrypted(letter.absolute_path)


def letter_file_response(letter: Letter, *, as_attachment: bool) -> FileResponse:
    response = FileResponse(
        open_letter(letter),
        as_attachment=as_attachment,
        filename=letter.filename,
        content_type="application/pdf",
    )
    response.block_size = filecrypt.CHUNK
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
