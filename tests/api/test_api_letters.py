"""Letters through the API: which kinds there are, generating one (a real PDF), listing a
case's letters and downloading the archived file."""

import hashlib

import pytest

from cases.models import CaseEvent, EventKind, Status

pytestmark = pytest.mark.django_db


def test_it_lists_the_kinds_of_letter_and_their_parts(api):
    types = {t["type"]: t for t in api.get("/api/letter-types/").json()}
    assert "access_answer" in types and "acknowledgement" in types
    refusal = types["refusal"]
    assert refusal["is_reply"] is True
    scope = next(f for f in refusal["fields"] if f["name"] == "scope")
    assert scope["kind"] == "choice" and scope["choices"] == ["full", "partial"]


def test_it_generates_lists_and_downloads_a_letter(api, case_in, private_files):
    case = case_in(Status.NEW, subject_language="en")
    response = api.post(
        f"/api/cases/{case.pk}/letters/generate/",
        {"letter_type": "acknowledgement", "fields": {"note": "We will call you."}},
        format="json",
    )
    assert response.status_code == 201, response.content
    letter = response.json()
    assert letter["language"] == "en"  # the subject's language by default
    assert letter["version"] == 1
    assert letter["sent_at"] is None
    assert response["Location"] == letter["download_url"]
    event = CaseEvent.objects.get(case=case, kind=EventKind.LETTER)
    assert event.changes["letter"] == letter["id"]

    listed = api.get(f"/api/cases/{case.pk}/letters/").json()
    assert [row["id"] for row in listed] == [letter["id"]]

    download = api.get(letter["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == letter["sha256"]


def test_problems_in_the_parts_name_the_part(api, case_in, private_files):
    case = case_in(Status.NEW)
    response = api.post(
        f"/api/cases/{case.pk}/letters/generate/",
        {"letter_type": "acknowledgement", "fields": {"colour": "blue"}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_fields"
    assert list(response.json()["error"]["fields"]) == ["fields.colour"]

    response = api.post(
        f"/api/cases/{case.pk}/letters/generate/", {"letter_type": "poem"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_letter"


def test_a_letter_that_does_not_suit_the_case_now_is_a_409(api, case_in, private_files):
    case = case_in(Status.NEW)
    response = api.post(
        f"/api/cases/{case.pk}/letters/generate/",
        {"letter_type": "extension_notice"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "unavailable"


def test_a_changed_or_missing_file_is_not_served(api, case_in, stored_letter, private_files):
    case = case_in(Status.NEW)
    changed = stored_letter(case)
    (private_files / changed.file_path).write_bytes(b"%PDF-1.7 tampered")
    response = api.get(
        f"/api/letters/{changed.pk}/download/", headers={"accept": "application/pdf"}
    )
    assert response.status_code == 410
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "file_changed"

    missing = stored_letter(case)
    (private_files / missing.file_path).unlink()
    response = api.get(f"/api/letters/{missing.pk}/download/")
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "file_missing"

    assert api.get("/api/letters/999999/download/").status_code == 404


def test_letters_of_unconfirmed_requests_are_invisible(api, case_in, stored_letter):
    case = case_in(Status.UNCONFIRMED)
    letter = stored_letter(case)
    assert api.get(f"/api/letters/{letter.pk}/download/").status_code == 404
    assert api.get(f"/api/cases/{case.pk}/letters/").status_code == 404
