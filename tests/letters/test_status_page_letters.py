"""Sent letters appear on the subject's status page and download from there, for the holder
of the status link only."""

import pytest
from django.test import Client

from cases import filecrypt, tokens
from cases.models import CaseEvent, EventKind
from letters import services
from letters.models import LetterType

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def sent_letter(make_case, make_letter, actor):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    services.letter_send(letter_id=letter.pk, actor=actor)
    letter.refresh_from_db()
    return letter


def test_a_sent_letter_is_listed_and_downloads(client, sent_letter):
    token = tokens.status_token_create(sent_letter.case)
    url = f"/status/{token}/letters/{sent_letter.pk}/"

    page = client.get(f"/status/{token}/").content.decode()
    response = client.get(url)

    assert f'href="{url}"' in page
    assert "Ontvangstbevestiging (brief)" in page  # titled in the page's language
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert sent_letter.filename in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"
    assert b"".join(response.streaming_content) == filecrypt.read_bytes(sent_letter.absolute_path)


def test_the_first_download_goes_on_the_timeline(client, sent_letter):
    token = tokens.status_token_create(sent_letter.case)

    client.get(f"/status/{token}/letters/{sent_letter.pk}/")
    client.get(f"/status/{token}/letters/{sent_letter.pk}/")

    downloads = CaseEvent.objects.filter(
        case=sent_letter.case, kind=EventKind.LETTER, changes__action="downloaded"
    )
    assert downloads.count() == 1
    assert downloads.get().actor_type == "subject"


def test_an_unsent_letter_is_neither_listed_nor_served(client, make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    token = tokens.status_token_create(case)
    url = f"/status/{token}/letters/{letter.pk}/"

    page = client.get(f"/status/{token}/").content.decode()

    assert url not in page
    assert client.get(url).status_code == 404


def test_another_cases_token_does_not_open_the_letter(client, sent_letter, make_case):
    other = make_case("access", subject_name="Piet Jansen", subject_email="piet@example.org")
    token = tokens.status_token_create(other)

    assert client.get(f"/status/{token}/letters/{sent_letter.pk}/").status_code == 404
    assert client.get(f"/status/{'A' * 43}/letters/{sent_letter.pk}/").status_code == 404


def test_a_tampered_file_is_not_served(client, sent_letter):
    token = tokens.status_token_create(sent_letter.case)
    path = sent_letter.absolute_path
    path.chmod(0o640)
    path.write_bytes(path.read_bytes() + b"%tampered")

    response = client.get(f"/status/{token}/letters/{sent_letter.pk}/")

    assert response.status_code == 410
