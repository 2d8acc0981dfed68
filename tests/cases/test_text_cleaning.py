"""Text people type is cleaned the same way on every interface (``cases.text.clean_text``):
control, invisible and direction characters go, every letter of every script stays. Shown for
the cleaner itself, the public form, the public API, the officers' API and the admin."""

import datetime
import sys
import unicodedata

import pytest
from django.test import Client
from django.utils import timezone

from cases.models import Case, CasePause
from cases.text import KEPT_FORMAT_CHARACTERS, clean_text
from tests.portal.conftest import form_data

# What the fault-finding found kept: U+202E turns a name around in a letter, U+200B, U+200E,
# U+200F, U+061C and U+2060 hide "Vries" from the admin's search.
HOSTILE = "\u202eZo\u200bë de \u200eV\u200fr\u061cie\u2060s\u202c"
CLEAN = "Zoë de Vries"
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def test_it_removes_every_invisible_formatting_character_but_the_kept_ones():
    format_characters = [
        chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"
    ]
    assert len(format_characters) > 150
    for character in format_characters:
        expected = "a" + character + "b" if character in KEPT_FORMAT_CHARACTERS else "ab"
        assert clean_text("a" + character + "b") == expected, f"U+{ord(character):04X}"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (HOSTILE, CLEAN),
        ("de\u00a0Vries", "de Vries"),  # no-break space
        ("de\u2003\u3000Vries", "de Vries"),  # em and ideographic space
        ("Vr\u00adies", "Vries"),  # soft hyphen
        ("a\x00b\x1bc\x7fd\x85e", "abcde"),  # C0 and C1 controls
        ("Zoe\u0308", "Zoë"),  # composed (NFC)
        ("a\ud800b", "ab"),  # a lone surrogate, as JSON can carry
        ("میخواهم", "میخواهم"),  # Persian with its zero-width non-joiner
        ("👩\u200d💻", "👩\u200d💻"),  # an emoji with its joiner
        ("李雷 Мария محمد", "李雷 Мария محمد"),
    ],
)
def test_it_keeps_letters_and_removes_what_hides_them(typed, stored):
    assert clean_text(typed) == stored


def test_multiline_text_keeps_its_lines():
    assert clean_text("een\r\ntwee\u2028drie\u2029\u200evier", multiline=True) == (
        "een\ntwee\ndrie\nvier"
    )
    assert clean_text("een\r\ntwee") == "een twee"


# --- Every interface -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_form_cleans_names_and_texts(client):
    response = client.post(
        "/",
        form_data(
            name=HOSTILE,
            email="\u200bzoe@example.org\u200e",
            description="Mijn\u202e gegevens\u2066",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.subject_name == CLEAN
    assert case.subject_email == "zoe@example.org"
    assert case.description == "Mijn gegevens"


@pytest.mark.django_db
def test_the_public_api_cleans_names_and_texts(client):
    response = client.post(
        "/api/public/requests/",
        {
            "request_type": "access",
            "name": HOSTILE,
            "email": "zoe@example.org\u2060",
            "description": "a\u200fb",
            "language": "nl",
        },
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    case = Case.objects.get()
    assert (case.subject_name, case.subject_email, case.description) == (
        CLEAN,
        "zoe@example.org",
        "ab",
    )


def _api(officer_user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(officer_user)
    return client


@pytest.mark.django_db
def test_the_officers_api_cleans_names_and_texts(officer_user):
    api = _api(officer_user)
    response = api.post(
        "/api/cases/create/",
        {
            "request_type": "erasure",
            "channel": "email",
            "received_at": f"{YESTERDAY}T10:00:00+01:00",
            "subject_name": HOSTILE,
            "subject_email": "zoe@example.org\u200b",
            "subject_address": "Straat 1\u202e\n1234 AB\u2066 Utrecht",
            "description": "Verwijder\u200b mijn account",
            "representative_name": "\u202eDaan",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.subject_name == CLEAN
    assert case.subject_email == "zoe@example.org"
    assert case.subject_address == "Straat 1\n1234 AB Utrecht"
    assert case.description == "Verwijder mijn account"
    assert case.representative_name == "Daan"
    # Nothing but invisible characters is nothing: the name is required.
    response = api.post(
        "/api/cases/create/",
        {
            "request_type": "access",
            "channel": "email",
            "received_at": f"{YESTERDAY}T10:00:00+01:00",
            "subject_name": "\u200b\u202e",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "subject_name" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_the_officers_api_cleans_action_notes(officer_user, case_in):
    case = case_in("identity_check")
    response = _api(officer_user).post(
        f"/api/cases/{case.pk}/pause/",
        {"reason": "identity", "note": "Stuur een kopie\u202e van uw ID\u200b"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert CasePause.objects.get(case=case).note == "Stuur een kopie van uw ID"


@pytest.mark.django_db
def test_the_admin_cleans_names_and_texts(officer_client):
    response = officer_client.post(
        "/admin/cases/case/add/",
        {
            "request_type": "erasure",
            "channel": "post",
            "received_at_0": YESTERDAY.isoformat(),
            "received_at_1": "08:00",
            "description": "Verwijder\u2060 mijn\r\naccount",
            "subject_name": HOSTILE,
            "subject_email": "\u200ezoe@example.org",
            "subject_phone": "06\u200b12345678",
            "subject_address": "Straat 1\u202e\n1234 AB Utrecht",
            "subject_language": "nl",
            "representative_name": "",
            "representative_details": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.subject_name == CLEAN
    assert case.subject_email == "zoe@example.org"
    assert case.subject_phone == "0612345678"
    assert case.subject_address == "Straat 1\n1234 AB Utrecht"
    assert case.description == "Verwijder mijn\naccount"


@pytest.mark.django_db
def test_the_admin_cleans_action_notes(officer_client, case_in):
    case = case_in("identity_check")
    response = officer_client.post(
        f"/admin/cases/case/{case.pk}/do/pause/",
        {"reason": "identity", "note": "\u202eStuur\u200f een kopie", "apply": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CasePause.objects.get(case=case).note == "Stuur een kopie"
