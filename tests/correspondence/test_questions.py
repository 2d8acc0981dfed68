"""A question about identity or a clarification pauses the request until the subject
answers; their answer ends the pause and returns the request to where it stands. The subject
is reminded once before the reply-by date; after it the officer hears that the request can be
closed for lack of a response. Neither comes once the pause has ended."""

import datetime

import pytest
import time_machine

from cases import services
from cases.models import CaseEvent, CasePause, EventKind, PauseReason, Status
from cases.services import CaseActionError
from correspondence.models import Message, MessageKind
from correspondence.services import message_send, subject_reply
from notifications.models import Kind, OutboundEmail, State
from tests.factories import at

from .conftest import OFFICER_EMAIL, SENT_AT, pdf, sweep

pytestmark = pytest.mark.django_db

QUESTION = "Welk klantnummer hoort bij uw verzoek?"


def ask(case, actor, kind=MessageKind.CLARIFICATION_QUESTION, **kwargs):
    return message_send(
        case_id=case.pk, actor=actor, body=QUESTION, kind=kind, now=SENT_AT, **kwargs
    )


def test_a_question_pauses_the_request_until_its_reply_by_date(case_in, actor):
    case = case_in("in_progress")
    message = ask(case, actor)

    case.refresh_from_db()
    assert case.status == Status.WAITING
    pause = CasePause.objects.get(case=case)
    assert pause.reason == PauseReason.CLARIFICATION and pause.ended_at is None
    assert message.pause == pause
    # 14 days by default (DSAR_QUESTION_REPLY_DAYS): Friday 6 March -> Friday 20 March.
    assert message.reply_by == datetime.date(2026, 3, 20)
    event = CaseEvent.objects.get(case=case, kind=EventKind.MESSAGE)
    assert event.changes["reply_by"] == "2026-03-20"
    assert CaseEvent.objects.filter(case=case, kind=EventKind.PAUSED).exists()
    # The due date does not move (docs/legal.md).
    assert case.effective_due_date == datetime.date(2026, 4, 2)


def test_the_reply_days_are_a_setting(case_in, actor, settings):
    settings.DSAR_QUESTION_REPLY_DAYS = 7
    message = ask(case_in("in_progress"), actor)
    assert message.reply_by == datetime.date(2026, 3, 13)


def test_an_identity_question_waits_for_identity_documents(case_in, actor):
    case = case_in("identity_check")
    ask(case, actor, kind=MessageKind.IDENTITY_QUESTION)
    assert CasePause.objects.get(case=case).reason == PauseReason.IDENTITY


def test_a_request_already_waiting_cannot_be_asked_again(case_in, actor):
    case = case_in("in_progress")
    ask(case, actor)
    with pytest.raises(CaseActionError) as refused:
        ask(case, actor)
    assert refused.value.code == "illegal_transition"
    assert Message.objects.count() == 1


def test_a_reply_by_date_not_in_the_future_is_refused(case_in, actor):
    case = case_in("in_progress")
    with pytest.raises(CaseActionError):
        ask(case, actor, reply_by=SENT_AT.date())
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert not CasePause.objects.exists()


@pytest.mark.parametrize(
    ("status", "back_to"),
    [("identity_check", Status.IDENTITY_CHECK), ("in_progress", Status.IN_PROGRESS)],
)
def test_the_subject_s_reply_ends_the_pause_and_returns_the_request(
    case_in, actor, status, back_to
):
    case = case_in(status)
    question = ask(case, actor)
    reply = subject_reply(
        case_id=case.pk, message="Klantnummer 4711", files=[(pdf(), "application/pdf")],
        now=at(2026, 3, 9, 14),
    )  # fmt: skip

    case.refresh_from_db()
    assert case.status == back_to
    pause = CasePause.objects.get(case=case)
    assert pause.ended_at == at(2026, 3, 9, 14)
    assert reply.pause == question.pause == pause
    assert reply.submission.message == "Klantnummer 4711"
    assert [f.original_name for f in reply.submission.files.all()] == ["paspoort.pdf"]
    kinds = list(
        CaseEvent.objects.filter(case=case, at=at(2026, 3, 9, 14)).values_list("kind", "actor_type")
    )
    assert (EventKind.DOCUMENT, "subject") in kinds
    assert (EventKind.RESUMED, "subject") in kinds


def reminders(sent):
    return [m for m in sent if m.subject.startswith("Herinnering: wij wachten op uw antwoord")]


def notices(sent):
    return [m for m in sent if m.subject.startswith("Geen antwoord op de vraag")]


def question_emails(kind):
    return OutboundEmail.objects.filter(kind=kind)


def test_the_subject_is_reminded_once_three_days_before_the_date(case_in, actor):
    case = case_in("in_progress")
    ask(case, actor)
    reminder = question_emails(Kind.QUESTION_REMINDER).get()
    assert reminder.to == "zoe@example.org" and reminder.language == "nl"
    assert reminder.planned_at == at(2026, 3, 17, 8)  # 20 March minus 3 days, 08:00

    assert reminders(sweep(at(2026, 3, 16, 9))) == []  # not yet
    [message] = reminders(sweep(at(2026, 3, 17, 8, 5)))
    assert message.subject == f"Herinnering: wij wachten op uw antwoord ({case.reference})"
    assert "vrijdag 20 maart 2026" in message.body
    assert QUESTION not in message.body and "Zoë" not in message.body
    assert "/status/" in message.body
    assert reminders(sweep(at(2026, 3, 18, 9))) == []  # once
    assert question_emails(Kind.QUESTION_REMINDER).get().state == State.SENT


def test_the_officer_is_told_after_the_date_that_the_request_can_be_closed(case_in, actor):
    case = case_in("in_progress")
    ask(case, actor)
    assert notices(sweep(at(2026, 3, 20, 17))) == []  # the last day to answer
    [message] = notices(sweep(at(2026, 3, 21, 8, 5)))
    assert message.to == [OFFICER_EMAIL]
    assert message.subject == f"Geen antwoord op de vraag: {case.reference}"
    assert "kan nu worden afgesloten" in message.body
    assert "/admin/cases/case/" in message.body
    assert QUESTION not in message.body and "Zoë" not in message.body


def test_nobody_assigned_the_privacy_team_is_told(case_in, actor, settings):
    case = case_in("in_progress", assigned=False)
    ask(case, actor)
    notice = question_emails(Kind.QUESTION_UNANSWERED).get()
    assert notice.to == settings.DSAR_PRIVACY_TEAM_EMAIL


def test_an_answer_cancels_the_reminder_and_the_notice(case_in, actor):
    case = case_in("in_progress")
    ask(case, actor)
    subject_reply(case_id=case.pk, message="Klantnummer 4711", files=[], now=at(2026, 3, 10))

    sent = sweep(at(2026, 3, 17, 8, 5)) + sweep(at(2026, 3, 21, 8, 5))
    assert reminders(sent) == [] and notices(sent) == []
    assert question_emails(Kind.QUESTION_REMINDER).get().state == State.CANCELLED
    assert question_emails(Kind.QUESTION_UNANSWERED).get().state == State.CANCELLED


def test_an_officer_resuming_or_closing_cancels_them_too(case_in, actor):
    case = case_in("in_progress")
    ask(case, actor)
    with time_machine.travel(at(2026, 3, 12), tick=False):
        services.case_resume(case_id=case.pk, actor=actor)
    sweep(at(2026, 3, 21, 8, 5))
    states = set(
        OutboundEmail.objects.filter(
            kind__in=[Kind.QUESTION_REMINDER, Kind.QUESTION_UNANSWERED]
        ).values_list("state", flat=True)
    )
    assert states == {State.CANCELLED}


def test_a_short_reply_by_date_gets_no_reminder(case_in, actor):
    case = case_in("in_progress")
    ask(case, actor, reply_by=datetime.date(2026, 3, 9))  # the reminder day would be past
    assert not question_emails(Kind.QUESTION_REMINDER).exists()
    assert question_emails(Kind.QUESTION_UNANSWERED).get().planned_at == at(2026, 3, 10, 8)
