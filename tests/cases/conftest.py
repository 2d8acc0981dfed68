"""Cases in any status, built through the services the way the app builds them."""

import pytest
from django.contrib.auth import get_user_model

from cases import services
from cases.audit import Actor
from cases.models import Case, CaseEvent, CasePause, IdentityMethod, Outcome, PauseReason, Status
from tests import factories

# Thursday 5 March 2026, 10:00 in Amsterdam: four_weeks due Thursday 2 April, extended 2 June.
RECEIVED_AT = factories.at(2026, 3, 5)
# The morning after: the fixtures take every step at this moment, well before the due date.
BUILT_AT = factories.at(2026, 3, 6, 9)


@pytest.fixture
def actor(officer_user):
    """The officer "olga" acting through the admin."""
    return Actor.staff(officer_user)


@pytest.fixture
def colleague(db):
    """A second officer, "piet", to assign cases to."""
    return factories.officer("piet")


@pytest.fixture
def non_staff_user(db):
    return get_user_model().objects.create_user(username="klant", password="pw-for-tests")


@pytest.fixture
def case_in(actor):
    """``case_in(status, verified=False, **fields)``: a case registered on RECEIVED_AT and moved
    to ``status`` by the services at BUILT_AT.

    ``verified=True`` verifies the identity first, which matters for "waiting" (resume goes
    to work in progress) and "closed" (closed as granted). A case in progress is always
    verified: verifying the identity is the only way there.
    """

    def build(status, *, verified=False, received_at=RECEIVED_AT, now=BUILT_AT, **fields):
        fields.setdefault("actor", actor)
        case = factories.case(
            received_at=received_at,
            now=now,
            unconfirmed=status == Status.UNCONFIRMED,
            **fields,
        )
        steps = {"case_id": case.pk, "actor": actor, "now": now}

        def verify():
            services.case_verify_identity(**steps, method=IdentityMethod.DOCUMENT)

        if status in (Status.UNCONFIRMED, Status.NEW):
            pass
        elif status == Status.IDENTITY_CHECK:
            services.case_start_identity_check(**steps)
        elif status == Status.IN_PROGRESS:
            verify()
        elif status == Status.WAITING and verified:
            verify()
            services.case_pause(
                **steps, reason=PauseReason.CLARIFICATION, note="Which accounts do you mean?"
            )
        elif status == Status.WAITING:
            services.case_start_identity_check(**steps)
            services.case_pause(**steps, reason=PauseReason.IDENTITY, note="Masked copy of ID")
        elif status == Status.CLOSED and verified:
            verify()
            services.case_close(**steps, outcome=Outcome.GRANTED)
        elif status == Status.CLOSED:
            services.case_close(
                **steps, outcome=Outcome.NOT_VALID, reason="Not about personal data."
            )
        elif status == Status.WITHDRAWN:
            services.case_withdraw(**steps, reason="Withdrawn by phone.")
        else:
            raise AssertionError(f"No recipe for a case in status {status!r}")

        case.refresh_from_db()
        assert case.status == status
        return case

    return build


@pytest.fixture
def snapshot():
    """``snapshot(case)``: everything stored about a case, to show that a refused action
    changed nothing."""

    def take(case):
        return (
            Case.objects.filter(pk=case.pk).values().get(),
            list(CaseEvent.objects.filter(case=case).values()),
            list(CasePause.objects.filter(case=case).values()),
        )

    return take
