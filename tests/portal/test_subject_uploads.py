"""Uploads on the status page (the subject's reply, in any open state): PDF, JPEG or PNG by
their content, within the size limit; refused with a clear message otherwise; stored
outside any public root, audited, nothing half-stored; served only to the link holder and
to officers with permission."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import filecrypt, tokens
from cases.models import CaseEvent, EventKind, SubjectFile, SubjectSubmission
from cases.services import CaseActionError
from correspondence import services as correspondence_services
from tests.factories import officer

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50
EXE = b"MZ\x90\x00" + b"\x00" * 100


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def waiting(case_in):
    """A case waiting for identity documents, and its status page path."""
    case = case_in("waiting")
    token = tokens.status_token_create(case)
    return case, f"/status/{token}/", token


def post(client, path, files=(), message=""):
    return client.post(path + "upload/", {"files": list(files), "message": message})


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_status_page_offers_the_upload_form_while_waiting(client, waiting):
    case, path, _token = waiting
    page = client.get(path).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert "Masked copy of ID" in page  # what the officer asked


@pytest.mark.parametrize(
    ("name", "content", "content_type", "stored_as"),
    [
        ("paspoort.pdf", PDF, "application/pdf", "paspoort.pdf"),
        ("voorkant.JPG", JPEG, "image/jpeg", "voorkant.jpg"),
        ("achterkant.png", PNG, "image/png", "achterkant.png"),
        ("scan-without-extension", PDF, "application/pdf", "scan-without-extension.pdf"),
        # The name is wrong, the content is fine: named after the content.
        ("foto.pdf", JPEG, "image/jpeg", "foto.jpg"),
    ],
)
def test_accepted_files_are_stored_privately_and_put_on_the_timeline(
    client, waiting, private_root, settings, name, content, content_type, stored_as
):
    case, path, _token = waiting
    response = post(client, path, [upload(name, content)], message="Zie bijlage <b>")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "ontvangen" in page.lower()

    stored = SubjectFile.objects.get()
    assert stored.content_type == content_type
    assert stored.original_name == stored_as
    assert stored.size == len(content)
    on_disk = Path(private_root) / stored.storage_path
    # Encrypted at rest: what is on disk is not the file, and decrypts to exactly the file.
    assert on_disk.read_bytes().startswith(filecrypt.MAGIC)
    assert content not in on_disk.read_bytes()
    assert filecrypt.read_bytes(on_disk) == content
    assert name not in stored.storage_path  # a random name on disk
    assert str(settings.STATIC_ROOT) not in str(on_disk.resolve())

    event = CaseEvent.objects.filter(case=case, kind=EventKind.DOCUMENT).get()
    assert event.actor_type == "subject"
    assert event.changes["files"] == stored_as
    assert event.message == "Zie bijlage <b>"
    assert "Zie bijlage &lt;b&gt;" in page


def test_several_files_and_a_message_arrive_together(client, waiting):
    case, path, _token = waiting
    response = post(
        client, path, [upload("a.pdf", PDF), upload("b.png", PNG)], message="Voor- en achterkant"
    )
    assert response.status_code == 302
    submission = SubjectSubmission.objects.get()
    assert [f.original_name for f in submission.files.all()] == ["a.pdf", "b.png"]
    assert submission.message == "Voor- en achterkant"


def test_a_message_alone_is_fine(client, waiting):
    _case, path, _token = waiting
    assert post(client, path, message="Ik heb geen paspoort, wel een rijbewijs.").status_code == 302
    assert SubjectSubmission.objects.get().files.count() == 0


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([("virus.pdf", EXE)], "is geen PDF-, JPEG- of PNG-bestand"),
        ([("notes.txt", b"hello")], "is geen PDF-, JPEG- of PNG-bestand"),
        ([("leeg.pdf", b"")], "is leeg"),
        ([("late-header.pdf", b" " + PDF)], "is geen PDF-, JPEG- of PNG-bestand"),
        ([("good.pdf", PDF), ("bad.docx", b"PK\x03\x04")], "“bad.docx”"),
    ],
)
def test_wrong_files_are_refused_and_nothing_is_stored(
    client, waiting, private_root, files, expected
):
    case, path, _token = waiting
    response = post(client, path, [upload(n, c) for n, c in files], message="hier")
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in page
    assert 'aria-invalid="true"' in page
    assert not SubjectSubmission.objects.exists()
    assert not SubjectFile.objects.exists()
    assert not stored_files(private_root)
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.DOCUMENT).exists()


def test_nothing_at_all_is_refused(client, waiting):
    _case, path, _token = waiting
    response = post(client, path)
    assert response.status_code == 200
    assert "Voeg een bestand toe of schrijf een bericht" in response.content.decode()


def test_an_oversized_file_is_dropped_while_it_arrives(client, waiting, private_root, settings):
    settings.DSAR_UPLOAD_MAX_MB = 1
    _case, path, _token = waiting
    big = PDF + b"0" * (1024 * 1024)
    response = post(client, path, [upload("groot.pdf", big), upload("klein.pdf", PDF)])
    assert response.status_code == 200
    assert "“groot.pdf” is groter dan 1 MB" in response.content.decode()
    assert not SubjectFile.objects.exists()
    assert not stored_files(private_root)


def test_at_most_the_set_number_of_files_at_once(client, waiting, settings):
    settings.DSAR_UPLOAD_MAX_FILES = 2
    _case, path, _token = waiting
    response = post(client, path, [upload(f"{n}.pdf", PDF) for n in range(3)])
    assert response.status_code == 200
    assert "Stuur maximaal 2 bestanden tegelijk" in response.content.decode()
    assert not SubjectFile.objects.exists()


def test_a_failure_after_the_files_were_written_removes_them(waiting, private_root, monkeypatch):
    case, _path, _token = waiting

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(correspondence_services, "record_event", broken)
    with pytest.raises(RuntimeError):
        correspondence_services.subject_reply(
            case_id=case.pk,
            message="",
            files=[(upload("a.pdf", PDF), "application/pdf"), (upload("b.png", PNG), "image/png")],
        )
    assert not stored_files(private_root)
    assert not SubjectSubmission.objects.exists()


def test_a_case_in_progress_takes_uploads_too(client, case_in, private_root):
    case = case_in("in_progress")
    path = f"/status/{tokens.status_token_create(case)}/"
    assert "multipart/form-data" in client.get(path).content.decode()
    assert post(client, path, [upload("a.pdf", PDF)]).status_code == 302
    assert len(stored_files(private_root)) == 1


def test_a_closed_case_takes_no_uploads_and_shows_what_was_typed(client, case_in, private_root):
    case = case_in("closed")
    path = f"/status/{tokens.status_token_create(case)}/"
    assert "multipart/form-data" not in client.get(path).content.decode()
    response = post(client, path, [upload("a.pdf", PDF)], message="Nog een vraag")
    assert response.status_code == 409
    page = response.content.decode()
    assert "Dit verzoek is afgesloten, dus er is niets verstuurd" in page
    assert "Nog een vraag" in page  # kept, to copy
    assert not stored_files(private_root)
    with pytest.raises(CaseActionError):
        correspondence_services.subject_reply(case_id=case.pk, message="x", files=[])


def test_the_upload_form_needs_its_csrf_token(waiting):
    from django.test import Client

    _case, path, _token = waiting
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path + "upload/", {"files": [upload("a.pdf", PDF)]})
    assert response.status_code == 403
    assert "Uw formulier kon niet worden verstuurd" in response.content.decode()
    assert not SubjectFile.objects.exists()


def test_the_link_holder_can_download_what_they_sent(client, waiting):
    case, path, token = waiting
    post(client, path, [upload("paspoort.pdf", PDF)])
    stored = SubjectFile.objects.get()
    response = client.get(f"{path}files/{stored.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="paspoort.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_changed_on_disk_is_not_served_but_a_friendly_page(
    client, waiting, private_root, caplog
):
    _case, path, _token = waiting
    post(client, path, [upload("paspoort.pdf", PDF)])
    stored = SubjectFile.objects.get()
    on_disk = Path(private_root) / stored.storage_path
    raw = bytearray(on_disk.read_bytes())
    raw[-5] ^= 1  # one bit of the encrypted file
    on_disk.write_bytes(bytes(raw))

    response = client.get(f"{path}files/{stored.pk}/")

    assert response.status_code == 410
    assert PDF not in response.content
    assert "fails its check" in caplog.text


def test_another_case_s_link_cannot_download_the_file(client, waiting, case_in):
    _case, path, _token = waiting
    post(client, path, [upload("paspoort.pdf", PDF)])
    stored = SubjectFile.objects.get()
    other = case_in("waiting", subject_email="other@example.org")
    other_path = f"/status/{tokens.status_token_create(other)}/"
    assert client.get(f"{other_path}files/{stored.pk}/").status_code == 404


def test_officers_download_with_permission_only(client, waiting, officer_client):
    from django.contrib.auth.models import Permission
    from django.test import Client

    case, path, _token = waiting
    post(client, path, [upload("paspoort.pdf", PDF)])
    stored = SubjectFile.objects.get()
    url = reverse("officers:subject_file_download", args=[stored.pk])

    page = officer_client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "Sent by the data subject" in page
    assert f'href="{url}"' in page
    response = officer_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    # Staff without the permission, and visitors, get nothing.
    helpdesk = officer("helpdesk")
    helpdesk.groups.clear()
    helpdesk.user_permissions.add(Permission.objects.get(codename="view_case"))
    staff = Client(headers={"accept-language": "en"})
    staff.force_login(helpdesk)
    assert staff.get(url).status_code == 403
    page = staff.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "You do not have permission to open files" in page
    assert f'href="{url}"' not in page
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]


def test_after_sending_the_page_says_it_arrived(client, waiting):
    _case, path, _token = waiting
    assert "Wacht op u" in client.get(path).content.decode()
    post(client, path, [upload("paspoort.pdf", PDF)])
    page = client.get(path).content.decode()
    assert "Wij bekijken wat u hebt gestuurd" in page
    assert "Wacht op u" not in page
    assert "Nog iets sturen" in page  # the form stays, for a forgotten page
    assert "paspoort.pdf" in page
