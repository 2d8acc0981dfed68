"""What now (casework/next_steps.py): per state of a case, what the law expects next, by when,
and the action that does it, in Dutch and in English; the clock moved with time-machine."""

import datetime

import pytest
import time_machine
from django.utils import translation

from cases import clock, services
from cases.audit import Actor
from cases.models import Channel, IdentityMethod, Outcome, PauseReason
from casework import actions
from casework.actions import OFFICER_ACTIONS
from casework.next_steps import COMPOSE_LETTER, CaseFacts, case_facts, next_steps
from letters import services as letters
from tests import factories

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026: due (four weeks) Thursday 2 April, extended to Tuesday 2 June.
RECEIVED = factories.at(2026, 3, 5)
STEP = factories.at(2026, 3, 6, 9)
EVERYTHING = {*OFFICER_ACTIONS, COMPOSE_LETTER}


@pytest.fixture
def actor(officer_user):
    return Actor.staff(officer_user)


@pytest.fixture
def new_case(actor):
    def build(**fields):
        fields.setdefault("channel", Channel.EMAIL)
        return factories.case(received_at=RECEIVED, now=RECEIVED, actor=actor, **fields)

    return build


def steps_on(case, day: datetime.date, language: str, available=EVERYTHING):
    """The steps as the case page asks for them on ``day``: facts from the database, then
    the pure decision."""
    case.refresh_from_db()
    facts = case_facts(case)
    moment = factories.at(day.year, day.month, day.day, 12)
    with time_machine.travel(moment, tick=False), translation.override(language):
        return next_steps(case, today=clock.today(), facts=facts, available=available)


def keys(steps):
    return [step.key for step in steps]


def texts(steps):
    return [step.text for step in steps]


def test_a_new_postal_request_without_email_needs_receipt_identity_and_answer(new_case):
    case = new_case(channel=Channel.POST, subject_email="")
    steps = steps_on(case, datetime.date(2026, 3, 9), "nl")
    assert keys(steps) == ["acknowledge", "identity", "answer", "extend"]
    acknowledge, identity, answer, extend = steps
    assert acknowledge.text.startswith("Ontvangstbevestiging sturen: ")
    assert acknowledge.text.endswith("met de uiterste datum (donderdag 2 april 2026).")
    assert (acknowledge.actions, acknowledge.letter_type) == ((COMPOSE_LETTER,), "acknowledgement")
    assert identity.text.startswith("Identiteit vaststellen: ")
    assert identity.actions == ("verify_identity", "start_identity_check")
    assert (
        answer.text
        == "Antwoordbrief nog niet verstuurd: antwoorden uiterlijk donderdag 2 april 2026."
    )
    assert (answer.due, answer.urgency) == (datetime.date(2026, 4, 2), "ok")
    assert answer.actions == (COMPOSE_LETTER, "close")
    assert extend.text.startswith(
        "Verlengen met twee maanden kan tot en met donderdag 2 april 2026"
    )
    assert extend.text.endswith("uiterlijk donderdag 2 april 2026.")
    assert (extend.optional, extend.actions) == (True, ("extend",))

    english = steps_on(case, datetime.date(2026, 3, 9), "en")
    assert texts(english)[2] == "Reply letter not sent yet: answer by Thursday 2 April 2026."
    assert texts(english)[3].startswith(
        "Extending by two months is possible up to and including Thursday 2 April 2026"
    )


def test_a_receipt_by_email_needs_no_acknowledgement(new_case):
    case = new_case(subject_email="zoe@example.org")  # the receipt e-mail is planned
    assert keys(steps_on(case, datetime.date(2026, 3, 9), "en")) == ["identity", "answer", "extend"]


def test_a_posted_acknowledgement_letter_counts(new_case, actor, officer_user):
    case = new_case(channel=Channel.POST, subject_email="")
    letter = factories.archived_letter(
        case, user=officer_user, at=STEP, letter_type="acknowledgement"
    )
    letters.letter_record_posted(letter_id=letter.pk, actor=actor, now=STEP)
    assert "acknowledge" not in keys(steps_on(case, datetime.date(2026, 3, 9), "nl"))


def test_during_the_identity_check_it_asks_to_verify_or_ask(new_case, actor):
    case = new_case()
    services.case_start_identity_check(case_id=case.pk, actor=actor, now=STEP)
    identity = steps_on(case, datetime.date(2026, 3, 9), "en")[0]
    assert identity.key == "identity"
    assert identity.text.startswith("Establish the identity: mark it verified, or ask")
    assert identity.actions == ("verify_identity", "pause")


def test_while_waiting_it_says_since_when_and_that_the_date_does_not_move(new_case, actor):
    case = new_case()
    services.case_start_identity_check(case_id=case.pk, actor=actor, now=STEP)
    services.case_pause(case_id=case.pk, actor=actor, reason=PauseReason.IDENTITY, now=STEP)
    waiting = steps_on(case, datetime.date(2026, 3, 20), "nl")[0]
    assert waiting.key == "waiting"
    assert waiting.text == (
        "Wachten op de betrokkene sinds vrijdag 6 maart 2026. De uiterste datum schuift niet "
        "op: hervat zodra het antwoord er is."
    )
    assert waiting.actions == ("verify_identity", "resume")
    assert waiting.due == datetime.date(2026, 4, 2)


def test_in_progress_the_answer_and_the_extension_are_left(new_case, actor):
    case = new_case()
    services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.KNOWN_CONTACT, now=STEP
    )
    steps = steps_on(case, datetime.date(2026, 3, 30), "en")
    assert keys(steps) == ["answer", "extend"]
    assert steps[0].urgency == "soon"  # three working days left


def test_an_extension_not_announced_must_be_before_the_original_date(new_case, actor):
    case = new_case()
    services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.KNOWN_CONTACT, now=STEP
    )
    actions.extend(case_id=case.pk, actor=actor, reason="Drie systemen.", now=STEP)
    steps = steps_on(case, datetime.date(2026, 3, 9), "nl")
    assert keys(steps) == ["extension_notice", "answer"]  # extending again is not offered
    notice, answer = steps
    assert notice.text == (
        "Mededeling van de verlenging, met de redenen, aan de betrokkene uiterlijk donderdag "
        "2 april 2026 (art. 12 lid 3)."
    )
    assert notice.actions == ("record_extension_notice",)
    assert (
        answer.text == "Antwoordbrief nog niet verstuurd: antwoorden uiterlijk dinsdag 2 juni 2026."
    )

    late = steps_on(case, datetime.date(2026, 4, 3), "en")[0]
    assert late.urgency == "overdue"
    assert late.text == (
        "The data subject has not been told of the extension, and the original due date "
        "(Thursday 2 April 2026) has passed: tell them now, with the reasons."
    )

    services.case_record_extension_notice(case_id=case.pk, actor=actor, now=STEP)
    assert keys(steps_on(case, datetime.date(2026, 3, 9), "nl")) == ["answer"]


def test_past_the_due_date_it_says_the_answer_is_late(new_case, actor):
    case = new_case()
    services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.KNOWN_CONTACT, now=STEP
    )
    [answer] = steps_on(case, datetime.date(2026, 4, 3), "nl")
    assert answer.urgency == "overdue"
    assert answer.text == (
        "Antwoordbrief nog niet verstuurd, en de termijn is op donderdag 2 april 2026 "
        "verstreken: antwoord zonder verdere vertraging."
    )


def test_a_reply_letter_ready_then_sent(new_case, actor, officer_user):
    case = new_case(channel=Channel.POST, subject_email="")
    services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.KNOWN_CONTACT, now=STEP
    )
    ack = factories.archived_letter(case, user=officer_user, at=STEP, letter_type="acknowledgement")
    letters.letter_record_posted(letter_id=ack.pk, actor=actor, now=STEP)
    reply = factories.archived_letter(case, user=officer_user, at=STEP, letter_type="access_answer")
    answer = steps_on(case, datetime.date(2026, 3, 9), "en")[0]
    assert answer.text.startswith("The reply letter is ready but not sent yet")
    assert answer.actions == ("close",)

    letters.letter_record_posted(
        letter_id=reply.pk, actor=actor, posted_on=datetime.date(2026, 3, 9),
        now=factories.at(2026, 3, 9, 15),
    )  # fmt: skip
    steps = steps_on(case, datetime.date(2026, 3, 10), "nl")
    assert keys(steps) == ["close"]
    assert steps[0].text == (
        "De antwoordbrief is op maandag 9 maart 2026 verstuurd: sluit het verzoek af met de "
        "uitkomst."
    )
    assert steps[0].actions == ("close",)


def test_a_closed_or_withdrawn_request_needs_nothing(new_case, actor):
    closed = new_case()
    services.case_close(
        case_id=closed.pk, actor=actor, outcome=Outcome.NOT_VALID, reason="Geen.", now=STEP
    )
    assert texts(steps_on(closed, datetime.date(2026, 3, 9), "nl")) == [
        "Afgesloten op vrijdag 6 maart 2026: er hoeft niets meer te gebeuren."
    ]
    withdrawn = new_case()
    services.case_withdraw(case_id=withdrawn.pk, actor=actor, now=STEP)
    assert texts(steps_on(withdrawn, datetime.date(2026, 3, 9), "en")) == [
        "Withdrawn on Friday 6 March 2026: nothing more is due."
    ]


def test_an_unconfirmed_web_request_is_not_a_request_yet():
    case = factories.case(received_at=RECEIVED, now=RECEIVED, channel="web", unconfirmed=True)
    [step] = steps_on(case, datetime.date(2026, 3, 5), "en")
    assert step.key == "done"
    assert step.text.startswith("The data subject has not confirmed the e-mail address yet")


def test_only_the_actions_the_user_may_take_are_kept(new_case):
    case = new_case(channel=Channel.POST, subject_email="")
    steps = steps_on(case, datetime.date(2026, 3, 9), "en", available={"verify_identity"})
    assert [step.actions for step in steps] == [(), ("verify_identity",), (), ()]
    assert keys(steps) == ["acknowledge", "identity", "answer", "extend"]  # still said


def test_the_decision_reads_nothing_from_the_database(new_case, django_assert_num_queries):
    case = new_case()
    facts = CaseFacts(acknowledged=False, reply_generated=True)
    with django_assert_num_queries(0), translation.override("en"):
        steps = next_steps(case, today=datetime.date(2026, 3, 9), facts=facts)
    assert keys(steps) == ["acknowledge", "identity", "answer", "extend"]
