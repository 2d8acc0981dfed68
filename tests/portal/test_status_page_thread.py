"""The thread on the status page: the subject reads the officers' messages and questions in
their language and replies with text and files in any open state; bad input gets a clear
message in their language and keeps what they typed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import tokens
from cases.audit import Actor
from cases.models import CasePause, Status, SubjectFile
from correspondence.models import Message, MessageKind
from correspondence.services import message_send
from tests.factories import at

from .test_subject_uploads import EXE, PDF

pytestmark = pytest.mark.django_db

QUESTION = "Welk klantnummer hoort bij uw verzoek?"


@pytest.fixture
def asked(case_in, officer_user):
    """A request in progress with a clarification question asked on 6 March (reply by 20
    March), and its status page path."""
    case = case_in("in_progress")
    message_send(
        case_id=case.pk,
        actor=Actor.staff(officer_user),
        body=QUESTION,
        kind=MessageKind.CLARIFICATION_QUESTION,
        now=at(2026, 3, 6),
    )
    case.refresh_from_db()
    return case, f"/status/{tokens.status_token_create(case)}/"


def reply(client, path, message="", files=()):
    return client.post(path + "upload/", {"message": message, "files": list(files)})


def test_the_subject_reads_the_question_in_dutch(client, asked):
    _case, path = asked
    page = client.get(path).content.decode()
    assert QUESTION in page
    assert "Vraag" in page and "Graag uw antwoord vóór vrijdag 20 maart 2026." in page
    assert "Wacht op u" in page
    assert 'enctype="multipart/form-data"' in page


def test_and_in_english(client, asked):
    _case, path = asked
    page = client.get(path + "?lang=en").content.decode()
    assert "Please answer by Friday 20 March 2026." in page
    assert "Messages" in page and "Question" in page


def test_a_reply_with_a_file_ends_the_wait(client, asked):
    case, path = asked
    response = reply(client, path, "Klantnummer 4711", [SimpleUploadedFile("id.pdf", PDF)])
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert CasePause.objects.get(case=case).ended_at is not None
    page = client.get(path).content.decode()
    assert "Wij bekijken wat u hebt gestuurd" in page
    assert "Klantnummer 4711" in page and "id.pdf" in page
    assert Message.objects.filter(case=case).count() == 2


def test_an_empty_reply_is_refused_in_the_subject_s_language(client, asked):
    _case, path = asked
    response = reply(client, path, "   ")
    assert response.status_code == 200
    assert "Voeg een bestand toe of schrijf een bericht." in response.content.decode()
    client.get(path + "?lang=en")
    response = reply(client, path, "")
    assert "Add a file or write a message." in response.content.decode()
    assert Message.objects.count() == 1


def test_a_wrong_file_type_is_refused_and_the_text_kept(client, asked, private_root):
    case, path = asked
    response = reply(client, path, "Mijn getypte uitleg", [SimpleUploadedFile("virus.pdf", EXE)])
    page = response.content.decode()
    assert "“virus.pdf” is geen PDF-, JPEG- of PNG-bestand." in page
    assert "Mijn getypte uitleg</textarea>" in page
    assert not SubjectFile.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.WAITING


def test_a_too_large_file_is_refused_and_the_text_kept(client, asked, settings):
    settings.DSAR_UPLOAD_MAX_MB = 1
    _case, path = asked
    big = SimpleUploadedFile("groot.pdf", PDF + b"\0" * (1024 * 1024))
    page = reply(client, path, "Met bijlage", [big]).content.decode()
    assert "“groot.pdf” is groter dan 1 MB. Stuur een kleiner bestand." in page
    assert "Met bijlage</textarea>" in page
    assert not SubjectFile.objects.exists()


def test_a_bad_link_gets_the_friendly_page(client):
    response = reply(client, "/status/not-a-token/", "Hallo")
    assert response.status_code == 404
    assert not Message.objects.exists()
