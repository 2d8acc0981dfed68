"""The data subject's download of a sent letter, from the status page."""

import hashlib
import logging

from django.db import transaction
from django.http import FileResponse
from django.views.decorators.http import require_http_methods

from cases.audit import Actor, record_event
from cases.models import EventKind
from cases.public import tokens
from cases.public.views import _bad_link, private_page

from .models import Letter

logger = logging.getLogger(__name__)


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


@require_http_methods(["GET", "HEAD"])
@private_page
def status_letter(request, token, letter_id):
    """A sent letter, for the holder of the case's status link (the same friendly page and
    per-IP limit as the status page for a link that leads nowhere)."""
    case = tokens.case_from_status_token(token)
    if case is None:
        return _bad_link(request, "invalid")
    letter = Letter.objects.filter(pk=letter_id, case=case, sent_at__isnull=False).first()
    if letter is None:
        return _bad_link(request, "invalid")
    try:
        if not file_matches(letter):
            logger.error("Case %s: letter %s does not match its SHA-256", case.reference, letter.pk)
            return _bad_link(request, "gone")
        response = letter_file_response(letter, as_attachment=True)
    except FileNotFoundError:
        logger.error("Case %s: letter %s file is missing", case.reference, letter.pk)
        return _bad_link(request, "gone")
    if request.method == "GET":
        _record_first_download(letter)
    return response


def _record_first_download(letter: Letter) -> None:
    """The first download by the subject goes on the timeline: proof the letter arrived."""
    with transaction.atomic():
        seen = letter.case.events.filter(
            kind=EventKind.LETTER, changes__letter=letter.pk, changes__action="downloaded"
        ).exists()
        if not seen:
            record_event(
                letter.case,
                Actor.subject(),
                EventKind.LETTER,
                changes={"letter": letter.pk, "action": "downloaded"},
                message=f"{letter.get_letter_type_display()}, v{letter.version}",
            )
