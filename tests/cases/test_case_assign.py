import pytest

from cases import services
from cases.models import CaseEvent, EventKind, Status
from tests.factories import at

pytestmark = pytest.mark.django_db

LATER = at(2026, 3, 9, 11)


def assign(case, actor, assignee, now=LATER):
    return services.case_assign(case_id=case.pk, actor=actor, assignee=assignee, now=now)


def assignments(case):
    return [e.changes for e in CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED)]


def test_it_assigns_an_active_staff_user(case_in, actor, colleague):
    case = case_in(Status.NEW)

    assign(case, actor, colleague)

    case.refresh_from_db()
    assert case.assignee == colleague
    assert case.status == Status.NEW
    event = case.events.get(kind=EventKind.ASSIGNED)
    assert event.changes == {"assignee": [None, "piet"]}
    assert (event.at, event.actor_label) == (LATER, "olga")


def test_it_unassigns(case_in, actor, colleague):
    case = case_in(Status.IN_PROGRESS)
    assign(case, actor, colleague)

    assign(case, actor, None, now=at(2026, 3, 10))

    case.refresh_from_db()
    assert case.assignee is None
    assert assignments(case) == [{"assignee": [None, "piet"]}, {"assignee": ["piet", None]}]


def test_it_reassigns(case_in, actor, colleague, officer_user):
    case = case_in(Status.WAITING)
    assign(case, actor, colleague)

    assign(case, actor, officer_user, now=at(2026, 3, 10))

    case.refresh_from_db()
    assert case.assignee == officer_user
    assert case.status == Status.WAITING
    assert assignments(case) == [{"assignee": [None, "piet"]}, {"assignee": ["piet", "olga"]}]


def test_it_writes_no_event_when_the_assignee_is_unchanged(case_in, actor, colleague, snapshot):
    case = case_in(Status.IDENTITY_CHECK)
    assign(case, actor, colleague)
    before = snapshot(case)

    assign(case, actor, colleague, now=at(2026, 3, 10))

    assert snapshot(case) == before


def test_it_writes_no_event_when_unassigning_an_unassigned_case(case_in, actor, snapshot):
    case = case_in(Status.NEW)
    before = snapshot(case)

    assign(case, actor, None)

    assert snapshot(case) == before


def test_it_refuses_an_inactive_staff_user(case_in, actor, colleague, snapshot):
    colleague.is_active = False
    colleague.save()
    case = case_in(Status.NEW)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        assign(case, actor, colleague)

    assert excinfo.value.code == "invalid"
    assert snapshot(case) == before


def test_it_refuses_a_user_who_is_not_staff(case_in, actor, non_staff_user, snapshot):
    case = case_in(Status.NEW)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        assign(case, actor, non_staff_user)

    assert excinfo.value.code == "invalid"
    assert snapshot(case) == before


def test_it_refuses_to_reassign_to_a_user_who_left(case_in, actor, colleague, officer_user):
    case = case_in(Status.NEW)
    assign(case, actor, colleague)
    officer_user.is_active = False
    officer_user.save()

    with pytest.raises(services.CaseActionError):
        assign(case, actor, officer_user, now=at(2026, 3, 10))

    case.refresh_from_db()
    assert case.assignee == colleague
    assert len(assignments(case)) == 1


@pytest.mark.parametrize("status", [Status.UNCONFIRMED, Status.CLOSED, Status.WITHDRAWN])
def test_it_assigns_open_cases_only(case_in, actor, colleague, snapshot, status):
    case = case_in(status)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        assign(case, actor, colleague)

    assert excinfo.value.code == "illegal_transition"
    assert snapshot(case) == before
