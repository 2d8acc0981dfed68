"""A representative's request (issue 17, item 8): the letters and e-mails greet the person who
asked, on the subject's behalf; the authorisation request is for such requests only, until the
authority is recorded; no access or portability answer goes out before it is."""

import pytest
from django.utils import translation

from cases import services as case_services
from cases.models import AuthorityProof
from letters import services
from letters.models import LetterType
from letters.services import LetterError
from notifications import rendering
from notifications.models import Kind, OutboundEmail
from tests import factories

pytestmark = pytest.mark.django_db

# The e-mail address of a representative's web request is the representative's.
REPRESENTED = {
    "subject_name": "Tim de Vries",
    "representative_name": "Marieke de Vries",
    "representative_details": "moeder",
    "subject_email": "marieke@example.org",
}


def prepare(case, letter_type, **fields):
    return services.letter_prepare(case=case, letter_type=letter_type, language="nl", fields=fields)


@pytest.mark.parametrize("letter_type", [LetterType.ACCESS_ANSWER])
def test_no_access_answer_before_the_authority_is_recorded(make_case, actor, letter_type):
    case = make_case("access", **REPRESENTED)
    with translation.override("en"), pytest.raises(LetterError) as raised:
        prepare(case, letter_type, processed="no")
    assert raised.value.code == "unavailable"
    assert "representative" in str(raised.value)

    case = case_services.case_record_authority(
        case_id=case.pk, actor=actor, proof=AuthorityProof.PARENTAL_AUTHORITY
    )
    assert prepare(case, letter_type, processed="no")


def test_no_portability_answer_before_the_authority_is_recorded(make_case):
    case = make_case("portability", **REPRESENTED)
    with pytest.raises(LetterError) as raised:
        prepare(case, LetterType.PORTABILITY_ANSWER)
    assert raised.value.code == "unavailable"


def test_the_authorisation_request_is_for_a_representative_until_recorded(make_case, actor):
    own = make_case("access")
    with pytest.raises(LetterError):
        prepare(own, LetterType.AUTHORISATION_REQUEST, proof="authorisation")
    case = make_case("access", **REPRESENTED)
    assert prepare(case, LetterType.AUTHORISATION_REQUEST, proof="authorisation")
    case = case_services.case_record_authority(
        case_id=case.pk, actor=actor, proof=AuthorityProof.AUTHORISATION
    )
    with pytest.raises(LetterError):
        prepare(case, LetterType.AUTHORISATION_REQUEST, proof="authorisation")


def test_the_letter_and_its_e_mail_greet_the_representative(make_case, make_letter, actor):
    case = make_case("access", **REPRESENTED)
    letter = make_letter(case, LetterType.AUTHORISATION_REQUEST, proof="parental_authority")
    services.letter_send(letter_id=letter.pk, actor=actor, now=factories.at(2026, 3, 20, 12))
    email = OutboundEmail.objects.get(kind=Kind.LETTER)
    assert email.to == "marieke@example.org"
    _subject, text, html = rendering.render_email(email)
    assert text.splitlines()[0] in ("Beste Marieke de Vries,", "Dear Marieke de Vries,")
    assert "Marieke de Vries" in html


def test_a_notice_to_a_recipient_is_never_e_mailed_to_the_subject(make_case, make_letter, actor):
    case = make_case("rectification", subject_email="zoe@example.org")
    letter = make_letter(
        case, LetterType.RECIPIENT_NOTIFICATION, recipient_name="Incasso B.V.",
        recipient_address="Postbus 1\n1000 AA Amsterdam", change="Nieuw adres: Molenweg 3.",
    )  # fmt: skip
    with pytest.raises(LetterError) as raised:
        services.letter_send(letter_id=letter.pk, actor=actor)
    assert raised.value.code == "not_for_subject"
    assert not OutboundEmail.objects.filter(kind=Kind.LETTER).exists()
