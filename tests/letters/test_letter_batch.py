"""Batch rendering: the officer picks requests in the list and a letter; a Celery task per
request renders it in the worker, once, even if its message is delivered twice."""

import pytest
from django.urls import reverse

from cases.models import Case
from letters import tasks
from letters.models import Letter, LetterType
from tests.notifications.conftest import WorkerThread, wait_for

pytestmark = pytest.mark.django_db


def test_the_list_action_enqueues_a_task_per_request(
    officer_client, make_case, monkeypatch, django_capture_on_commit_callbacks
):
    dutch = make_case("access")
    english = make_case("erasure", subject_language="en")
    queued = []
    monkeypatch.setattr(tasks.generate_letter, "delay", lambda **kwargs: queued.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("admin:cases_case_changelist"),
            {
                "action": "letters_batch",
                "_selected_action": [dutch.pk, english.pk],
                "letter_type": "acknowledgement",
                "language": "subject",
                "apply": "1",
            },
        )

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
    queued = []
    monkeypatch.setattr(tasks.generate_letter, "delay", lambda **kwargs: queued.append(kwargs))

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("admin:cases_case_changelist"),
            {
                "action": "letters_batch",
                "_selected_action": [case.pk],
                "letter_type": "extension_notice",
                "language": "nl",
                "apply": "1",
            },
            follow=True,
        )

    assert queued == []
    assert "not extended" in response.content.decode()


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

    for n, case in enumerate(cases):
        tasks.generate_letter.delay(
            case_id=case.pk,
            letter_type="acknowledgement",
            language=case.subject_language,
            user_id=officer_user.pk,
            idempotency_key=f"batch-{n}",
        )

    assert wait_for(lambda: Letter.objects.count() == 2, timeout=60)
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        letter = case.letters.get()
        assert letter.language == case.subject_language
        assert letter.absolute_path.read_bytes().startswith(b"%PDF-")
