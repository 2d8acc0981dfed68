"""An officer works a request in the admin: register, assign, extend, close; every step
goes through the services and lands on the timeline."""

import datetime

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from cases import deadlines
from cases.models import Case, CaseEvent, EventKind, Status
from tests.factories import at, case, officer

pytestmark = pytest.mark.django_db
LIST = reverse("admin:cases_case_changelist")
ADD = reverse("admin:cases_case_add")


def do(case_id, action):
    return reverse("admin:cases_case_do", args=[case_id, action])


def change(case_id):
    return reverse("admin:cases_case_change", args=[case_id])


def test_an_officer_works_a_postal_request_from_registration_to_closure(
    officer_client, officer_user
):
    # Monday 23 November 2026; the letter arrived last Friday.
    with time_machine.travel(at(2026, 11, 23, 9), tick=False):
        response = officer_client.post(
            ADD,
            {
                "request_type": "access",
                "channel": "post",
                "received_at_0": "2026-11-20",
                "received_at_1": "10:15",
                "subject_name": "Øyvind Hansen",
                "subject_email": "",
                "subject_address": "Dorpsstraat 1\n3511 AB Utrecht",
                "subject_language": "nl",
                "description": "Graag inzage in mijn gegevens.",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        c = Case.objects.get()
        assert c.reference == "DSAR-2026-00001"
        assert c.received_on == datetime.date(2026, 11, 20)
        # four weeks: Friday 18 December 2026
        assert (
            c.due_date
            == deadlines.due_date(datetime.date(2026, 11, 20))
            == datetime.date(2026, 12, 18)
        )
        page = officer_client.get(change(c.pk)).content.decode()
        assert "Friday 18 December 2026" in page

        assert officer_client.post(do(c.pk, "assign_to_me")).status_code == 302
        assert officer_client.get(do(c.pk, "extend")).status_code == 200
        response = officer_client.post(
            do(c.pk, "extend"),
            {"reason": "Gegevens staan in drie systemen en een papieren archief.", "apply": "1"},
        )
        assert response.status_code == 302
        response = officer_client.post(
            do(c.pk, "verify_identity"), {"method": "document", "note": "", "apply": "1"}
        )
        assert response.status_code == 302
        response = officer_client.post(
            do(c.pk, "close"), {"outcome": "granted", "reason": "", "apply": "1"}
        )
        assert response.status_code == 302

    c.refresh_from_db()
    assert c.status == Status.CLOSED
    assert c.assignee == officer_user
    assert c.extended_due_date == datetime.date(2027, 2, 18)
    kinds = list(c.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.CREATED,
        EventKind.ASSIGNED,
        EventKind.EXTENDED,
        EventKind.IDENTITY_VERIFIED,
        EventKind.TRANSITION,
        EventKind.TRANSITION,
        EventKind.CLOSED,
    ]
    assert set(c.events.values_list("actor_label", flat=True)) == {"olga"}
    timeline = officer_client.get(change(c.pk)).content.decode()
    for text in (
        "Request received by post and registered.",
        "Assigned to olga.",
        "Deadline extended from Friday 18 December 2026 to Thursday 18 February 2027.",
        "Identity verified: identity document seen (BSN and photo masked).",
        "Request closed: granted.",
        "Gegevens staan in drie systemen",  # the officer's reason, as written
    ):
        assert text in timeline, timeline[timeline.find('id="timeline-heading"') :][:3000]


def test_an_illegal_action_shows_the_reason_and_changes_nothing(officer_client):
    c = case()
    officer_client.post(do(c.pk, "close"), {"outcome": "not_valid", "reason": "x", "apply": "1"})
    response = officer_client.post(
        do(c.pk, "extend"), {"reason": "Complex.", "apply": "1"}, follow=True
    )
    assert "Cannot extend request" in response.content.decode()
    c.refresh_from_db()
    assert c.extended_due_date is None
    assert not c.events.filter(kind=EventKind.EXTENDED).exists()


def test_extending_without_a_reason_shows_the_form_again(officer_client):
    c = case(received_at=at(2026, 11, 20))
    response = officer_client.post(do(c.pk, "extend"), {"reason": "  ", "apply": "1"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    c.refresh_from_db()
    assert c.extended_due_date is None


def test_closing_as_refused_requires_reasons(officer_client):
    c = case()
    response = officer_client.post(do(c.pk, "close"), {"outcome": "refused", "apply": "1"})
    assert "Give the reasons for this outcome" in response.content.decode()
    c.refresh_from_db()
    assert c.status == Status.NEW


def test_bulk_assign_from_the_list_goes_through_the_form(officer_client):
    bram = officer("bram")
    cases = [case(), case()]
    ids = [str(c.pk) for c in cases]
    response = officer_client.post(LIST, {"action": "assign", ACTION_CHECKBOX_NAME: ids})
    assert response.status_code == 200
    assert "Assign to" in response.content.decode()
    response = officer_client.post(
        LIST, {"action": "assign", ACTION_CHECKBOX_NAME: ids, "assignee": bram.pk, "apply": "1"}
    )
    assert response.status_code == 302
    assert {c.assignee for c in Case.objects.all()} == {bram}
    assert CaseEvent.objects.filter(kind=EventKind.ASSIGNED).count() == 2


def test_one_click_actions_need_a_post(officer_client):
    c = case()
    assert officer_client.get(do(c.pk, "assign_to_me")).status_code == 403
    c.refresh_from_db()
    assert c.assignee is None


def test_editing_details_is_audited_and_status_is_not_editable(officer_client):
    c = case(received_at=at(2026, 11, 2))
    data = {
        "request_type": "erasure",
        "channel": "post",
        "received_at_0": "2026-11-02",
        "received_at_1": "10:00",
        "subject_name": "Zoë de Vries-Bakker",
        "subject_email": "zoe@example.org",
        "subject_language": "nl",
        "status": "closed",
        "due_date": "2030-01-01",
    }
    assert officer_client.post(change(c.pk), data).status_code == 302
    c.refresh_from_db()
    assert c.status == Status.NEW
    assert c.due_date == datetime.date(2026, 11, 30)
    event = c.events.get(kind=EventKind.UPDATED)
    assert event.changes == {
        "request_type": ["access", "erasure"],
        "subject_name": ["Zoë de Vries", "Zoë de Vries-Bakker"],
    }


def test_a_future_receipt_date_is_refused(officer_client):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = officer_client.post(
        ADD,
        {
            "request_type": "access",
            "channel": "email",
            "received_at_0": tomorrow.isoformat(),
            "received_at_1": "10:00",
            "subject_name": "Kees",
            "subject_language": "nl",
        },
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Case.objects.exists()


def test_a_user_without_the_close_permission_cannot_close(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_case", "change_case", "work_case"])
    )
    client.force_login(user)
    c = case()
    response = client.post(do(c.pk, "close"), {"outcome": "not_valid", "reason": "x", "apply": "1"})
    assert response.status_code == 403
    c.refresh_from_db()
    assert c.status == Status.NEW


def test_cases_cannot_be_deleted_in_the_admin(officer_client):
    c = case()
    response = officer_client.get(reverse("admin:cases_case_delete", args=[c.pk]))
    assert response.status_code == 403


def test_the_admin_speaks_dutch_by_default(client, officer_user):
    client.force_login(officer_user)
    c = case()
    page = client.get(change(c.pk)).content.decode()
    assert 'lang="nl"' in page
    for dutch in ("Termijn", "Uiterste datum", "Tijdlijn", "per post ontvangen en geregistreerd",
                  "Inzage (art. 15)", "Wat nu"):  # fmt: skip
        assert dutch in page
