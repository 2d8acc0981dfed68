"""Celery tasks: batch rendering of letters in the worker. Thin: ids in, a service call.

Each letter to generate is a ``LetterRequest`` row first (``letters.services``); the message
carries its id, and the letter's idempotency key, stored with a unique constraint, makes a
message delivered twice (late acknowledgement after a worker died) make one letter. The
sweep hands out again the requests whose message was lost. A database that is unreachable
retries the task with backoff.
"""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from cases.audit import Actor
from notifications.tasks import DATABASE_RETRY

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="letters.generate_letter",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=20,  # then the request stays pending and the sweep hands it out again
    **DATABASE_RETRY,
)
def generate_letter(*, request_id: int | None = None, **earlier) -> int | None:
    """Generate the letter of one request, on behalf of the officer who asked.

    ``earlier``: the arguments of messages queued before letter requests were rows
    (``case_id``, ``letter_type``, ``language``, ``idempotency_key``, ``user_id``)."""
    if request_id is None:
        return _generate_without_request(**earlier)
    letter = services.letter_request_fulfil(request_id=request_id)
    return letter.pk if letter else None


def _generate_without_request(
    *, case_id: int, letter_type: str, language: str, idempotency_key: str, user_id=None
) -> int | None:
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        letter = services.letter_generate(
            case_id=case_id,
            letter_type=letter_type,
            language=language,
            fields={},
            actor=Actor.staff(user) if user else Actor.system(),
            idempotency_key=idempotency_key,
        )
    except services.LetterError as exc:
        logger.warning("letter %s for case %s not generated (%s)", letter_type, case_id, exc.code)
        return None
    return letter.pk


@shared_task(name="letters.sweep", ignore_result=True, max_retries=3, **DATABASE_RETRY)
def sweep() -> dict:
    """Hand the letter requests whose message seems lost to Celery again (Celery beat)."""
    return {"enqueued": len(services.letter_requests_requeue())}
