"""One name per right and language (issue 19): the public form, the e-mails, the admin and the
letters call each right the same, in Dutch and in English."""

import pytest
from django.utils import translation

from cases.models import RequestType
from casework.forms import RIGHTS
from letters.models import LetterType

LANGUAGES = ["nl", "en"]

# The answer letter of each right, whose label names the right too.
ANSWER_LETTER = {
    RequestType.ACCESS: None,  # "Antwoord op inzageverzoek": a compound of the name
    RequestType.RECTIFICATION: LetterType.RECTIFICATION_DONE,
    RequestType.ERASURE: LetterType.ERASURE_DONE,
    RequestType.RESTRICTION: LetterType.RESTRICTION_APPLIED,
    RequestType.PORTABILITY: LetterType.PORTABILITY_ANSWER,
    RequestType.OBJECTION: LetterType.OBJECTION_UPHELD,
}


def name_of(request_type) -> str:
    """The right's name: its label without what is in brackets."""
    return str(RequestType(request_type).label).split(" (")[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_titles_begin_with_the_name_used_everywhere(language):
    with translation.override(language):
        for value, title, _description in RIGHTS:
            assert str(title).startswith(name_of(value) + ": "), (value, str(title))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_answer_letters_use_the_same_name(language):
    with translation.override(language):
        for request_type, letter_type in ANSWER_LETTER.items():
            if letter_type is None:
                continue
            label = str(LetterType(letter_type).label).lower()
            assert name_of(request_type).lower() in label, (request_type, label)


def test_the_dutch_names_are_plain_words_with_the_legal_term_beside_them():
    with translation.override("nl"):
        labels = [str(label) for label in RequestType.labels]
    assert labels == [
        "Inzage (art. 15)",
        "Correctie (rectificatie, art. 16)",
        "Verwijdering (recht op vergetelheid, art. 17)",
        "Afscherming (beperking van de verwerking, art. 18)",
        "Overdracht (recht op overdraagbaarheid, art. 20)",
        "Bezwaar (art. 21)",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "name"), [("nl", "Verwijdering"), ("en", "Erasure")])
def test_the_form_and_the_confirmation_email_name_the_right_alike(client, deliver, language, name):
    from tests.portal.conftest import form_data

    client.cookies["django_language"] = language
    page = client.get("/").content.decode()
    assert f"{name}: " in page
    client.post(
        "/", form_data(request_type="erasure", description="Mijn account.", language=language)
    )
    [message] = deliver()
    assert f": {name} (" in message.subject
    assert f"{name} (" in message.body
