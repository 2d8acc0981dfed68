"""E-mails planned when a case changes, through ``cases.services.on_case_event``.

Each hook runs inside the service's transaction and only writes outbox rows; delivery is
enqueued after commit. Registered in ``NotificationsConfig.ready()``.
"""

from django.conf import settings

from cases.models import EventKind, PauseReason, Status
from cases.services import local_date, on_case_event

from .models import Kind
from .services import email_plan, plan_extension_untold_reminder


def _to_subject(case, event, kind: str, key: str, context: dict | None = None):
    if not case.subject_email:
        return None  # told by post or phone; the officer sees it on the case page
    return email_plan(
        kind=kind,
        to=case.subject_email,
        language=case.subject_language or settings.LANGUAGE_CODE,
        case=case,
        context={"reference": case.reference, **(context or {})},
        dedupe_key=key,
        planned_at=event.at,
    )


def _receipt(case, event) -> None:
    _to_subject(
        case,
        event,
        Kind.RECEIPT,
        f"{Kind.RECEIPT}:{case.pk}",
        {"received_on": case.received_on.isoformat(), "due_date": case.due_date.isoformat()},
    )


def on_created(*, case, event) -> None:
    # A web request is not received until its address is confirmed (on_confirmed).
    if case.status != Status.UNCONFIRMED:
        _receipt(case, event)


def on_confirmed(*, case, event) -> None:
    _receipt(case, event)
    if not settings.DSAR_PRIVACY_TEAM_EMAIL:
        return  # nobody to tell; the request is in the queue
    email_plan(
        kind=Kind.NEW_REQUEST,
        to=settings.DSAR_PRIVACY_TEAM_EMAIL,
        language=settings.LANGUAGE_CODE,
        case=case,
        context={"reference": case.reference, "due_date": case.due_date.isoformat()},
        dedupe_key=f"{Kind.NEW_REQUEST}:{case.pk}",
        planned_at=event.at,
    )


def on_paused(*, case, event) -> None:
    reason = event.changes.get("reason")
    kind = Kind.IDENTITY_REQUEST if reason == PauseReason.IDENTITY else Kind.CLARIFICATION_REQUEST
    _to_subject(case, event, kind, f"{kind}:{case.pk}:{event.pk}", {"note": event.message})


def on_extended(*, case, event) -> None:
    _to_subject(
        case,
        event,
        Kind.EXTENSION_NOTICE,
        f"{Kind.EXTENSION_NOTICE}:{case.pk}",
        {
            "reason": case.extension_reason,
            "due_date": case.due_date.isoformat(),
            "extended_due_date": case.extended_due_date.isoformat(),
        },
    )
    # Until the notice is recorded (by the e-mail above once delivered, or by an officer
    # after a letter), the officer is reminded every working day from tomorrow.
    plan_extension_untold_reminder(case, after=local_date(event.at))


def on_closed(*, case, event) -> None:
    _to_subject(
        case,
        event,
        Kind.CLOSURE_NOTICE,
        f"{Kind.CLOSURE_NOTICE}:{case.pk}",
        {"outcome": case.outcome, "reason": case.outcome_reason},
    )


def register() -> None:
    on_case_event(EventKind.CREATED, on_created)
    on_case_event(EventKind.CONFIRMED, on_confirmed)
    on_case_event(EventKind.PAUSED, on_paused)
    on_case_event(EventKind.EXTENDED, on_extended)
    on_case_event(EventKind.CLOSED, on_closed)
    on_case_event(EventKind.WITHDRAWN, on_closed)
