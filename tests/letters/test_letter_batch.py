"""Batch rendering: the officer picks requests in the list and a letter; each is a letter
request row, and a Celery task per request renders it in the worker, once, even if its
message is delivered twice or was lost with the broker."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from cases import filecrypt
from cases.models import Case
from letters import services, tasks
from letters.models import Letter, LetterRequest, LetterRequestState, LetterType
from tests.notifications.conftest import WorkerThread, wait_for

pytestmark = pytest.mark.django_db


def _queue(monkeypatch) -> list[dict]:
    """Instead of a broker: the letter requests handed to Celery, as the task would get them."""
    queued: list[dict] = []

    def keep(args=(), kwargs=None, **options):
        request = LetterRequest.objects.get(pk=kwargs["request_id"])
        queued.append(
            {
                "request_id": request.pk,
                "case_id": request.case_id,
                "language": request.language,
                "letter_type": request.letter_type,
                "idempotency_key": request.idempotency_key,
            }
        )

    monkeypatch.setattr(tasks.generate_letter, "apply_async", keep)
    return queued


def _list_action(client, cases, letter_type="acknowledgement", language="subject", **kw):
    return client.post(
        reverse("admin:cases_case_changelist"),
        {
            "action": "letters_batch",
            "_selected_action": [c.pk for c in cases],
            "letter_type": letter_type,
            "language": language,
            "apply": "1",
        },
        **kw,
    )


def test_the_list_action_enqueues_a_task_per_request(
    officer_client, make_case, monkeypatch, django_capture_on_commit_callbacks
):
    dutch = make_case("access")
    english = make_case("erasure", subject_language="en")
    queued = _queue(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        response = _list_action(officer_client, [dutch, english])

    assert response.status_code == 302
    assert sorted((q["case_id"], q["language"]) for q in queued) == [
        (dutch.pk, "nl"),
        (english.pk, "en"),
    ]
    assert all(q["letter_type"] == "acknowledgement" for q in queued)
    assert len({q["idempotency_key"] for q in queued}) == 2
    assert not Letter.objects.exists()  # rendering happens in the worker


def test_the_list_action_reports_what_cannot_be_made(
    officer_client, make_case, monkeypatch, django_capture_on_commit_callbacks
):
    case = make_case("access")  # not extended
    queued = _queue(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        response = _list_action(
            officer_client, [case], letter_type="extension_notice", language="nl", follow=True
        )

    assert queued == []
    assert not LetterRequest.objects.exists()
    assert "not extended" in response.content.decode()


def test_a_letter_asked_for_while_the_broker_is_down_is_made_by_the_sweep(
    officer_client, officer_user, make_case, monkeypatch, django_capture_on_commit_callbacks
):
    case = make_case("access")

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.generate_letter, "apply_async", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = _list_action(officer_client, [case])
    assert response.status_code == 302
    request = LetterRequest.objects.get()
    assert (request.state, request.enqueued_at) == (LetterRequestState.PENDING, None)
    assert not Letter.objects.exists()

    # The broker is back: the next sweep hands the request out and the worker makes it.
    monkeypatch.setattr(
        tasks.generate_letter,
        "apply_async",
        lambda args=(), kwargs=None, **options: tasks.generate_letter.apply(args, kwargs),
    )
    assert tasks.sweep.apply().get() == {"enqueued": 1}

    letter = Letter.objects.get()
    assert (letter.case, letter.generated_by) == (case, officer_user)
    request.refresh_from_db()
    assert (request.state, request.letter) == (LetterRequestState.DONE, letter)
    assert tasks.sweep.apply().get() == {"enqueued": 0}


def test_a_request_whose_message_was_lost_is_handed_out_again_after_a_while(
    officer_user, make_case, monkeypatch
):
    queued = _queue(monkeypatch)
    case = make_case("access")
    now = timezone.now()
    request = services.letter_request_generation(
        case_id=case.pk, letter_type="acknowledgement", language="nl", actor=_staff(officer_user)
    )  # its on-commit message never goes out in this test: as if it were lost

    assert services.letter_requests_requeue(now=now) == []  # its message may be on its way
    later = now + services.REQUEUE_AFTER + datetime.timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        assert services.letter_requests_requeue() == [request.pk]
    assert [q["request_id"] for q in queued] == [request.pk]


def test_a_request_that_no_longer_fits_is_marked_not_generated(make_case, officer_user):
    case = make_case("access")  # not extended
    request = services.letter_request_generation(
        case_id=case.pk, letter_type="extension_notice", language="nl", actor=_staff(officer_user)
    )

    assert tasks.generate_letter(request_id=request.pk) is None

    request.refresh_from_db()
    assert (request.state, request.error_code) == (LetterRequestState.FAILED, "unavailable")
    assert services.letter_requests_requeue() == []


def _staff(user):
    from cases.audit import Actor

    return Actor.staff(user)


def test_the_task_makes_one_letter_per_key(make_case, officer_user):
    case = make_case("access")
    kwargs = {
        "case_id": case.pk,
        "letter_type": LetterType.ACKNOWLEDGEMENT,
        "language": "nl",
        "user_id": officer_user.pk,
        "idempotency_key": "k1",
    }

    first = tasks.generate_letter(**kwargs)
    second = tasks.generate_letter(**kwargs)

    letter = Letter.objects.get()
    assert first == second == letter.pk
    assert letter.generated_by == officer_user


def test_the_task_gives_up_quietly_when_the_letter_no_longer_fits(make_case):
    case = make_case("access")

    result = tasks.generate_letter(
        case_id=case.pk, letter_type="extension_notice", language="nl", idempotency_key="k2"
    )

    assert result is None
    assert not Letter.objects.exists()


@pytest.fixture
def worker():
    """A real Celery worker (a thread of this process) on the configured broker, for this
    test only."""
    thread = WorkerThread()
    thread.start()
    yield thread
    thread.stop()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_a_batch(worker, make_case, officer_user):
    cases = [make_case("access"), make_case("erasure", subject_language="en")]

    for case in cases:
        services.letter_request_generation(
            case_id=case.pk,
            letter_type="acknowledgement",
            language=case.subject_language,
            actor=_staff(officer_user),
        )

    assert wait_for(lambda: Letter.objects.count() == 2, timeout=60)
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        letter = case.letters.get()
        assert letter.language == case.subject_language
        assert filecrypt.read_bytes(letter.absolute_path).startswith(b"%PDF-")


@pytest.mark.django_db(transaction=True)  # a refused statement must not end a test's atomic
def test_a_letter_task_that_cannot_reach_the_database_is_retried(make_case, officer_user):
    from django.db import OperationalError, connection

    case = make_case("access")
    request = services.letter_request_generation(
        case_id=case.pk, letter_type="acknowledgement", language="nl", actor=_staff(officer_user)
    )
    refused = []

    def unreachable_once(execute, sql, params, many, context):
        if not refused:
            refused.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(unreachable_once):
        result = tasks.generate_letter.apply(kwargs={"request_id": request.pk})

    assert result.successful()
    request.refresh_from_db()
    assert request.state == LetterRequestState.DONE
    assert Letter.objects.get().case == case


def test_beat_runs_the_letter_sweep_as_often_as_the_notifications_sweep():
    from django.conf import settings

    from dsar.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["letters-sweep"]

    assert entry["task"] == "letters.sweep"
    assert entry["schedule"] == settings.DSAR_REMINDER_SWEEP_SECONDS
    assert entry["options"]["expires"] == settings.DSAR_REMINDER_SWEEP_SECONDS
    app.loader.import_default_modules()
    assert "letters.sweep" in app.tasks
