"""Every write concerning letters: generating (a new archived version), sending by e-mail
through the outbox, recording a letter sent by post.

Rendering a PDF takes time and must never hold a transaction open, so
:func:`letter_generate` renders first and only then, in one short transaction, numbers the
version, stores the row and writes the audit event. The file is written just before that
transaction under a name of its own (never overwritten) and removed again if the transaction
fails.
"""

import datetime
import hashlib
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import filecrypt
from cases.audit import Actor, record_event
from cases.clock import local_date
from cases.models import Case, EventKind, Status
from cases.services import CaseActionError, case_record_extension_notice
from notifications.planning import closure_notice_key, email_plan, exists, send_task

from . import catalogue
from .models import Letter, LetterRequest, LetterRequestState, LetterType, OrganisationProfile

logger = logging.getLogger(__name__)

GENERATE_LETTER = "letters.generate_letter"  # the Celery task of letters.tasks, by name
# A pending letter request whose message was handed to the broker this long ago is handed
# out again by the sweep (the message was lost, e.g. Redis was down, or the worker died).
REQUEUE_AFTER = datetime.timedelta(minutes=10)
# Letter requests per sweep at most; the rest wait for the next one.
SWEEP_BATCH = 500
PDF_MIMETYPE = "application/pdf"
EMAIL_KIND = "letter"
CLOSURE_KIND = "closure_notice"


class LetterError(CaseActionError):
    """A letter that cannot be made or sent now; the message is for the officer.
    ``field_errors`` holds the problems per filled-in part, when that is what is wrong."""

    def __init__(self, message, *, code="invalid", field_errors=None):
        super().__init__(message, code=code)
        self.field_errors = field_errors or {}


def _spec(letter_type: str) -> catalogue.LetterSpec:
    spec = catalogue.get(letter_type)
    if spec is None:
        raise LetterError(_("There is no letter of this kind."), code="unknown_letter")
    return spec


def _language(language: str) -> str:
    if language not in catalogue.LANGUAGES:
        raise LetterError(_("Letters are written in Dutch or English."), code="unknown_language")
    return language


def _case(case_id: int, *, lock: bool = False) -> Case:
    cases = Case.objects.select_for_update() if lock else Case.objects
    try:
        return cases.get(pk=case_id)
    except Case.DoesNotExist:
        raise LetterError(_("This request does not exist."), code="not_found") from None


def letter_prepare(*, case: Case, letter_type: str, language: str, fields: dict | None):
    """Check that this letter can be made for this case and complete the officer's fields
    with the pre-filled texts. Returns (spec, profile, fields); raises LetterError."""
    spec = _spec(letter_type)
    language = _language(language)
    if case.status == Status.UNCONFIRMED:
        raise LetterError(
            _("This web request is not confirmed yet: there is nobody to write to."),
            code="unconfirmed",
        )
    why = spec.why_unavailable(case)
    if why:
        raise LetterError(str(why), code="unavailable")
    profile = OrganisationProfile.load()
    cleaned, errors = catalogue.clean_fields(spec, case, profile, language, fields)
    if errors:
        raise LetterError(
            _("Some parts of the letter need attention."),
            code="invalid_fields",
            field_errors={k: str(v) for k, v in errors.items()},
        )
    return spec, profile, cleaned


def letter_preview_html(*, case_id: int, letter_type: str, language: str, fields: dict) -> str:
    """The letter as HTML for the officer's preview (nothing is stored)."""
    from . import rendering

    case = _case(case_id)
    spec, profile, cleaned = letter_prepare(
        case=case, letter_type=letter_type, language=language, fields=fields
    )
    return rendering.render_html(
        spec,
        case=case,
        profile=profile,
        language=language,
        fields=cleaned,
        letter_date=local_date(timezone.now()),
        for_browser=True,
    )


def _relative_path(case: Case, letter_type: str, language: str, now, digest: str) -> str:
    # No personal data in the path: the reference, the letter, the time and the hash.
    return (
        f"letters/{case.reference_year}/{case.reference}/"
        f"{letter_type}-{language}-{now:%Y%m%dT%H%M%S%f}-{digest[:12]}.pdf"
    )


def _write_new_file(relative: str, content: bytes) -> Path:
    """The PDF encrypted at rest (``cases.filecrypt``), whole or not at all, read-only; never
    over an archived letter, whatever happens (FileExistsError). The letter's SHA-256 is of
    the PDF as generated, not of the bytes on disk."""
    path = Path(settings.PRIVATE_FILES_ROOT) / relative
    filecrypt.write_bytes(path, content, mode=0o440)
    return path


def letter_generate(
    *,
    case_id: int,
    letter_type: str,
    language: str,
    fields: dict | None,
    actor: Actor,
    now: datetime.datetime | None = None,
    idempotency_key: str | None = None,
) -> Letter:
    """Render a letter, archive the PDF and record it on the case's timeline.

    A letter generated again for the same case and type gets the next version number;
    nothing is overwritten. ``fields`` are the officer's free-text parts; those left out get
    their pre-filled text. With ``idempotency_key`` (batch rendering) a second call with the
    same key returns the letter the first one made.
    """
    from . import rendering

    if idempotency_key:
        existing = Letter.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing
    now = now or timezone.now()
    case = _case(case_id)
    spec, profile, cleaned = letter_prepare(
        case=case, letter_type=letter_type, language=language, fields=fields
    )

    # Outside any transaction: the slow part.
    try:
        rendered = rendering.render_letter(
            spec,
            case=case,
            profile=profile,
            language=language,
            fields=cleaned,
            letter_date=local_date(now),
        )
    except rendering.LetterRenderError as exc:
        logger.error("letter %s for %s not rendered: %s", letter_type, case.reference, exc)
        raise LetterError(
            _("The letter could not be rendered; the error is in the server's log."),
            code="render_failed",
        ) from exc
    digest = hashlib.sha256(rendered.pdf).hexdigest()
    relative = _relative_path(case, letter_type, language, now, digest)
    path = _write_new_file(relative, rendered.pdf)

    try:
        with transaction.atomic():
            case = _case(case_id, lock=True)  # serialises version numbers per case
            last = Letter.objects.filter(case=case, letter_type=letter_type).aggregate(
                last=Max("version")
            )["last"]
            letter = Letter(
                case=case,
                letter_type=letter_type,
                language=language,
                version=(last or 0) + 1,
                template_name=rendered.template_name,
                template_version=rendered.template_version,
                fields=cleaned,
                file_path=relative,
                sha256=digest,
                size=len(rendered.pdf),
                generated_by=actor.user,
                generated_by_label=actor.label,
                generated_at=now,
                idempotency_key=idempotency_key,
            )
            letter.save()
            record_event(
                case,
                actor,
                EventKind.LETTER,
                at=now,
                changes={
                    "letter": letter.pk,
                    "action": "generated",
                    "type": letter_type,
                    "version": letter.version,
                    "language": language,
                    "sha256": digest,
                },
            )
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, IntegrityError) and idempotency_key:
            existing = Letter.objects.filter(idempotency_key=idempotency_key).first()
            if existing:  # the same batch task ran twice at once; the other one won
                return existing
        raise
    logger.info("letter %s v%s for %s generated", letter_type, letter.version, case.reference)
    return letter


def _lock_letter(letter_id: int) -> tuple[Letter, Case]:
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None:
        raise LetterError(_("This letter does not exist."), code="not_found")
    case = _case(letter.case_id, lock=True)
    letter = Letter.objects.get(pk=letter_id)  # re-read under the case's lock
    if letter.sent_at:
        raise LetterError(
            _("This letter was already sent on %(date)s. Generate a new version to send it again.")
            % {"date": timezone.localtime(letter.sent_at).strftime("%Y-%m-%d %H:%M")},
            code="already_sent",
        )
    return letter, case


def _after_sent(letter: Letter, case: Case, on: datetime.date) -> None:
    if letter.letter_type == LetterType.EXTENSION_NOTICE and case.is_extended:
        case_record_extension_notice(case_id=case.pk, actor=Actor.system(), notified_on=on)


def attachment_for(letter: Letter) -> dict:
    return {
        "storage_path": letter.file_path,
        "filename": letter.filename,
        "mimetype": PDF_MIMETYPE,
    }


def _title(letter: Letter) -> str:
    with translation.override(letter.language):
        return str(letter.get_letter_type_display())


@transaction.atomic
def letter_send(*, letter_id: int, actor: Actor, now=None) -> Letter:
    """E-mail the letter to the data subject, the PDF attached, through the outbox; mark it
    sent. The e-mail goes out after commit; the timeline shows both."""
    now = now or timezone.now()
    letter, case = _lock_letter(letter_id)
    if letter.letter_type == LetterType.RECIPIENT_NOTIFICATION:
        raise LetterError(
            _(
                "This letter is for a recipient of the data, not for the data subject: send "
                "it to the recipient yourself, then record the notice (Art 19) on the case."
            ),
            code="not_for_subject",
        )
    if not case.subject_email:
        raise LetterError(
            _(
                "The data subject has no e-mail address. Print the letter, post it and record "
                "it as sent by post."
            ),
            code="no_email",
        )
    email = email_plan(
        kind=EMAIL_KIND,
        to=case.subject_email,
        language=letter.language,
        case=case,
        context={
            "reference": case.reference,
            "letter_title": _title(letter),
            "letter_date": local_date(letter.generated_at).isoformat(),
            "letter_type": letter.letter_type,
        },
        dedupe_key=f"{EMAIL_KIND}:{letter.pk}",
        attachments=[attachment_for(letter)],
    )
    if email is None:
        raise LetterError(_("This letter is already on its way."), code="already_sent")
    Letter.objects.filter(pk=letter.pk).mark_sent(now)
    record_event(
        case,
        actor,
        EventKind.LETTER,
        at=now,
        changes={
            "letter": letter.pk,
            "action": "sent",
            "type": letter.letter_type,
            "version": letter.version,
            "channel": "email",
            "email": email.pk,
        },
    )
    _after_sent(letter, case, local_date(now))
    letter.refresh_from_db()
    return letter


@transaction.atomic
def letter_record_posted(
    *, letter_id: int, actor: Actor, posted_on: datetime.date | None = None, now=None
) -> Letter:
    """Record that the officer printed the letter and posted it on ``posted_on``."""
    now = now or timezone.now()
    today = local_date(now)
    posted_on = posted_on or today
    if posted_on > today:
        raise LetterError(_("The date of posting cannot be in the future."), code="invalid")
    letter, case = _lock_letter(letter_id)
    Letter.objects.filter(pk=letter.pk).mark_sent(now)
    record_event(
        case,
        actor,
        EventKind.LETTER,
        at=now,
        changes={
            "letter": letter.pk,
            "action": "sent",
            "type": letter.letter_type,
            "version": letter.version,
            "channel": "post",
            "posted_on": posted_on.isoformat(),
        },
    )
    _after_sent(letter, case, posted_on)
    letter.refresh_from_db()
    return letter


def closure_attachments(case: Case) -> list[dict]:
    """What the ``closure_notice`` e-mail carries: the latest reply letter that was generated
    but not sent yet, preferably in the e-mail's language, marked sent. Called by
    ``casework.actions.close`` inside the closing transaction, so marking the letter sent
    commits with the e-mail that carries it."""
    if case.status != Status.CLOSED:
        return []
    # A closure notice that exists already will not be written again, so nothing may be
    # attached (or marked sent) now.
    if exists(closure_notice_key(case)):
        return []
    unsent = Letter.objects.filter(
        case=case, letter_type__in=catalogue.REPLY_TYPES, sent_at__isnull=True
    ).order_by("-generated_at", "-id")
    letter = unsent.filter(language=case.subject_language).first() or unsent.first()
    if letter is None:
        return []
    now = timezone.now()
    if not Letter.objects.filter(pk=letter.pk).mark_sent(now):
        return []
    record_event(
        case,
        Actor.system(),
        EventKind.LETTER,
        at=now,
        changes={
            "letter": letter.pk,
            "action": "sent",
            "type": letter.letter_type,
            "version": letter.version,
            "channel": "email",
            "with": CLOSURE_KIND,
        },
    )
    return [attachment_for(letter)]


def letter_record_download(*, letter_id: int, now=None) -> None:
    """The subject downloaded a sent letter from the status page. The first download goes on
    the timeline: proof the letter arrived."""
    with transaction.atomic():
        letter = Letter.objects.select_related("case").get(pk=letter_id)
        seen = letter.case.events.filter(
            kind=EventKind.LETTER, changes__letter=letter.pk, changes__action="downloaded"
        ).exists()
        if not seen:
            record_event(
                letter.case,
                Actor.subject(),
                EventKind.LETTER,
                at=now,
                changes={
                    "letter": letter.pk,
                    "action": "downloaded",
                    "type": letter.letter_type,
                    "version": letter.version,
                },
            )


# --- Letters generated in the background (the case list's batch action) ----------------------


def letter_request_generation(
    *, case_id: int, letter_type: str, language: str, actor: Actor, now=None
) -> LetterRequest:
    """Ask for a letter to be generated in the background: a durable row first, its Celery
    message after commit. A broker that is down loses nothing: the sweep
    (:func:`letter_requests_requeue`) finds the pending row again."""
    now = now or timezone.now()
    request = LetterRequest.objects.create(
        case_id=case_id,
        letter_type=letter_type,
        language=language,
        requested_by=actor.user,
        requested_at=now,
        idempotency_key=uuid.uuid4().hex,
        enqueued_at=now,
    )
    transaction.on_commit(lambda: _enqueue_generation(request.pk))
    return request


def _enqueue_generation(request_id: int) -> bool:
    try:
        send_task(GENERATE_LETTER, (), kwargs={"request_id": request_id})
    except Exception as exc:  # noqa: BLE001 - any broker failure; the row keeps the work
        logger.warning(
            "letter request %s: could not enqueue (%s); the sweep will retry",
            request_id,
            type(exc).__name__,
        )
        LetterRequest.objects.filter(pk=request_id, state=LetterRequestState.PENDING).update(
            enqueued_at=None
        )
        return False
    return True


def letter_request_fulfil(*, request_id: int) -> Letter | None:
    """Generate the letter of a pending request, once: a second call (a message delivered
    twice, a sweep's copy) returns the letter the first made, through its idempotency key."""
    request = LetterRequest.objects.select_related("requested_by").filter(pk=request_id).first()
    if request is None or request.state == LetterRequestState.FAILED:
        return None
    if request.state == LetterRequestState.DONE:
        return request.letter
    user = request.requested_by
    try:
        letter = letter_generate(
            case_id=request.case_id,
            letter_type=request.letter_type,
            language=request.language,
            fields={},
            actor=Actor.staff(user) if user else Actor.system(),
            idempotency_key=request.idempotency_key,
        )
    except LetterError as exc:
        # Not worth retrying: the case changed since the officer asked (e.g. it was closed).
        LetterRequest.objects.filter(pk=request.pk, state=LetterRequestState.PENDING).update(
            state=LetterRequestState.FAILED, error_code=exc.code
        )
        logger.warning(
            "letter request %s (%s, case %s) not generated (%s)",
            request.pk,
            request.letter_type,
            request.case_id,
            exc.code,
        )
        return None
    LetterRequest.objects.filter(pk=request.pk).update(state=LetterRequestState.DONE, letter=letter)
    return letter


def letter_requests_requeue(*, now=None) -> list[int]:
    """Hand every pending letter request whose message seems lost (never enqueued, or
    enqueued more than ``REQUEUE_AFTER`` ago) to Celery again; stops at the first broker
    failure, leaving the rest for the next sweep. Returns the ids enqueued."""
    now = now or timezone.now()
    ids = list(
        LetterRequest.objects.filter(
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=now - REQUEUE_AFTER),
            state=LetterRequestState.PENDING,
        )
        .order_by("requested_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    LetterRequest.objects.filter(pk__in=ids).update(enqueued_at=now)
    for n, request_id in enumerate(ids):
        if not _enqueue_generation(request_id):
            LetterRequest.objects.filter(pk__in=ids[n + 1 :]).update(enqueued_at=None)
            return ids[:n]
    return ids
