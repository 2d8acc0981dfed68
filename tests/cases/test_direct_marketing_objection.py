"""An objection to direct marketing is always honoured (GDPR Art 21(2)-(3)): the service and
the admin refuse to record it as refused, in whole or in part (the API: tests/api)."""

import pytest
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Outcome, RequestType, Status
from tests.factories import at, case

pytestmark = pytest.mark.django_db

LATER = at(2026, 3, 20, 16)
REASON = "Wij hebben een gerechtvaardigd belang bij onze nieuwsbrief."


def close(c, actor, outcome, reason=REASON):
    return services.case_close(case_id=c.pk, actor=actor, outcome=outcome, reason=reason, now=LATER)


@pytest.mark.parametrize("outcome", [Outcome.REFUSED, Outcome.PARTLY_GRANTED])
def test_the_service_will_not_refuse_a_direct_marketing_objection(case_in, actor, outcome):
    c = case_in(
        Status.IN_PROGRESS, request_type=RequestType.OBJECTION, objection_direct_marketing=True
    )

    with pytest.raises(services.CaseActionError) as raised:
        close(c, actor, outcome)

    assert raised.value.code == "direct_marketing_objection"
    with translation.override("en"):
        assert "cannot be refused, not even in part" in str(raised.value.message)
    with translation.override("nl"):
        assert "art. 21 lid 3 AVG" in str(raised.value.message)
    c.refresh_from_db()
    assert c.status == Status.IN_PROGRESS and c.outcome == ""


def test_it_grants_a_direct_marketing_objection(case_in, actor):
    c = case_in(
        Status.IN_PROGRESS, request_type=RequestType.OBJECTION, objection_direct_marketing=True
    )

    close(c, actor, Outcome.GRANTED, reason="")

    c.refresh_from_db()
    assert (c.status, c.outcome) == (Status.CLOSED, Outcome.GRANTED)


def test_another_objection_can_still_be_refused(case_in, actor):
    c = case_in(Status.IN_PROGRESS, request_type=RequestType.OBJECTION)

    close(c, actor, Outcome.REFUSED)

    c.refresh_from_db()
    assert c.outcome == Outcome.REFUSED


def test_a_refused_objection_cannot_become_one_to_direct_marketing(case_in, actor):
    c = case_in(Status.IN_PROGRESS, request_type=RequestType.OBJECTION)
    close(c, actor, Outcome.REFUSED)

    with pytest.raises(services.CaseActionError) as raised:
        services.case_update(
            case_id=c.pk, actor=actor, changes={"objection_direct_marketing": True}
        )

    assert raised.value.code == "direct_marketing_objection"
    c.refresh_from_db()
    assert c.objection_direct_marketing is False


def test_the_admin_refuses_it_and_says_why(officer_client):
    c = case(request_type=RequestType.OBJECTION, objection_direct_marketing=True)

    response = officer_client.post(
        reverse("admin:cases_case_do", args=[c.pk, "close"]),
        {"outcome": "refused", "reason": REASON, "apply": "1"},
        follow=True,
    )

    assert "An objection to direct marketing cannot be refused" in response.content.decode()
    c.refresh_from_db()
    assert c.status != Status.CLOSED
