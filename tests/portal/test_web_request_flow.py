"""A request made through the web form, start to finish, with the clock moved: submit,
the confirmation e-mail, confirming, the officers' queue, the receipt; and what happens to
links that expire or are used twice, and to requests nobody confirms."""

import datetime

import pytest
import time_machine
from django.core import mail, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.audit import Actor
from cases.models import Case, CaseEvent, Channel, EventKind, Status
from casework import actions
from casework.retention import purge_unconfirmed_requests
from notifications.models import OutboundEmail
from tests import factories
from tests.factories import at
from tests.portal.conftest import confirmed_case, form_data, link_in

pytestmark = pytest.mark.django_db

# Monday 2 November 2026, 20:00 in Amsterdam.
SUBMITTED = at(2026, 11, 2, 20)


def test_a_visitor_submits_confirms_and_lands_in_the_queue(client, submit, deliver, officer_client):
    with time_machine.travel(SUBMITTED, tick=False):
        response = submit(name="Nguyễn Văn An", email="an@example.org")
        assert response.status_code == 302
        assert response["Location"] == reverse("public:sent")

        case = Case.objects.get()
        assert case.status == Status.UNCONFIRMED
        assert case.channel == Channel.WEB
        assert case.subject_name == "Nguyễn Văn An"
        assert case.received_on == datetime.date(2026, 11, 2)
        # Stored together with the e-mail that asks for confirmation, nothing sent yet.
        planned = OutboundEmail.objects.get()
        assert (planned.kind, planned.to, planned.language) == (
            "confirm_address",
            "an@example.org",
            "nl",
        )

        page = client.get(response["Location"]).content.decode()
        assert "Controleer uw e-mail" in page
        assert "an@example.org" in page

        # Not in the officers' queue yet, nor numbered.
        queue = officer_client.get(reverse("admin:cases_case_changelist")).content.decode()
        assert f"/cases/case/{case.pk}/change/" not in queue
        assert case.reference is None

    with time_machine.travel(SUBMITTED + datetime.timedelta(minutes=5), tick=False):
        [message] = deliver()
        assert message.to == ["an@example.org"]
        confirm_path = link_in(message, "/confirm/")
        assert confirm_path.endswith("?lang=nl")

    # Two days later the visitor opens the link: a page with a button, then the status page.
    with time_machine.travel(SUBMITTED + datetime.timedelta(days=2), tick=False):
        page = client.get(confirm_path)
        assert page.status_code == 200
        assert "Bevestig uw verzoek" in page.content.decode()
        assert page["Cache-Control"] == "no-store, private"
        assert page["Referrer-Policy"] == "same-origin"
        assert Case.objects.get().status == Status.UNCONFIRMED  # opening the link is not enough

        response = client.post(confirm_path)
        assert response.status_code == 302
        status_page = client.get(response["Location"])
        html = status_page.content.decode()
        case.refresh_from_db()
        assert case.reference == "DSAR-2026-00001"  # numbered on confirmation
        assert case.reference in html
        assert "Ontvangen" in html
        assert "bevestigd" in html  # the thank-you message

        case.refresh_from_db()
        assert case.status == Status.NEW
        assert case.confirmed_at is not None
        assert case.received_on == datetime.date(2026, 11, 2)
        events = list(case.events.values_list("kind", "actor_type"))
        assert (EventKind.CREATED, "subject") in events
        assert (EventKind.CONFIRMED, "subject") in events

        queue = officer_client.get(reverse("admin:cases_case_changelist")).content.decode()
        assert case.reference in queue

        sent = deliver()
        kinds = {m.to[0]: m for m in sent}
        receipt = kinds["an@example.org"]
        assert case.reference in receipt.subject
        status_path = link_in(receipt, "/status/")
        assert client.get(status_path).status_code == 200
        assert "privacy@example.nl" in kinds  # the privacy team's "new request"


def test_a_confirmation_link_expires_after_the_set_number_of_days(
    client, web_case, deliver, settings
):
    settings.DSAR_CONFIRMATION_MAX_AGE_DAYS = 3
    with time_machine.travel(SUBMITTED, tick=False):
        case = web_case()
        [message] = deliver()
        path = link_in(message, "/confirm/")
    with time_machine.travel(SUBMITTED + datetime.timedelta(days=2, hours=23), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(SUBMITTED + datetime.timedelta(days=3, minutes=1), tick=False):
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 410
            html = response.content.decode()
            assert "Deze link is niet meer te gebruiken" in html
            assert "DSAR-" not in html
            assert "Zoë" not in html
    case.refresh_from_db()
    assert case.status == Status.UNCONFIRMED


def test_a_used_confirmation_link_confirms_nothing_twice(client, web_case, deliver):
    case = web_case()
    case, _status_path = confirmed_case(client, case, deliver)
    confirmations = case.events.filter(kind=EventKind.CONFIRMED).count()
    [message] = [m for m in mail.outbox if "/confirm/" in m.body]
    path = link_in(message, "/confirm/")
    # In another browser (the same browser goes to its status page:
    # test_confirmation_link_opened_again.py).
    other_browser = Client()
    for response in (other_browser.get(path), other_browser.post(path)):
        assert response.status_code == 410
        assert case.reference not in response.content.decode()
    assert case.events.filter(kind=EventKind.CONFIRMED).count() == confirmations == 1


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJjIjoxfQ:1vEcRw:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # forged signature
        "x" * 5000,
    ],
)
def test_a_wrong_confirmation_link_gets_a_friendly_404(client, web_case, token):
    web_case()
    for response in (client.get(f"/confirm/{token}/"), client.post(f"/confirm/{token}/")):
        assert response.status_code == 404
        assert "Deze link werkt niet" in response.content.decode()
    assert Case.objects.get().status == Status.UNCONFIRMED


def test_a_link_signed_for_something_else_does_not_confirm(client, web_case):
    case = web_case()
    forged = signing.TimestampSigner(salt="another.purpose").sign_object({"c": case.pk})
    assert client.post(f"/confirm/{forged}/").status_code == 404
    case.refresh_from_db()
    assert case.status == Status.UNCONFIRMED


def test_unconfirmed_requests_are_deleted_after_the_retention_period(
    client, web_case, deliver, settings, caplog
):
    settings.DSAR_UNCONFIRMED_RETENTION_DAYS = 30
    with time_machine.travel(SUBMITTED, tick=False):
        forgotten = web_case(subject_name="Øyvind Hansen", subject_email="oyvind@example.org")
        confirmed = web_case()
        confirmed, _path = confirmed_case(client, confirmed, deliver)
        [path] = [link_in(m, "/confirm/") for m in mail.outbox if "oyvind@example.org" in m.to]
    with time_machine.travel(SUBMITTED + datetime.timedelta(days=29, hours=23), tick=False):
        assert purge_unconfirmed_requests() == 0
    with time_machine.travel(SUBMITTED + datetime.timedelta(days=30, minutes=1), tick=False):
        with caplog.at_level("INFO", logger="casework.retention"):
            assert purge_unconfirmed_requests() == 1
        assert "Deleted 1 unconfirmed web request(s)" in caplog.text
        assert "Øyvind" not in caplog.text and "oyvind@" not in caplog.text
        assert not Case.objects.filter(pk=forgotten.pk).exists()
        assert not CaseEvent.objects.filter(case_id=forgotten.pk).exists()
        assert not OutboundEmail.objects.filter(to="oyvind@example.org").exists()
        assert Case.objects.filter(pk=confirmed.pk, status=Status.NEW).exists()
        # The old link now leads to the "no longer usable" page.
        assert client.get(path).status_code == 410


def test_the_daily_retention_task_deletes_them(web_case):
    from casework.tasks import purge_expired

    with time_machine.travel(SUBMITTED, tick=False):
        web_case()
    with time_machine.travel(SUBMITTED + datetime.timedelta(days=31), tick=False):
        assert purge_expired.apply().get()["unconfirmed_deleted"] == 1
    assert not Case.objects.exists()


def test_one_daily_job_purges_them(settings):
    """The retention purge deletes unconfirmed requests; no second job does the same work."""
    from casework.tasks import purge_expired

    [entry] = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if "purge" in entry["task"]
    ]
    assert entry["task"] == purge_expired.name == "casework.purge_expired"


def test_a_robot_filling_the_hidden_field_gets_the_same_answer_and_stores_nothing(submit):
    response = submit(website="http://spam.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("public:sent")
    assert not Case.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_the_request_is_kept_when_the_broker_is_down(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from notifications import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.deliver_email, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/", form_data())
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.UNCONFIRMED
    email = OutboundEmail.objects.get(case=case)
    assert email.state == "pending"  # the sweep sends it once the broker is back


def test_a_submitted_request_costs_three_writes_in_one_transaction(submit):
    """The form is the public, busiest page: the case, its audit event and the planned
    e-mail, and nothing else (no savepoints inside, no look-ups first, and no reference
    number, whose counter row would serialise all submissions: that comes with the
    confirmation). Here the test's own transaction is around it, so the form's shows as a
    savepoint; on its own it is BEGIN ... COMMIT."""
    with CaptureQueriesContext(connection) as queries:
        assert submit().status_code == 302
    statements = [" ".join(q["sql"].replace('"', "").split()[:3]) for q in queries.captured_queries]
    assert statements[0].startswith("SAVEPOINT") and statements[-1].startswith("RELEASE")
    assert statements[1:-1] == [
        "INSERT INTO cases_case",
        "INSERT INTO cases_caseevent",
        "INSERT INTO notifications_outboundemail",
    ]
    assert Case.objects.get().status == Status.UNCONFIRMED
    assert OutboundEmail.objects.get().kind == "confirm_address"


def test_requests_never_confirmed_leave_no_gap_in_the_reference_numbers(web_case):
    """Numbers are handed out when a web request is confirmed, so the register counts
    1, 2, 3 ... even though unconfirmed requests are deleted after a month."""
    with time_machine.travel(SUBMITTED, tick=False):
        first, forgotten, second = (web_case(subject_email=f"p{n}@example.org") for n in range(3))
        actions.confirm(case_id=second.pk, actor=Actor.subject())
        actions.confirm(case_id=first.pk, actor=Actor.subject())
        by_letter = factories.case(received_at=SUBMITTED, now=SUBMITTED)
    with time_machine.travel(SUBMITTED + datetime.timedelta(days=31), tick=False):
        assert purge_unconfirmed_requests() == 1
    numbers = {c.pk: c.reference for c in Case.objects.all()}
    assert forgotten.pk not in numbers
    # In the order of confirmation (the request became one), then the officer's.
    assert numbers == {
        second.pk: "DSAR-2026-00001",
        first.pk: "DSAR-2026-00002",
        by_letter.pk: "DSAR-2026-00003",
    }
