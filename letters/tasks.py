"""Celery tasks: batch rendering of letters in the worker. Thin: ids in, a service call.

Each message carries an idempotency key, stored on the letter with a unique constraint, so
a message delivered twice (late acknowledgement after a worker died) makes one letter.
"""

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from cases.audit import Actor

from . import services

logger = logging.getLogger(__name__)


@shared_task(
    name="letters.generate_letter",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def generate_letter(
    *,
    case_id: int,
    letter_type: str,
    language: str,
    idempotency_key: str,
    user_id: int | None = None,
) -> int | None:
    """Generate one letter with its pre-filled texts, on behalf of the officer who asked."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    actor = Actor.staff(user) if user else Actor.system()
    try:
        letter = services.letter_generate(
            case_id=case_id,
            letter_type=letter_type,
            language=language,
            fields={},
            actor=actor,
            idempotency_key=idempotency_key,
        )
    except services.LetterError as exc:
        # Not worth retrying: the case changed since the officer asked (e.g. it was closed).
        logger.warning("letter %s for case %s not generated (%s)", letter_type, case_id, exc.code)
        return None
    return letter.pk
