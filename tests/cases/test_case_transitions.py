import itertools

import pytest

from cases import services
from cases.audit import Actor
from cases.models import (
    CaseEvent,
    CasePause,
    EventKind,
    IdentityMethod,
    Outcome,
    PauseReason,
    Status,
)
from cases.states import TRANSITIONS
from tests.factories import at

pytestmark = pytest.mark.django_db

# The fixtures build cases received on 5 March 2026 (due 2 April) at 6 March 09:00.
LATER = at(2026, 3, 9, 11)

OPEN = (Status.NEW, Status.IDENTITY_CHECK, Status.IN_PROGRESS, Status.WAITING)
SAME = "same status"
ALREADY_DONE = "already_done"

# Where each allowed (action, status) pair ends, written out by hand and checked against
# cases.states.TRANSITIONS below. Waiting cases here are unverified, so resume goes back to
# the identity check.
EXPECTED = {
    ("confirm", Status.UNCONFIRMED): Status.NEW,
    ("start_identity_check", Status.NEW): Status.IDENTITY_CHECK,
    ("verify_identity", Status.NEW): Status.IN_PROGRESS,
    ("verify_identity", Status.IDENTITY_CHECK): Status.IN_PROGRESS,
    ("verify_identity", Status.WAITING): Status.IN_PROGRESS,
    # Allowed by the table, but verifying the identity is the only way into "in progress".
    ("verify_identity", Status.IN_PROGRESS): ALREADY_DONE,
    ("pause", Status.NEW): Status.WAITING,
    ("pause", Status.IDENTITY_CHECK): Status.WAITING,
    ("pause", Status.IN_PROGRESS): Status.WAITING,
    ("resume", Status.WAITING): Status.IDENTITY_CHECK,
    **{("assign", status): SAME for status in OPEN},
    **{("extend", status): SAME for status in OPEN},
    **{("close", status): Status.CLOSED for status in OPEN},
    **{("withdraw", status): Status.WITHDRAWN for status in OPEN},
}

ALL_PAIRS = list(itertools.product(TRANSITIONS, Status.values))
ALLOWED = [pair for pair in ALL_PAIRS if pair in EXPECTED]
DISALLOWED = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def _ids(pair):
    return "-".join(pair)


def act(action, case, actor, colleague):
    """Call the service for ``action`` with arguments it accepts in any state."""
    arguments = {
        "confirm": {},
        "start_identity_check": {},
        "verify_identity": {"method": IdentityMethod.DOCUMENT},
        "pause": {"reason": PauseReason.CLARIFICATION, "note": "Which period?"},
        "resume": {},
        "assign": {"assignee": colleague},
        "extend": {"reason": "Data in twelve systems, three of them archived."},
        "close": {"outcome": Outcome.REFUSED, "reason": "Manifestly excessive."},
        "withdraw": {},
    }[action]
    service = getattr(services, f"case_{action}")
    return service(case_id=case.pk, actor=actor, now=LATER, **arguments)


def test_the_expected_table_matches_the_state_machine():
    allowed_by_states = {
        (action, status) for action, t in TRANSITIONS.items() for status in t.sources
    }
    assert set(EXPECTED) == allowed_by_states


def test_every_action_has_a_service():
    for action in TRANSITIONS:
        assert callable(getattr(services, f"case_{action}"))


@pytest.mark.parametrize(("action", "status"), ALLOWED, ids=map(_ids, ALLOWED))
def test_it_allows_the_documented_moves(action, status, case_in, actor, colleague):
    case = case_in(status)
    expected = EXPECTED[(action, status)]

    if expected == ALREADY_DONE:
        with pytest.raises(services.CaseActionError) as excinfo:
            act(action, case, actor, colleague)
        assert excinfo.value.code == "already_done"
        return

    act(action, case, actor, colleague)

    case.refresh_from_db()
    transitions = CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION, at=LATER)
    if expected == SAME:
        assert case.status == status
        assert not transitions.exists()
    else:
        assert case.status == expected
        assert [(e.from_status, e.to_status) for e in transitions] == [(status, expected)]


@pytest.mark.parametrize(("action", "status"), DISALLOWED, ids=map(_ids, DISALLOWED))
def test_it_refuses_every_other_move_and_changes_nothing(
    action, status, case_in, actor, colleague, snapshot
):
    case = case_in(status)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        act(action, case, actor, colleague)

    assert excinfo.value.code == "illegal_transition"
    assert str(case) in excinfo.value.message  # the reference, or for an unconfirmed web
    # request (not numbered yet) "unconfirmed web request <id>"
    assert snapshot(case) == before


def test_confirming_records_when_and_enters_the_queue(case_in, actor):
    case = case_in(Status.UNCONFIRMED)
    assert (case.reference, case.reference_number) == (None, None)

    services.case_confirm(case_id=case.pk, actor=actor, now=LATER)

    case.refresh_from_db()
    assert case.status == Status.NEW
    assert case.confirmed_at == LATER
    # A request now, so numbered now, in the year it was received.
    assert case.reference == f"DSAR-{case.received_on.year}-{case.reference_number:05d}"
    event = case.events.get(kind=EventKind.CONFIRMED, at=LATER)
    assert event.changes == {"reference": [None, case.reference]}


def test_it_resumes_to_identity_check_when_identity_is_unverified(case_in, actor):
    case = case_in(Status.WAITING)

    services.case_resume(case_id=case.pk, actor=actor, note=" Documents received ", now=LATER)

    case.refresh_from_db()
    assert case.status == Status.IDENTITY_CHECK
    assert case.events.get(kind=EventKind.RESUMED).message == "Documents received"


def test_it_resumes_to_in_progress_when_identity_is_verified(case_in, actor):
    case = case_in(Status.WAITING, verified=True)

    services.case_resume(case_id=case.pk, actor=actor, now=LATER)

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_resuming_ends_the_open_pause(case_in, actor):
    case = case_in(Status.WAITING)

    services.case_resume(case_id=case.pk, actor=actor, now=LATER)

    pause = CasePause.objects.get(case=case)
    assert pause.ended_at == LATER


def test_pausing_opens_a_pause_with_reason_and_note(case_in, actor):
    case = case_in(Status.IN_PROGRESS)

    services.case_pause(
        case_id=case.pk,
        actor=actor,
        reason=PauseReason.CLARIFICATION,
        note=" Which accounts? ",
        now=LATER,
    )

    pause = CasePause.objects.get(case=case)
    assert (pause.reason, pause.note, pause.started_at, pause.ended_at) == (
        PauseReason.CLARIFICATION,
        "Which accounts?",
        LATER,
        None,
    )


def test_it_refuses_an_unknown_pause_reason(case_in, actor, snapshot):
    case = case_in(Status.IN_PROGRESS)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_pause(case_id=case.pk, actor=actor, reason="holiday", now=LATER)

    assert excinfo.value.code == "invalid"
    assert snapshot(case) == before


def test_verifying_identity_of_a_waiting_case_ends_the_open_pause(case_in, actor, officer_user):
    case = case_in(Status.WAITING)

    services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.KNOWN_CONTACT, now=LATER
    )

    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.identity_verified_at == LATER
    assert case.identity_verified_by == officer_user
    assert case.identity_method == IdentityMethod.KNOWN_CONTACT
    assert CasePause.objects.get(case=case).ended_at == LATER
    assert not CasePause.objects.filter(case=case, ended_at__isnull=True).exists()


def test_it_refuses_to_verify_identity_twice(case_in, actor, snapshot):
    case = case_in(Status.WAITING, verified=True)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_verify_identity(
            case_id=case.pk, actor=actor, method=IdentityMethod.DOCUMENT, now=LATER
        )

    assert excinfo.value.code == "already_done"
    assert snapshot(case) == before


@pytest.mark.parametrize("note", ["", "   "])
def test_it_refuses_method_other_without_a_note(case_in, actor, snapshot, note):
    case = case_in(Status.IDENTITY_CHECK)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_verify_identity(
            case_id=case.pk, actor=actor, method=IdentityMethod.OTHER, note=note, now=LATER
        )

    assert excinfo.value.code == "invalid"
    assert snapshot(case) == before


def test_it_accepts_method_other_with_a_note(case_in, actor):
    case = case_in(Status.IDENTITY_CHECK)

    services.case_verify_identity(
        case_id=case.pk,
        actor=actor,
        method=IdentityMethod.OTHER,
        note=" Video call with the subject ",
        now=LATER,
    )

    case.refresh_from_db()
    assert (case.identity_method, case.identity_note) == (
        IdentityMethod.OTHER,
        "Video call with the subject",
    )
    assert case.events.get(kind=EventKind.IDENTITY_VERIFIED).message == (
        "Video call with the subject"
    )


def test_it_refuses_an_unknown_identity_method(case_in, actor, snapshot):
    case = case_in(Status.IDENTITY_CHECK)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError):
        services.case_verify_identity(case_id=case.pk, actor=actor, method="bsn", now=LATER)

    assert snapshot(case) == before


def test_only_a_staff_user_can_verify_an_identity(case_in, snapshot):
    case = case_in(Status.IDENTITY_CHECK)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError):
        services.case_verify_identity(
            case_id=case.pk, actor=Actor.system(), method=IdentityMethod.DOCUMENT, now=LATER
        )

    assert snapshot(case) == before


def test_it_reports_a_case_that_does_not_exist(actor):
    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_start_identity_check(case_id=999_999, actor=actor, now=LATER)

    assert excinfo.value.code == "not_found"
