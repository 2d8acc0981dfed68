"""The archived PDF files of letters: checked against their SHA-256 and served."""

import hashlib

from django.http import FileResponse

from .models import Letter


def file_matches(letter: Letter) -> bool:
    """Whether the archived file is still the one generated (its SHA-256)."""
    digest = hashlib.sha256()
    with open(letter.absolute_path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest() == letter.sha256


def letter_file_response(letter: Letter, *, as_attachment: bool) -> FileResponse:
    response = FileResponse(
        open(letter.absolute_path, "rb"),  # noqa: SIM115 (FileResponse closes it)
        as_attachment=as_attachment,
        filename=letter.filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
