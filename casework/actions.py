"""What each action on a request does, in full, and the table of the officers' actions.

A change of a case is made by ``cases.services`` (the domain: state machine, deadlines, audit
event). What *follows* from it — the e-mails to the subject and the team, a letter attached to
the closure notice — is written here, by an explicit call, in the same transaction as the
change. So this module is the one place that answers "what does closing a case do?":

=========================  ====================================================================
action                     domain change, then its side effects (all in one transaction)
=========================  ====================================================================
submit_web_request         case_create (unconfirmed) → e-mail "confirm your address"
confirm                    case_confirm → receipt to the subject, "new request" to the team
confirm_web_request        confirm, and a status-page token for the browser
register                   case_create → receipt to the subject
pause                      case_pause → the question to the subject (identity or clarification)
extend                     case_extend → extension notice to the subject, and a reminder to
                           the officer each working day until the notice is recorded
close                      case_close → closure notice to the subject, carrying the latest
                           unsent reply letter (marked sent)
withdraw                   case_withdraw → closure notice to the subject
send_status_link           (no change) → e-mail with a fresh status-page link
assign, start_identity_check, verify_identity, resume, record_extension_notice:
                           the domain change only
=========================  ====================================================================

E-mails are rows in the outbox (``notifications.planning``); they are sent after commit.

:data:`OFFICER_ACTIONS` is the one table of what an officer can do to a case: for each action
its function, its inputs, the right it needs (``accounts.permissions``) and when it is offered.
The officers' admin (its actions and buttons), the API (its action endpoints and each case's
``allowed_actions``) and the permission matrix test are all generated from it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from cases import services, tokens
from cases.audit import Actor
from cases.models import Case, CasePause, Channel, Status
from cases.services import CaseActionError
from cases.states import TRANSITIONS
from letters import services as letters
from notifications import planning

# --- The data subject's actions ---------------------------------------------------------------


@transaction.atomic
def submit_web_request(*, fields: dict, now: datetime.datetime | None = None) -> Case:
    """Store a request made through the web form, unconfirmed, and plan the e-mail that asks
    the subject to confirm the address. Both are written in one transaction, so the request
    is kept even when the mail server or the broker is down."""
    now = now or timezone.now()
    case = services.case_create(
        actor=Actor.subject(),
        received_at=now,
        now=now,
        unconfirmed=True,
        channel=Channel.WEB,
        **fields,
    )
    planning.plan_confirm_address(case)
    return case


@transaction.atomic
def confirm_web_request(*, case_id: int, now: datetime.datetime | None = None):
    """The subject followed the confirmation link: the request enters the officers' queue,
    the subject gets the receipt, the team hears of it, and the browser gets a status link of
    its own. Returns ``(case, status token)``."""
    now = now or timezone.now()
    case = confirm(case_id=case_id, actor=Actor.subject(), now=now)
    return case, tokens.status_token_create(case, now=now)


@transaction.atomic
def confirm(*, case_id: int, actor: Actor, now: datetime.datetime | None = None) -> Case:
    """The e-mail address of a web request is confirmed: it is a request now. The subject
    gets the receipt, the privacy team hears of it."""
    now = now or timezone.now()
    case = services.case_confirm(case_id=case_id, actor=actor, now=now)
    planning.plan_receipt(case, at=now)
    planning.plan_new_request_alert(case, at=now)
    return case


# --- The officers' actions ----------------------------------------------------------------------


@transaction.atomic
def register(
    *,
    actor: Actor,
    received_at: datetime.datetime,
    rule: str | None = None,
    now: datetime.datetime | None = None,
    **fields,
) -> Case:
    """Register a request received by e-mail, post, phone or in person (or by an
    integration): it is in the queue at once and the subject gets the receipt."""
    now = now or timezone.now()
    case = services.case_create(actor=actor, received_at=received_at, rule=rule, now=now, **fields)
    planning.plan_receipt(case, at=now)
    return case


def assign(*, case_id: int, actor: Actor, assignee, now=None) -> Case:
    """Give the case to a staff user who may work cases (``accounts.permissions.WORK``), or to
    nobody with ``assignee=None``. Someone without that right could neither see nor work it."""
    if assignee is not None and not permissions.may(assignee, permissions.WORK):
        raise CaseActionError(
            _("%(user)s may not work on requests; choose someone who may.")
            % {"user": assignee.get_username()},
            code="assignee_not_allowed",
        )
    return services.case_assign(case_id=case_id, actor=actor, assignee=assignee, now=now)


def assign_to_me(*, case_id: int, actor: Actor, now=None) -> Case:
    return assign(case_id=case_id, actor=actor, assignee=actor.user, now=now)


@transaction.atomic
def pause(*, case_id: int, actor: Actor, reason: str, note: str = "", now=None) -> Case:
    """Wait for the subject, and ask them what is needed."""
    now = now or timezone.now()
    case = services.case_pause(case_id=case_id, actor=actor, reason=reason, note=note, now=now)
    open_pause = CasePause.objects.filter(case=case, ended_at__isnull=True).latest("pk")
    planning.plan_question(case, pause=open_pause, at=now)
    return case


@transaction.atomic
def extend(*, case_id: int, actor: Actor, reason: str, now=None) -> Case:
    """Extend by two months, and tell the subject why (Art 12(3))."""
    now = now or timezone.now()
    case = services.case_extend(case_id=case_id, actor=actor, reason=reason, now=now)
    planning.plan_extension_notice(case, at=now)
    return case


@transaction.atomic
def close(*, case_id: int, actor: Actor, outcome: str, reason: str = "", now=None) -> Case:
    """Close with an outcome and tell the subject; the latest reply letter not sent yet goes
    with the notice (and is marked sent in the same transaction)."""
    now = now or timezone.now()
    case = services.case_close(
        case_id=case_id, actor=actor, outcome=outcome, reason=reason, now=now
    )
    if case.subject_email:
        attachments = letters.closure_attachments(case)
        planning.plan_closure_notice(case, at=now, attachments=attachments)
    return case


@transaction.atomic
def withdraw(*, case_id: int, actor: Actor, reason: str = "", now=None) -> Case:
    """The subject withdrew the request; confirm it to them."""
    now = now or timezone.now()
    case = services.case_withdraw(case_id=case_id, actor=actor, reason=reason, now=now)
    planning.plan_closure_notice(case, at=now)
    return case


def record_recipient_notice(
    *,
    case_id: int,
    actor: Actor,
    recipient: str,
    notified_on=None,
    means: str = "",
    not_notified_reason: str = "",
    now=None,
) -> Case:
    """Art 19: a recipient was told (when, how), or why not; the letters read it."""
    notice = services.case_record_recipient_notice(
        case_id=case_id,
        actor=actor,
        recipient=recipient,
        notified_on=notified_on,
        means=means,
        not_notified_reason=not_notified_reason,
        now=now,
    )
    return notice.case


@transaction.atomic
def send_status_link(*, case_id: int, actor: Actor, now=None) -> Case:
    """E-mail the subject a private link to the status page, e.g. for a request an officer
    registered from an e-mail, letter or phone call."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise CaseActionError(_("This request does not exist."), code="not_found")
    if case.status == Status.UNCONFIRMED:
        raise CaseActionError(
            _("This web request is not confirmed yet."), code="illegal_transition"
        )
    if not case.subject_email:
        raise CaseActionError(
            _("%(reference)s has no e-mail address for the data subject.")
            % {"reference": case.reference},
            code="no_email",
        )
    planning.plan_status_link(case, at=now)
    return case


# --- The table of the officers' actions ----------------------------------------------------------


@dataclass(frozen=True)
class OfficerAction:
    """One thing an officer can do to a case."""

    name: str
    label: str
    right: str  # a right of accounts.permissions: "work", "extend" or "close"
    run: Callable[..., Case]  # run(case_id=, actor=, **inputs); raises CaseActionError
    inputs: tuple[str, ...] = ()  # the keyword arguments the officer provides
    # The state-machine action it performs (cases.states.TRANSITIONS); None: any state.
    state_action: str | None = None
    # A further condition for offering it: condition(case, today, user).
    condition: Callable[[Case, datetime.date, object], bool] | None = None
    # Offered through the API as well as in the admin.
    in_api: bool = True

    def applies_to(self, case: Case, *, today: datetime.date, user) -> bool:
        """Whether the case's state allows it now (whoever asks)."""
        if self.state_action and case.status not in TRANSITIONS[self.state_action].sources:
            return False
        return self.condition is None or self.condition(case, today, user)

    def allowed(self, user) -> bool:
        return permissions.may(user, self.right)


OFFICER_ACTIONS: dict[str, OfficerAction] = {
    action.name: action
    for action in (
        OfficerAction(
            "assign_to_me",
            gettext_lazy("Assign to me"),
            permissions.WORK,
            assign_to_me,
            state_action="assign",
            condition=lambda case, today, user: case.assignee_id != user.pk,
            in_api=False,  # the API's "assign" names the assignee
        ),
        OfficerAction(
            "assign",
            gettext_lazy("Assign to…"),
            permissions.WORK,
            assign,
            inputs=("assignee",),
            state_action="assign",
        ),
        OfficerAction(
            "start_identity_check",
            gettext_lazy("Start identity check"),
            permissions.WORK,
            services.case_start_identity_check,
            state_action="start_identity_check",
        ),
        OfficerAction(
            "verify_identity",
            gettext_lazy("Mark identity verified"),
            permissions.WORK,
            services.case_verify_identity,
            inputs=("method", "note"),
            state_action="verify_identity",
            condition=lambda case, today, user: case.identity_verified_at is None,
        ),
        OfficerAction(
            "record_authority",
            gettext_lazy("Record the representative's authority"),
            permissions.WORK,
            services.case_record_authority,
            inputs=("proof", "note"),
            condition=lambda case, today, user: (
                case.is_open and case.awaits_representative_authority
            ),
        ),
        OfficerAction(
            "record_recipient_notice",
            gettext_lazy("Record a notice to a recipient (Art 19)"),
            permissions.WORK,
            record_recipient_notice,
            inputs=("recipient", "notified_on", "means", "not_notified_reason"),
            condition=lambda case, today, user: case.request_type in services.ART_19_REQUEST_TYPES,
        ),
        OfficerAction(
            "pause",
            gettext_lazy("Wait for the data subject"),
            permissions.WORK,
            pause,
            inputs=("reason", "note"),
            state_action="pause",
        ),
        OfficerAction(
            "resume",
            gettext_lazy("Resume"),
            permissions.WORK,
            services.case_resume,
            inputs=("note",),
            state_action="resume",
        ),
        OfficerAction(
            "extend",
            gettext_lazy("Extend by two months"),
            permissions.EXTEND,
            extend,
            inputs=("reason",),
            state_action="extend",
            condition=lambda case, today, user: case.can_extend(today),
        ),
        OfficerAction(
            "record_extension_notice",
            gettext_lazy("Record that the subject was told of the extension"),
            permissions.EXTEND,
            services.case_record_extension_notice,
            inputs=("notified_on",),
            state_action="extend",
            condition=lambda case, today, user: case.is_extended and not case.extension_notified_at,
        ),
        OfficerAction(
            "close",
            gettext_lazy("Close with outcome"),
            permissions.CLOSE,
            close,
            inputs=("outcome", "reason"),
            state_action="close",
        ),
        OfficerAction(
            "withdraw",
            gettext_lazy("Withdrawn by the subject"),
            permissions.CLOSE,
            withdraw,
            inputs=("reason",),
            state_action="withdraw",
        ),
        OfficerAction(
            "send_status_link",
            gettext_lazy("Send status link"),
            permissions.WORK,
            send_status_link,
            condition=lambda case, today, user: bool(case.subject_email),
            in_api=False,
        ),
    )
}


def available_actions(case: Case, *, user, today: datetime.date, api: bool = False) -> list:
    """The actions ``user`` may take on ``case`` now (in the API's subset with ``api``)."""
    return [
        action
        for action in OFFICER_ACTIONS.values()
        if (action.in_api or not api)
        and action.allowed(user)
        and action.applies_to(case, today=today, user=user)
    ]
