import pytest

from cases import services
from cases.models import CasePause, EventKind, Outcome, Status
from tests.factories import at

pytestmark = pytest.mark.django_db

LATER = at(2026, 3, 20, 16)
REASON = "Art 17(3)(b): invoices are kept seven years for the tax authority."


def close(case, actor, outcome, reason=""):
    return services.case_close(
        case_id=case.pk, actor=actor, outcome=outcome, reason=reason, now=LATER
    )


@pytest.mark.parametrize(
    ("outcome", "verified", "reason"),
    [
        (Outcome.GRANTED, True, ""),
        (Outcome.PARTLY_GRANTED, True, REASON),
        (Outcome.REFUSED, False, REASON),
        (Outcome.NOT_VALID, False, "Asks about a neighbour's data."),
    ],
)
def test_it_closes_with_an_outcome(case_in, actor, outcome, verified, reason):
    case = case_in(Status.IN_PROGRESS if verified else Status.IDENTITY_CHECK)
    status_before = case.status

    close(case, actor, outcome, reason=f" {reason} ")

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert (case.outcome, case.outcome_reason) == (outcome, reason)
    assert case.closed_at == LATER
    assert not case.is_open
    transition, closed = case.events.filter(at=LATER)
    assert (transition.kind, transition.from_status, transition.to_status) == (
        EventKind.TRANSITION,
        status_before,
        Status.CLOSED,
    )
    assert (closed.kind, closed.changes, closed.message) == (
        EventKind.CLOSED,
        {"outcome": outcome},
        reason,
    )


@pytest.mark.parametrize("outcome", [Outcome.GRANTED, Outcome.PARTLY_GRANTED])
@pytest.mark.parametrize("status", [Status.NEW, Status.IDENTITY_CHECK, Status.WAITING])
def test_it_refuses_to_grant_without_verified_identity(case_in, actor, snapshot, status, outcome):
    case = case_in(status)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        close(case, actor, outcome, reason=REASON)

    assert excinfo.value.code == "identity_required"
    assert snapshot(case) == before


@pytest.mark.parametrize("reason", ["", "   "])
@pytest.mark.parametrize("outcome", [Outcome.PARTLY_GRANTED, Outcome.REFUSED, Outcome.NOT_VALID])
def test_it_requires_reasons_unless_fully_granted(case_in, actor, snapshot, outcome, reason):
    case = case_in(Status.IN_PROGRESS)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        close(case, actor, outcome, reason=reason)

    assert excinfo.value.code == "reason_required"
    assert snapshot(case) == before


@pytest.mark.parametrize("outcome", [Outcome.WITHDRAWN, "", "approved"])
def test_it_refuses_an_outcome_that_is_not_a_closing_outcome(case_in, actor, snapshot, outcome):
    case = case_in(Status.IN_PROGRESS)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        close(case, actor, outcome, reason=REASON)

    assert excinfo.value.code == "outcome_required"
    assert snapshot(case) == before


def test_closing_ends_an_open_pause(case_in, actor):
    case = case_in(Status.WAITING)

    close(case, actor, Outcome.REFUSED, reason="No documents received after two reminders.")

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    pause = CasePause.objects.get(case=case)
    assert pause.ended_at == LATER


def test_withdrawing_sets_outcome_withdrawn(case_in, actor):
    case = case_in(Status.WAITING)

    services.case_withdraw(case_id=case.pk, actor=actor, reason=" Called to withdraw ", now=LATER)

    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    assert (case.outcome, case.outcome_reason) == (Outcome.WITHDRAWN, "Called to withdraw")
    assert case.closed_at == LATER
    assert CasePause.objects.get(case=case).ended_at == LATER
    event = case.events.get(kind=EventKind.WITHDRAWN)
    assert (event.at, event.message) == (LATER, "Called to withdraw")


def test_withdrawing_needs_no_reason(case_in, actor):
    case = case_in(Status.NEW)

    services.case_withdraw(case_id=case.pk, actor=actor, now=LATER)

    case.refresh_from_db()
    assert (case.status, case.outcome, case.outcome_reason) == (
        Status.WITHDRAWN,
        Outcome.WITHDRAWN,
        "",
    )


@pytest.mark.parametrize("status", [Status.CLOSED, Status.WITHDRAWN])
@pytest.mark.parametrize(
    ("action", "arguments"),
    [
        ("case_assign", {}),
        ("case_extend", {"reason": "More time needed."}),
        ("case_close", {"outcome": Outcome.REFUSED, "reason": REASON}),
        ("case_withdraw", {}),
    ],
)
def test_a_closed_case_cannot_be_assigned_extended_or_closed_again(
    case_in, actor, colleague, snapshot, status, action, arguments
):
    case = case_in(status)
    if action == "case_assign":
        arguments = {"assignee": colleague}  # a fixture, so not in the parameters
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        getattr(services, action)(case_id=case.pk, actor=actor, now=LATER, **arguments)

    assert excinfo.value.code == "illegal_transition"
    assert snapshot(case) == before
