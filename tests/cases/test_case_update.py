import datetime

import pytest

from cases import services
from cases.models import Case, CaseEvent, EventKind, Status
from tests.factories import at

pytestmark = pytest.mark.django_db

# The fixtures build cases received Thursday 5 March 2026 10:00; four_weeks due 2 April.
LATER = at(2026, 3, 9, 11)


def update(case, actor, **changes):
    return services.case_update(case_id=case.pk, actor=actor, changes=changes, now=LATER)


def updates(case):
    return list(CaseEvent.objects.filter(case=case, kind=EventKind.UPDATED))


def test_it_records_all_changes_in_one_updated_event(case_in, actor):
    case = case_in(Status.NEW)

    update(
        case,
        actor,
        subject_name="Zoë van Dijk",
        subject_email="zoe.vandijk@example.org",
        description="Inzageverzoek",
    )

    case.refresh_from_db()
    assert (case.subject_name, case.subject_email, case.description) == (
        "Zoë van Dijk",
        "zoe.vandijk@example.org",
        "Inzageverzoek",
    )
    [event] = updates(case)
    assert event.changes == {
        "subject_name": ["Zoë de Vries", "Zoë van Dijk"],
        "subject_email": ["zoe@example.org", "zoe.vandijk@example.org"],
        "description": ["", "Inzageverzoek"],
    }
    assert (event.at, event.actor_label) == (LATER, "olga")


def test_it_records_only_the_fields_that_changed(case_in, actor):
    case = case_in(Status.NEW)

    update(case, actor, subject_name="Zoë de Vries", subject_phone="+31 6 12345678")

    [event] = updates(case)
    assert event.changes == {"subject_phone": ["", "+31 6 12345678"]}


def test_it_writes_no_event_when_nothing_changed(case_in, actor, snapshot):
    case = case_in(Status.NEW)
    before = snapshot(case)

    update(
        case,
        actor,
        subject_name="Zoë de Vries",
        subject_email="zoe@example.org",
        # The same moment written in another time zone is no change.
        received_at=datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC),
    )

    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", Status.CLOSED),
        ("due_date", datetime.date(2026, 5, 1)),
        ("extended_due_date", datetime.date(2026, 6, 1)),
        ("effective_due_date", datetime.date(2026, 6, 1)),
        ("assignee", None),
        ("assignee_id", 1),
        ("received_on", datetime.date(2026, 3, 1)),
        ("deadline_rule", "gdpr_month"),
        ("reference", "DSAR-2026-99999"),
        ("outcome", "granted"),
        ("identity_verified_at", at(2026, 3, 6)),
    ],
)
def test_it_refuses_fields_that_change_only_through_their_own_action(
    case_in, actor, snapshot, field, value
):
    case = case_in(Status.NEW)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        # Mixed with an editable field: nothing of the request is applied.
        update(case, actor, subject_name="Someone Else", **{field: value})

    assert excinfo.value.code == "read_only"
    assert field in excinfo.value.message
    assert snapshot(case) == before


def test_changing_received_at_recomputes_and_records_the_due_date(case_in, actor):
    case = case_in(Status.IN_PROGRESS)

    update(case, actor, received_at=at(2026, 3, 2, 14))

    case.refresh_from_db()
    assert case.received_on == datetime.date(2026, 3, 2)
    assert case.due_date == datetime.date(2026, 3, 30)
    assert case.effective_due_date == datetime.date(2026, 3, 30)
    [event] = updates(case)
    assert event.changes == {
        "received_at": ["2026-03-05T09:00:00+00:00", "2026-03-02T14:00:00+01:00"],
        "due_date": ["2026-04-02", "2026-03-30"],
    }


def test_changing_received_at_within_the_day_keeps_the_due_date(case_in, actor):
    case = case_in(Status.NEW)

    update(case, actor, received_at=at(2026, 3, 5, 8, 15))

    case.refresh_from_db()
    assert case.due_date == datetime.date(2026, 4, 2)
    [event] = updates(case)
    assert list(event.changes) == ["received_at"]


def test_changing_received_at_moves_the_date_of_receipt_by_amsterdam_time(case_in, actor):
    case = case_in(Status.NEW)

    # 23:30 UTC on 4 March is 00:30 on 5 March in Amsterdam: same date of receipt.
    update(case, actor, received_at=datetime.datetime(2026, 3, 4, 23, 30, tzinfo=datetime.UTC))

    case.refresh_from_db()
    assert case.received_on == datetime.date(2026, 3, 5)
    assert case.due_date == datetime.date(2026, 4, 2)


def test_changing_received_at_of_an_extended_case_recomputes_the_extension(case_in, actor):
    case = case_in(Status.IN_PROGRESS)
    services.case_extend(case_id=case.pk, actor=actor, reason="Complex", now=LATER)

    update(case, actor, received_at=at(2026, 3, 2, 14))

    case.refresh_from_db()
    assert (case.due_date, case.extended_due_date, case.effective_due_date) == (
        datetime.date(2026, 3, 30),
        datetime.date(2026, 6, 1),
        datetime.date(2026, 6, 1),
    )
    [event] = updates(case)
    assert event.changes["due_date"] == ["2026-04-02", "2026-03-30"]
    assert event.changes["extended_due_date"] == ["2026-06-02", "2026-06-01"]


def test_it_records_only_the_deadline_that_moved(case_in, actor):
    # Received Friday 6 March: four weeks end on Good Friday 3 April, due Tuesday 7 April;
    # extended from 3 April to 3 June.
    case = case_in(Status.IN_PROGRESS, received_at=at(2026, 3, 6, 8))
    services.case_extend(case_id=case.pk, actor=actor, reason="Complex", now=LATER)

    # Saturday 7 March: four weeks end Saturday 4 April, still due Tuesday 7 April; the
    # extension moves to 4 June.
    update(case, actor, received_at=at(2026, 3, 7, 11))

    case.refresh_from_db()
    assert case.due_date == datetime.date(2026, 4, 7)
    assert case.extended_due_date == datetime.date(2026, 6, 4)
    [event] = updates(case)
    assert event.changes["extended_due_date"] == ["2026-06-03", "2026-06-04"]
    assert "due_date" not in event.changes


def test_an_unconfirmed_case_can_have_its_date_of_receipt_corrected(case_in, actor):
    case = case_in(Status.UNCONFIRMED)

    update(case, actor, received_at=at(2026, 3, 2, 14))

    case.refresh_from_db()
    assert case.due_date == datetime.date(2026, 3, 30)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.WITHDRAWN])
def test_it_refuses_to_change_received_at_of_a_closed_case(case_in, actor, snapshot, status):
    case = case_in(status)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError) as excinfo:
        update(case, actor, received_at=at(2026, 3, 2, 14))

    assert excinfo.value.code == "read_only"
    assert snapshot(case) == before


def test_it_refuses_a_received_at_in_the_future(case_in, actor, snapshot):
    case = case_in(Status.NEW)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError):
        update(case, actor, received_at=LATER + datetime.timedelta(hours=1))

    assert snapshot(case) == before


def test_it_refuses_a_naive_received_at(case_in, actor, snapshot):
    case = case_in(Status.NEW)
    before = snapshot(case)

    with pytest.raises((ValueError, TypeError)):
        update(case, actor, received_at=datetime.datetime(2026, 3, 2, 14, 0))

    assert snapshot(case) == before


def test_it_refuses_to_edit_an_anonymised_case(case_in, actor):
    case = case_in(Status.CLOSED)
    Case.objects.filter(pk=case.pk).update(anonymised_at=at(2026, 6, 1))

    with pytest.raises(services.CaseActionError) as excinfo:
        update(case, actor, subject_name="Typed back in")

    assert excinfo.value.code == "read_only"
