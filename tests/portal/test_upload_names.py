"""An upload is stored, listed and downloaded under a name with the extension of the type its
content has, never the extension the uploader gave: a PDF sent as ``invoice.html`` (with a
script after the PDF header) or ``invoice.pdf.hta``, or a real PNG sent as ``photo.exe``,
never reaches an officer's or the subject's disk under a name their system would open with
a browser, mshta or as a program."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import tokens, uploads
from cases.models import SubjectFile

from .test_subject_uploads import PDF, PNG

pytestmark = pytest.mark.django_db

HOSTILE = [
    # (name sent, content, stored and served as, content type)
    ("invoice.html", PDF + b"<script>alert(1)</script>", "invoice.pdf", "application/pdf"),
    ("invoice.pdf.hta", PDF, "invoice.pdf", "application/pdf"),
    ("photo.exe", PNG, "photo.png", "image/png"),
    ("\u202efdp.exe", PDF, "fdp.pdf", "application/pdf"),  # shows as "exe.pdf" reversed
]


@pytest.fixture
def status_path(case_in, private_root):
    case = case_in("waiting")
    return f"/status/{tokens.status_token_create(case)}/"


@pytest.mark.parametrize(("sent_as", "content", "served_as", "content_type"), HOSTILE)
def test_an_upload_is_named_after_its_content(
    client, officer_client, status_path, sent_as, content, served_as, content_type
):
    response = client.post(
        status_path + "upload/",
        {"files": [SimpleUploadedFile(sent_as, content, content_type="text/html")]},
    )
    assert response.status_code == 302
    stored = SubjectFile.objects.get()
    assert stored.original_name == served_as
    assert stored.content_type == content_type
    assert stored.storage_path.endswith(served_as[served_as.rindex(".") :])
    # The status page lists it so, and the subject downloads it so.
    assert served_as in client.get(status_path).content.decode()
    download = client.get(f"{status_path}files/{stored.pk}/")
    assert download["Content-Disposition"] == f'attachment; filename="{served_as}"'
    assert download["Content-Type"] == content_type
    # And so does the officer.
    url = reverse("officers:subject_file_download", args=[stored.pk])
    download = officer_client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{served_as}"'
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_file_stored_under_its_old_name_is_served_under_a_safe_one(client, status_path):
    client.post(status_path + "upload/", {"files": [SimpleUploadedFile("photo.png", PNG)]})
    # As rows stored before names were made safe hold them.
    SubjectFile.objects.update(original_name="photo.exe")
    stored = SubjectFile.objects.get()
    download = client.get(f"{status_path}files/{stored.pk}/")
    assert download["Content-Disposition"] == 'attachment; filename="photo.png"'


@pytest.mark.parametrize(
    ("sent_as", "content_type", "safe"),
    [
        ("paspoort.pdf", "application/pdf", "paspoort.pdf"),
        ("voorkant.JPEG", "image/jpeg", "voorkant.jpg"),
        ("scan.jpeg.exe", "image/jpeg", "scan.jpg"),
        ("scan", "application/pdf", "scan.pdf"),
        ("..\\..\\windows\\evil.bat", "image/png", "evil.png"),
        (".pdf", "application/pdf", "pdf.pdf"),
        ("", "application/pdf", "document.pdf"),
    ],
)
def test_safe_names(sent_as, content_type, safe):
    assert uploads.safe_name(sent_as, content_type) == safe


def test_a_long_name_is_cut_before_its_extension():
    name = uploads.safe_name("a" * 300 + ".exe", "application/pdf")
    assert len(name) <= 200 and name.endswith("a.pdf")
