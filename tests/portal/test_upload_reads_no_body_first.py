"""The upload reads nothing of its body before the link and the rate limit are checked (a
wrong link with 100 files of 9 MB made the server write 895 MB of temporary files before it
answered 404), keeps no file sent to a closed request, and no address takes a body larger
than the upload form can hold. Shown with the CSRF check on, as in a browser: it reads the
whole form."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client

from cases import tokens
from cases.models import SubjectFile

from .test_subject_uploads import PDF

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
BAD_TOKEN = "eyJjIjo0Mn0:1xZVFi:PaYA-BIwRZSp2lI_1iae3UVt4uXyNxY7cvgZyPCNAfg"


@pytest.fixture
def parsed():
    """Each multipart body Django parses (into memory and temporary files)."""
    calls = []
    original = MultiPartParser.parse

    def parse(self):
        calls.append(self)
        return original(self)

    with mock.patch.object(MultiPartParser, "parse", parse):
        yield calls


@pytest.fixture
def browser():
    """A browser with the CSRF cookie, as after opening any page with a form."""
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    return client


def _post(browser, path, *, size=3 * MB, count=3):
    files = [
        SimpleUploadedFile(f"scan{n}.pdf", PDF + b"\0" * size, content_type="application/pdf")
        for n in range(count)
    ]
    return browser.post(
        path, {"files": files, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value}
    )


def test_a_wrong_link_is_refused_before_the_body_is_read(browser, parsed, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # every file would go to a temporary file
    response = _post(browser, f"/status/{BAD_TOKEN}/upload/")
    assert response.status_code == 404
    assert parsed == []
    assert list(tmp_path.iterdir()) == []


def test_the_rate_limit_is_checked_before_the_body_is_read(browser, parsed, settings, case_in):
    settings.DSAR_RATE_LIMITS = {**settings.DSAR_RATE_LIMITS, "upload_ip": "1/h"}
    path = f"/status/{tokens.status_token_create(case_in('waiting'))}/upload/"
    assert _post(browser, path, size=10, count=1).status_code == 302
    assert len(parsed) == 1
    assert _post(browser, path).status_code == 429
    assert len(parsed) == 1
    assert SubjectFile.objects.count() == 1


def test_a_closed_case_drops_every_file_as_it_arrives(browser, parsed, settings, case_in, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # every file would go to a temporary file
    path = f"/status/{tokens.status_token_create(case_in('closed'))}/upload/"
    assert _post(browser, path).status_code == 409
    assert list(tmp_path.iterdir()) == []  # only the typed text was kept, to show back
    assert not SubjectFile.objects.exists()


def test_a_good_link_still_needs_the_csrf_token(parsed, case_in):
    path = f"/status/{tokens.status_token_create(case_in('waiting'))}/upload/"
    response = Client(enforce_csrf_checks=True).post(
        path, {"files": [SimpleUploadedFile("a.pdf", PDF)]}
    )
    assert response.status_code == 403
    assert not SubjectFile.objects.exists()


def test_the_upload_takes_no_body_larger_than_a_full_form(browser, parsed, settings):
    settings.DSAR_UPLOAD_MAX_MB = 1
    settings.DSAR_UPLOAD_MAX_FILES = 2  # at most 2 MB of files and 1 MB for the rest
    response = _post(browser, f"/status/{BAD_TOKEN}/upload/", size=MB, count=3)
    assert response.status_code == 413
    assert parsed == []
    page = response.content.decode()
    assert "ten hoogste 2 bestanden van elk 1 MB" in page
    assert "at most 2 files of 1 MB each" in page


@pytest.mark.parametrize(
    "path", ["/", "/confirm/x/", "/i18n/setlang/", "/admin/login/", "/api/cases/create/"]
)
def test_other_addresses_take_no_body_larger_than_djangos_form_limit(browser, parsed, path):
    # DATA_UPLOAD_MAX_MEMORY_SIZE: 2.5 MB, below which Django keeps a form's files in memory.
    response = _post(browser, path, size=MB, count=3)
    assert response.status_code == 413
    assert parsed == []


def test_a_full_upload_form_is_not_too_large(browser, settings, case_in):
    settings.DSAR_UPLOAD_MAX_MB = 1
    settings.DSAR_UPLOAD_MAX_FILES = 2
    path = f"/status/{tokens.status_token_create(case_in('waiting'))}/upload/"
    assert _post(browser, path, size=MB - len(PDF), count=2).status_code == 302
    assert SubjectFile.objects.count() == 2
