"""The identity request asks for the lighter means first and an ID copy only when the officer
chooses it (issue 17, item 4); the clarification request takes the subject's question and its
reply-by date from the thread, never an internal note (items 3 and 5); the case records the
means by which the identity was established."""

import datetime

import pytest
import time_machine

from cases import services as case_services
from cases.models import IdentityMethod, PauseReason
from correspondence.services import message_send
from letters import catalogue, services
from letters.models import LetterType, OrganisationProfile
from letters.services import LetterError
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = factories.at(2026, 3, 20, 11)


def prepare(case, letter_type, language="nl", **fields):
    return services.letter_prepare(
        case=case, letter_type=letter_type, language=language, fields=fields
    )[2]


def field_errors(case, letter_type, **fields):
    with pytest.raises(LetterError) as raised:
        prepare(case, letter_type, **fields)
    return raised.value.field_errors


def test_the_identity_request_starts_with_the_lightest_means_and_no_id_copy(make_case):
    case = make_case("access")
    fields = prepare(case, LetterType.IDENTITY_REQUEST)
    assert fields["means"] == "known_contact"
    assert [code for code, _label in catalogue.IDENTITY_MEANS][-1] == "id_copy"


def test_a_question_needs_its_text_and_an_id_copy_its_reason(make_case):
    case = make_case("access")
    assert "question" in field_errors(case, LetterType.IDENTITY_REQUEST, means="question")
    errors = field_errors(case, LetterType.IDENTITY_REQUEST, means="id_copy")
    assert "why_id_copy" in errors and "EDPB" in errors["why_id_copy"]


def test_the_internal_pause_note_never_reaches_the_clarification_letter(make_case, actor):
    case = make_case("access")
    case_services.case_pause(
        case_id=case.pk, actor=actor, reason=PauseReason.CLARIFICATION,
        note="Intern: klant belt steeds, lastig", now=TODAY,
    )  # fmt: skip
    spec = catalogue.get(LetterType.CLARIFICATION_REQUEST)
    with time_machine.travel(TODAY, tick=False):
        fields = catalogue.initial_fields(spec, case, OrganisationProfile.load(), "nl")
    assert fields["question"] == ""
    assert fields["reply_by"] == "2026-04-03"  # DSAR_QUESTION_REPLY_DAYS (14) from today


def test_the_clarification_letter_takes_the_question_sent_on_the_status_page(
    make_case, actor, settings
):
    settings.DSAR_QUESTION_REPLY_DAYS = 10
    case = make_case("access")
    message_send(
        case_id=case.pk, actor=actor, kind="clarification_question",
        body="Over welke winkel gaat uw verzoek?", reply_by=datetime.date(2026, 3, 27),
        now=TODAY,
    )  # fmt: skip
    with time_machine.travel(TODAY, tick=False):
        fields = prepare(case, LetterType.CLARIFICATION_REQUEST, "en")
    assert fields["question"] == "Over welke winkel gaat uw verzoek?"
    assert fields["reply_by"] == "2026-03-27"


@pytest.mark.parametrize("reply_by", ["2026-03-20", "2026-03-01", "20-03-2026"])
def test_the_reply_by_date_lies_ahead_and_is_a_date(make_case, reply_by):
    case = make_case("access")
    with time_machine.travel(TODAY, tick=False):
        errors = field_errors(
            case, LetterType.CLARIFICATION_REQUEST, question="Welke winkel?", reply_by=reply_by
        )
    assert list(errors) == ["reply_by"]


def test_the_case_records_that_a_question_established_the_identity(make_case, actor):
    case = make_case("access")
    case = case_services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.QUESTION,
        note="Datum laatste bestelling klopt.", now=TODAY,
    )  # fmt: skip
    assert case.identity_method == "question"
    event = case.events.get(kind="identity_verified")
    assert event.changes == {"method": "question"}
    # Lighter means first in every form and serializer that offers the choices.
    assert IdentityMethod.values.index("document") > IdentityMethod.values.index("question")
