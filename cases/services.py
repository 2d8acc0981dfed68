"""Every change to a case goes through one of these functions.

Each one runs in a transaction, locks the case row, checks the state machine
(``cases.states``), writes the change and its audit event together, and raises
:class:`CaseActionError` for anything the law or the state machine does not allow.
Admin actions, forms, API views and tasks all call these; none edits a case directly.
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import deadlines
from .audit import Actor, record_event
from .clock import local_date, tz
from .models import (
    AuthorityProof,
    Case,
    CasePause,
    EventKind,
    IdentityMethod,
    NoticeMeans,
    Outcome,
    PauseReason,
    RecipientNotice,
    ReferenceCounter,
    RequestType,
    Status,
)
from .states import TRANSITIONS


class CaseActionError(Exception):
    """An action that is not allowed on this case now. The message is for the user."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _lock(case_id: int) -> Case:
    try:
        return Case.objects.select_for_update().get(pk=case_id)
    except Case.DoesNotExist:
        raise CaseActionError(_("This request does not exist."), code="not_found") from None


def _require(case: Case, action: str) -> None:
    transition = TRANSITIONS[action]
    if case.status not in transition.sources:
        raise CaseActionError(
            _("Cannot %(action)s request %(reference)s: it is %(status)s.")
            % {
                "action": _ACTION_LABELS[action],
                "reference": str(case),  # an unconfirmed web request has no number yet
                "status": case.get_status_display().lower(),
            },
            code="illegal_transition",
        )


_ACTION_LABELS = {
    "confirm": gettext_lazy("confirm"),
    "start_identity_check": gettext_lazy("start the identity check of"),
    "verify_identity": gettext_lazy("verify the identity for"),
    "pause": gettext_lazy("pause"),
    "resume": gettext_lazy("resume"),
    "assign": gettext_lazy("assign"),
    "extend": gettext_lazy("extend"),
    "close": gettext_lazy("close"),
    "withdraw": gettext_lazy("withdraw"),
}


def _set_status(case: Case, actor: Actor, to_status: str, now) -> None:
    from_status = case.status
    case.status = to_status
    record_event(
        case,
        actor,
        EventKind.TRANSITION,
        at=now,
        from_status=from_status,
        to_status=to_status,
    )


def _next_reference(year: int) -> tuple[int, str]:
    """The next number for ``year``, unique and gap-free under concurrent creation: one
    upsert increments the counter row and keeps it locked until the surrounding transaction
    commits (PostgreSQL and SQLite >= 3.35 both speak INSERT ... ON CONFLICT ... RETURNING)."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return number, format_reference(year, number)


def format_reference(year: int, number: int) -> str:
    return f"DSAR-{year}-{number:05d}"


def _apply_deadlines(case: Case) -> None:
    case.received_on = local_date(case.received_at)
    case.due_date = deadlines.due_date(case.received_on, case.deadline_rule)
    if case.extended_due_date is not None:
        case.extended_due_date = deadlines.extended_due_date(case.received_on, case.deadline_rule)
    case.effective_due_date = case.extended_due_date or case.due_date


# The GDPR applies from 25 May 2018; an earlier date of receipt is a typing error.
EARLIEST_RECEIPT = datetime.date(2018, 5, 25)
# How far ahead of the server's clock a date of receipt may lie: the clock of the device it
# was typed on may run a little ahead.
RECEIPT_CLOCK_TOLERANCE = datetime.timedelta(minutes=5)


def validate_received_at(received_at: datetime.datetime, now: datetime.datetime | None = None):
    """The one rule for a date of receipt, used by the services and by every form and
    serializer that takes one: not in the future, not before the GDPR applied."""
    now = now or timezone.now()
    if received_at > now + RECEIPT_CLOCK_TOLERANCE:
        raise CaseActionError(_("The date of receipt cannot be in the future."), code="invalid")
    if local_date(received_at) < EARLIEST_RECEIPT:
        raise CaseActionError(
            _("The date of receipt cannot be before 25 May 2018, when the GDPR took effect."),
            code="invalid",
        )


CREATE_FIELDS = (
    "request_type",
    "channel",
    "subject_name",
    "subject_email",
    "subject_phone",
    "subject_address",
    "subject_language",
    "description",
    "objection_direct_marketing",
    "representative_name",
    "representative_details",
)
# What an officer may correct after registration. Status, deadlines, assignment, identity
# and outcome change only through their own actions.
UPDATABLE_FIELDS = (*CREATE_FIELDS, "received_at")


def case_create(
    *,
    actor: Actor,
    received_at: datetime.datetime,
    unconfirmed: bool = False,
    rule: str | None = None,
    now: datetime.datetime | None = None,
    **fields,
) -> Case:
    """Register a request. ``unconfirmed`` is for web requests whose e-mail address is not
    confirmed yet: they stay out of the officers' queue, and get their reference number,
    only at :func:`case_confirm`."""
    unknown = set(fields) - set(CREATE_FIELDS)
    if unknown:
        raise TypeError(f"case_create() got unexpected fields: {sorted(unknown)}")
    now = now or timezone.now()
    if timezone.is_naive(received_at):
        raise ValueError("received_at must be timezone-aware")
    validate_received_at(received_at, now)
    case = Case(
        received_at=received_at,
        deadline_rule=deadlines.validate_rule(rule or settings.DSAR_DEADLINE_RULE),
        status=Status.UNCONFIRMED if unconfirmed else Status.NEW,
        **fields,
    )
    _apply_deadlines(case)
    case.reference_year = case.received_on.year
    case.full_clean(
        exclude=["reference", "reference_number"], validate_unique=False, validate_constraints=False
    )
    # Every check is done: what follows fails only in the database, and then the caller's
    # transaction (the web form's, say) is lost with it anyway, so no savepoint when nested.
    with transaction.atomic(savepoint=False):
        if not unconfirmed:
            case.reference_number, case.reference = _next_reference(case.reference_year)
        case.save()
        record_event(
            case,
            actor,
            EventKind.CREATED,
            at=now,
            to_status=case.status,
            changes={"channel": case.channel},
        )
    return case


def _jsonable(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


@transaction.atomic
def case_update(*, case_id: int, actor: Actor, changes: dict, now=None) -> Case:
    """Correct the registered details of a request; records each field's before and after."""
    disallowed = set(changes) - set(UPDATABLE_FIELDS)
    if disallowed:
        raise CaseActionError(
            _("These fields cannot be edited directly: %(fields)s.")
            % {"fields": ", ".join(sorted(disallowed))},
            code="read_only",
        )
    now = now or timezone.now()
    case = _lock(case_id)
    if case.anonymised_at:
        raise CaseActionError(
            _("%(reference)s was anonymised: its personal data cannot be filled in again.")
            % {"reference": case.reference},
            code="read_only",
        )
    diff = {}
    for field, value in changes.items():
        before = getattr(case, field)
        if before != value:
            diff[field] = [_jsonable(before), _jsonable(value)]
            setattr(case, field, value)
    if not diff:
        return case
    if "received_at" in diff:
        if timezone.is_naive(case.received_at):
            raise ValueError("received_at must be timezone-aware")
        if not case.is_open and case.status != Status.UNCONFIRMED:
            raise CaseActionError(
                _("The date of receipt of a closed request cannot change."), code="read_only"
            )
        validate_received_at(case.received_at, now)
        before_due, before_extended = case.due_date, case.extended_due_date
        _apply_deadlines(case)
        if case.due_date != before_due:
            diff["due_date"] = [_jsonable(before_due), _jsonable(case.due_date)]
        if case.extended_due_date != before_extended:
            diff["extended_due_date"] = [
                _jsonable(before_extended),
                _jsonable(case.extended_due_date),
            ]
    if (
        ("objection_direct_marketing" in diff or "request_type" in diff)
        and case.is_direct_marketing_objection
        and case.outcome in OUTCOMES_REFUSING
    ):
        raise CaseActionError(DIRECT_MARKETING_MESSAGE, code="direct_marketing_objection")
    case.full_clean(validate_unique=False, validate_constraints=False)
    case.save()
    record_event(case, actor, EventKind.UPDATED, at=now, changes=diff)
    return case


@transaction.atomic
def case_confirm(*, case_id: int, actor: Actor, now=None) -> Case:
    """The subject confirmed the e-mail address: the request enters the officers' queue."""
    now = now or timezone.now()
    case = _lock(case_id)
    _require(case, "confirm")
    case.confirmed_at = now
    # Numbered now that it is a request (of the year it was received in); the counter row
    # stays locked until this transaction commits, as in case_create().
    case.reference_number, case.reference = _next_reference(case.reference_year)
    _set_status(case, actor, Status.NEW, now)
    case.save()
    record_event(
        case, actor, EventKind.CONFIRMED, at=now, changes={"reference": [None, case.reference]}
    )
    return case


@transaction.atomic
def case_assign(*, case_id: int, actor: Actor, assignee, now=None) -> Case:
    """Give the case to a staff user, or to nobody with ``assignee=None``."""
    now = now or timezone.now()
    case = _lock(case_id)
    _require(case, "assign")
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise CaseActionError(_("Requests can only be assigned to active staff users."))
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    before = case.assignee.get_username() if case.assignee else None
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    record_event(
        case,
        actor,
        EventKind.ASSIGNED,
        at=now,
        changes={"assignee": [before, assignee.get_username() if assignee else None]},
    )
    return case


@transaction.atomic
def case_start_identity_check(*, case_id: int, actor: Actor, now=None) -> Case:
    now = now or timezone.now()
    case = _lock(case_id)
    _require(case, "start_identity_check")
    _set_status(case, actor, Status.IDENTITY_CHECK, now)
    case.save()
    return case


def _end_open_pause(case: Case, now) -> CasePause | None:
    pause = case.pauses.filter(ended_at__isnull=True).first()
    if pause:
        pause.ended_at = now
        pause.save(update_fields=["ended_at"])
    return pause


@transaction.atomic
def case_verify_identity(
    *, case_id: int, actor: Actor, method: str, note: str = "", now=None
) -> Case:
    """Record how the subject's identity was established (Art 12(6)). A case waiting for
    identity documents resumes; a new case goes to work in progress."""
    now = now or timezone.now()
    if method not in IdentityMethod.values:
        raise CaseActionError(_("Choose how the identity was verified."))
    if method == IdentityMethod.OTHER and not note.strip():
        raise CaseActionError(_("Describe how the identity was verified."))
    if actor.user is None:
        raise CaseActionError(_("Only a staff user can verify an identity."))
    case = _lock(case_id)
    _require(case, "verify_identity")
    if case.identity_verified_at:
        raise CaseActionError(
            _("The identity for %(reference)s was already verified.")
            % {"reference": case.reference},
            code="already_done",
        )
    case.identity_verified_at = now
    case.identity_verified_by = actor.user
    case.identity_method = method
    case.identity_note = note.strip()
    if case.status == Status.WAITING:
        _end_open_pause(case, now)
    record_event(
        case,
        actor,
        EventKind.IDENTITY_VERIFIED,
        at=now,
        changes={"method": method},
        message=case.identity_note,
    )
    if case.status != Status.IN_PROGRESS:
        _set_status(case, actor, Status.IN_PROGRESS, now)
    case.save()
    return case


@transaction.atomic
def case_record_authority(
    *, case_id: int, actor: Actor, proof: str, note: str = "", now=None
) -> Case:
    """Record the proof that the representative may act for the subject (a signed
    machtiging, proof of parental authority, …), who saw it and when, before any data goes
    out (docs/legal.md, "Representatives")."""
    now = now or timezone.now()
    if proof not in AuthorityProof.values:
        raise CaseActionError(_("Choose what shows the representative's authority."))
    if proof == AuthorityProof.OTHER and not note.strip():
        raise CaseActionError(_("Describe what shows the representative's authority."))
    if actor.user is None:
        raise CaseActionError(_("Only a staff user can record a representative's authority."))
    case = _lock(case_id)
    if not case.is_open:
        raise CaseActionError(
            _("%(reference)s is closed.") % {"reference": case.reference},
            code="illegal_transition",
        )
    if not case.by_representative:
        raise CaseActionError(
            _("%(reference)s was not made by a representative.") % {"reference": case.reference},
            code="no_representative",
        )
    if case.representative_authority_at:
        raise CaseActionError(
            _("The representative's authority for %(reference)s was already recorded.")
            % {"reference": case.reference},
            code="already_done",
        )
    case.representative_authority = proof
    case.representative_authority_note = note.strip()
    case.representative_authority_at = now
    case.representative_authority_by = actor.user
    case.save()
    record_event(
        case,
        actor,
        EventKind.AUTHORITY_RECORDED,
        at=now,
        changes={"proof": proof},
        message=case.representative_authority_note,
    )
    return case


@transaction.atomic
def case_record_recipient_notice(
    *,
    case_id: int,
    actor: Actor,
    recipient: str,
    notified_on: datetime.date | None = None,
    means: str = "",
    not_notified_reason: str = "",
    now=None,
) -> RecipientNotice:
    """Art 19: record that ``recipient`` was told of the rectification, erasure or
    restriction on ``notified_on`` by ``means``, or, with ``not_notified_reason``, why that
    proved impossible or would take disproportionate effort. The letters say that recipients
    were informed only from these records."""
    now = now or timezone.now()
    recipient = recipient.strip()
    not_notified_reason = not_notified_reason.strip()
    if not recipient:
        raise CaseActionError(_("Name the recipient."))
    if actor.user is None:
        raise CaseActionError(_("Only a staff user can record a notice to a recipient."))
    if notified_on and not_notified_reason:
        raise CaseActionError(
            _("Either the date the recipient was told, or why they were not; not both.")
        )
    if notified_on:
        if means not in NoticeMeans.values:
            raise CaseActionError(_("Say how the recipient was told."))
        if notified_on > local_date(now):
            raise CaseActionError(_("This date is in the future."))
    elif not not_notified_reason:
        raise CaseActionError(
            _(
                "Give the date the recipient was told, or why telling them proved impossible "
                "or would take disproportionate effort (Art 19)."
            )
        )
    else:
        means = ""
    case = _lock(case_id)
    if case.request_type not in ART_19_REQUEST_TYPES:
        raise CaseActionError(
            _("Art 19 applies to rectification, erasure, restriction and objection."),
            code="not_applicable",
        )
    notice = RecipientNotice.objects.create(
        case=case,
        recipient=recipient,
        notified_on=notified_on,
        means=means,
        not_notified_reason=not_notified_reason,
        recorded_by=actor.user,
        recorded_by_label=actor.label,
        recorded_at=now,
    )
    changes = {"notice": notice.pk, "recipient": recipient}
    if notified_on:
        changes.update(notified_on=notified_on.isoformat(), means=means)
    record_event(
        case,
        actor,
        EventKind.RECIPIENT_NOTICE,
        at=now,
        changes=changes,
        message=not_notified_reason,
    )
    return notice


# The requests after which Art 19 applies (an objection through the erasure or restriction
# that follows from it).
ART_19_REQUEST_TYPES = (
    RequestType.RECTIFICATION,
    RequestType.ERASURE,
    RequestType.RESTRICTION,
    RequestType.OBJECTION,
)


REPRESENTATIVE_AUTHORITY_MESSAGE = gettext_lazy(
    "This request was made by a representative: record the proof of their authority (a signed "
    "authorisation, proof of parental authority) before any data goes out."
)


@transaction.atomic
def case_pause(*, case_id: int, actor: Actor, reason: str, note: str = "", now=None) -> Case:
    """Wait for the subject: identity documents or clarification (Art 12(6), EDPB §159).
    Recorded and shown; the due date does not move (docs/legal.md, the project's rule)."""
    now = now or timezone.now()
    if reason not in PauseReason.values:
        raise CaseActionError(_("Choose what the request is waiting for."), code="invalid")
    case = _lock(case_id)
    _require(case, "pause")
    pause = CasePause.objects.create(case=case, reason=reason, note=note.strip(), started_at=now)
    _set_status(case, actor, Status.WAITING, now)
    case.save()
    record_event(
        case,
        actor,
        EventKind.PAUSED,
        at=now,
        changes={"reason": reason},
        message=pause.note,
    )
    return case


@transaction.atomic
def case_resume(*, case_id: int, actor: Actor, note: str = "", now=None) -> Case:
    now = now or timezone.now()
    case = _lock(case_id)
    _require(case, "resume")
    _end_open_pause(case, now)
    target = Status.IN_PROGRESS if case.identity_verified_at else Status.IDENTITY_CHECK
    record_event(case, actor, EventKind.RESUMED, at=now, message=note.strip())
    _set_status(case, actor, target, now)
    case.save()
    return case


@transaction.atomic
def case_extend(*, case_id: int, actor: Actor, reason: str, now=None) -> Case:
    """Extend by two months (Art 12(3)): once, with reasons, before the due date passes.
    The subject must then be told before the original deadline."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise CaseActionError(
            _("An extension needs a reason: the subject must be told why (Art 12(3))."),
            code="reason_required",
        )
    case = _lock(case_id)
    _require(case, "extend")
    if case.is_extended:
        raise CaseActionError(
            _("%(reference)s was already extended to %(date)s; the law allows one extension.")
            % {"reference": case.reference, "date": case.extended_due_date.isoformat()},
            code="already_done",
        )
    today = local_date(now)
    if today > case.due_date:
        raise CaseActionError(
            _(
                "%(reference)s was due on %(date)s: an extension must be decided and "
                "announced before the deadline passes."
            )
            % {"reference": case.reference, "date": case.due_date.isoformat()},
            code="too_late",
        )
    case.extended_due_date = deadlines.extended_due_date(case.received_on, case.deadline_rule)
    case.extension_reason = reason
    case.extended_at = now
    case.effective_due_date = case.extended_due_date
    case.save()
    record_event(
        case,
        actor,
        EventKind.EXTENDED,
        at=now,
        changes={"due_date": [case.due_date.isoformat(), case.extended_due_date.isoformat()]},
        message=reason,
    )
    return case


@transaction.atomic
def case_record_extension_notice(
    *, case_id: int, actor: Actor, notified_on: datetime.date | None = None, now=None
) -> Case:
    """Record when the subject was told of the extension and its reasons (Art 12(3))."""
    now = now or timezone.now()
    case = _lock(case_id)
    if not case.is_extended:
        raise CaseActionError(
            _("%(reference)s is not extended.") % {"reference": case.reference},
            code="not_extended",
        )
    if case.extension_notified_at:
        return case
    notified_on = notified_on or local_date(now)
    if notified_on > local_date(now):
        raise CaseActionError(_("The date the subject was told cannot be in the future."))
    if notified_on < local_date(case.extended_at):
        raise CaseActionError(
            _("The subject cannot have been told before the extension was decided (%(date)s).")
            % {"date": local_date(case.extended_at).isoformat()}
        )
    notified_at = now
    if notified_on != local_date(now):
        notified_at = datetime.datetime.combine(notified_on, datetime.time(12), tzinfo=tz())
    case.extension_notified_at = notified_at
    case.save(update_fields=["extension_notified_at", "updated_at"])
    late = notified_on > case.due_date
    record_event(
        case,
        actor,
        EventKind.EXTENSION_NOTIFIED,
        at=now,
        changes={"notified_on": notified_on.isoformat(), "late": late},
    )
    return case


# Granting access to data requires knowing who asks; refusing does not.
_OUTCOMES_NEEDING_IDENTITY = (Outcome.GRANTED, Outcome.PARTLY_GRANTED)
_OUTCOMES_NEEDING_REASON = (Outcome.PARTLY_GRANTED, Outcome.REFUSED, Outcome.NOT_VALID)
# Outcomes that refuse the request, in whole or in part.
OUTCOMES_REFUSING = (Outcome.PARTLY_GRANTED, Outcome.REFUSED)
DIRECT_MARKETING_MESSAGE = gettext_lazy(
    "An objection to direct marketing cannot be refused, not even in part: processing for "
    "direct marketing must stop (GDPR Art 21(3)). Close it as granted."
)


@transaction.atomic
def case_close(*, case_id: int, actor: Actor, outcome: str, reason: str = "", now=None) -> Case:
    """Close with an outcome. A (partial) refusal needs its reasons, which the reply letter
    states together with the right to complain to the AP (Art 12(4))."""
    now = now or timezone.now()
    reason = reason.strip()
    if outcome not in Outcome.values or outcome == Outcome.WITHDRAWN:
        raise CaseActionError(_("Choose the outcome of the request."), code="outcome_required")
    if outcome in _OUTCOMES_NEEDING_REASON and not reason:
        raise CaseActionError(
            _("Give the reasons for this outcome: the subject must be told why (Art 12(4))."),
            code="reason_required",
        )
    case = _lock(case_id)
    _require(case, "close")
    if outcome in _OUTCOMES_NEEDING_IDENTITY and not case.identity_verified_at:
        raise CaseActionError(
            _("Verify the identity of the data subject before granting the request."),
            code="identity_required",
        )
    if outcome in _OUTCOMES_NEEDING_IDENTITY and case.awaits_representative_authority:
        raise CaseActionError(
            REPRESENTATIVE_AUTHORITY_MESSAGE, code="representative_authority_required"
        )
    if outcome in OUTCOMES_REFUSING and case.is_direct_marketing_objection:
        raise CaseActionError(DIRECT_MARKETING_MESSAGE, code="direct_marketing_objection")
    _end_open_pause(case, now)
    case.outcome = outcome
    case.outcome_reason = reason
    case.closed_at = now
    _set_status(case, actor, Status.CLOSED, now)
    case.save()
    record_event(
        case, actor, EventKind.CLOSED, at=now, changes={"outcome": outcome}, message=reason
    )
    return case


@transaction.atomic
def case_withdraw(*, case_id: int, actor: Actor, reason: str = "", now=None) -> Case:
    """The subject withdrew the request."""
    now = now or timezone.now()
    case = _lock(case_id)
    _require(case, "withdraw")
    _end_open_pause(case, now)
    case.outcome = Outcome.WITHDRAWN
    case.outcome_reason = reason.strip()
    case.closed_at = now
    _set_status(case, actor, Status.WITHDRAWN, now)
    case.save()
    record_event(case, actor, EventKind.WITHDRAWN, at=now, message=case.outcome_reason)
    return case
