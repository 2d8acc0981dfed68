import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cases import services
from cases.audit import Actor
from cases.models import (
    Case,
    CaseEvent,
    CasePause,
    EventKind,
    IdentityMethod,
    Outcome,
    PauseReason,
    ReferenceCounter,
    Status,
)
from tests.factories import at, case

pytestmark = pytest.mark.django_db

LATER = at(2026, 3, 9, 11)


@pytest.fixture
def event(case_in):
    return case_in(Status.NEW).events.get()


def test_an_event_cannot_be_changed(event):
    event.message = "Nothing happened"

    with pytest.raises(TypeError, match="append-only"):
        event.save()

    assert CaseEvent.objects.get(pk=event.pk).message != "Nothing happened"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()

    assert CaseEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda events: events.update(message="rewritten"),
        lambda events: events.delete(),
        lambda events: events.all().update(message="rewritten"),
        lambda events: events.all().delete(),
        lambda events: events.filter(kind=EventKind.CREATED).update(kind=EventKind.UPDATED),
        lambda events: events.filter(kind=EventKind.CREATED).delete(),
    ],
    ids=["update", "delete", "all-update", "all-delete", "filter-update", "filter-delete"],
)
def test_events_cannot_be_changed_in_bulk(event, change):
    before = list(CaseEvent.objects.values())

    with pytest.raises(TypeError, match="append-only"):
        change(CaseEvent.objects)

    assert list(CaseEvent.objects.values()) == before


def test_a_full_walk_leaves_the_expected_trail(officer_user, colleague):
    olga, piet, subject = Actor.staff(officer_user), Actor.staff(colleague), Actor.subject()

    created = case(
        received_at=at(2026, 3, 5, 8), now=at(2026, 3, 5, 8, 1), actor=subject, channel="web"
    )
    steps = {"case_id": created.pk}
    services.case_assign(**steps, actor=olga, assignee=colleague, now=at(2026, 3, 5, 9))
    services.case_start_identity_check(**steps, actor=piet, now=at(2026, 3, 5, 10))
    services.case_pause(
        **steps, actor=piet, reason=PauseReason.IDENTITY, note="Masked ID", now=at(2026, 3, 5, 11)
    )
    services.case_verify_identity(
        **steps, actor=piet, method=IdentityMethod.DOCUMENT, now=at(2026, 3, 9, 9)
    )
    services.case_extend(**steps, actor=olga, reason="Twelve systems", now=at(2026, 3, 20, 9))
    services.case_close(**steps, actor=piet, outcome=Outcome.GRANTED, now=at(2026, 5, 4, 16))

    with translation.override("en"):
        trail = [
            (e.kind, e.actor_display, e.from_status, e.to_status, e.at)
            for e in created.events.all()
        ]
    assert trail == [
        (EventKind.CREATED, "Data subject", "", Status.NEW, at(2026, 3, 5, 8, 1)),
        (EventKind.ASSIGNED, "olga", "", "", at(2026, 3, 5, 9)),
        (EventKind.TRANSITION, "piet", Status.NEW, Status.IDENTITY_CHECK, at(2026, 3, 5, 10)),
        (EventKind.TRANSITION, "piet", Status.IDENTITY_CHECK, Status.WAITING, at(2026, 3, 5, 11)),
        (EventKind.PAUSED, "piet", "", "", at(2026, 3, 5, 11)),
        (EventKind.IDENTITY_VERIFIED, "piet", "", "", at(2026, 3, 9, 9)),
        (EventKind.TRANSITION, "piet", Status.WAITING, Status.IN_PROGRESS, at(2026, 3, 9, 9)),
        (EventKind.EXTENDED, "olga", "", "", at(2026, 3, 20, 9)),
        (EventKind.TRANSITION, "piet", Status.IN_PROGRESS, Status.CLOSED, at(2026, 5, 4, 16)),
        (EventKind.CLOSED, "piet", "", "", at(2026, 5, 4, 16)),
    ]
    actors = [(e.actor_type, e.actor, e.actor_label) for e in created.events.all()]
    assert actors[0] == ("subject", None, "")
    assert actors[1] == ("user", officer_user, "olga")
    assert actors[-1] == ("user", colleague, "piet")


def test_a_system_action_is_shown_as_system_in_the_users_language(case_in):
    case = case_in(Status.NEW)

    services.case_start_identity_check(case_id=case.pk, actor=Actor.system(), now=LATER)

    event = case.events.get(kind=EventKind.TRANSITION)
    # No stored name: the label is translated when shown.
    assert (event.actor_type, event.actor, event.actor_label) == ("system", None, "")
    with translation.override("en"):
        assert event.actor_display == "System"


def test_the_label_outlives_the_user_account(case_in, colleague):
    case = case_in(Status.NEW)
    services.case_start_identity_check(case_id=case.pk, actor=Actor.staff(colleague), now=LATER)

    colleague.delete()

    event = case.events.get(kind=EventKind.TRANSITION)
    assert (event.actor, event.actor_label) == (None, "piet")


def test_a_refused_service_call_writes_no_event(case_in, actor, snapshot):
    case = case_in(Status.IDENTITY_CHECK)
    before = snapshot(case)

    with pytest.raises(services.CaseActionError):
        services.case_close(case_id=case.pk, actor=actor, outcome=Outcome.GRANTED, now=LATER)
    with pytest.raises(services.CaseActionError):
        services.case_confirm(case_id=case.pk, actor=actor, now=LATER)

    assert snapshot(case) == before


def test_a_failure_after_the_change_rolls_back_the_change_and_its_events(
    case_in, actor, snapshot, monkeypatch
):
    case = case_in(Status.WAITING)
    before = snapshot(case)
    record_event = services.record_event

    def fail_on_closed(case, actor, kind, **kwargs):
        if kind == EventKind.CLOSED:
            raise RuntimeError("disk full")
        return record_event(case, actor, kind, **kwargs)

    monkeypatch.setattr(services, "record_event", fail_on_closed)

    # By now the pause has ended, the status changed and its TRANSITION event was written.
    with pytest.raises(RuntimeError, match="disk full"):
        services.case_close(
            case_id=case.pk, actor=actor, outcome=Outcome.REFUSED, reason="Unfounded", now=LATER
        )

    assert snapshot(case) == before
    assert CasePause.objects.get(case=case).ended_at is None


def test_a_failed_registration_uses_no_reference_number(actor):
    with pytest.raises(ValidationError):
        case(received_at=at(2026, 3, 5), now=LATER, subject_email="not an address")

    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not ReferenceCounter.objects.filter(last_number__gt=0).exists()
    assert case(received_at=at(2026, 3, 5), now=LATER).reference == "DSAR-2026-00001"
