"""The officer's workflow in the admin: the letters panel on the case page, compose with the
pre-filled standard text, preview as HTML, generate, download, send, record as posted; and
who may do what."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from PIL import Image

from cases import filecrypt
from cases.models import CaseEvent, EventKind
from letters.models import Letter, LetterType, OrganisationProfile
from notifications.models import OutboundEmail

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def compose_url(case, **params):
    url = reverse("admin:letters_letter_compose", args=[case.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_the_case_page_lists_its_letters(officer_client, make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    make_letter(case, LetterType.ACKNOWLEDGEMENT, "en")

    page = officer_client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    assert 'id="letters-heading"' in page
    assert "v1" in page and "v2" in page
    assert letter.sha256[:12] in page
    assert reverse("admin:letters_letter_download", args=[letter.pk]) in page
    assert reverse("admin:letters_letter_send", args=[letter.pk]) in page
    assert compose_url(case) in page


def test_compose_prefills_the_standard_text(officer_client, make_case):
    case = make_case("access")
    profile = OrganisationProfile.load()

    chooser = officer_client.get(compose_url(case))
    form = officer_client.get(compose_url(case, letter_type="access_answer", language="en"))

    assert chooser.status_code == 200
    assert 'name="letter_type"' in chooser.content.decode()
    page = form.content.decode()
    assert form.status_code == 200
    assert profile.retention_en.split(".")[0] in page
    assert 'name="purposes"' in page and 'name="transfers"' in page and 'name="annex"' in page


def test_preview_shows_the_letter_without_storing_it(officer_client, make_case):
    case = make_case("rectification")

    response = officer_client.post(
        compose_url(case),
        {
            "letter_type": "rectification_done",
            "language": "nl",
            "corrections": "Uw adres is nu Molenweg 3.",
            "recipients_note": "",
            "preview": "1",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<iframe sandbox" in page
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in page  # the letter inside the attribute, escaped
    assert "Uw adres is nu Molenweg 3." in page
    assert "artikel 19 AVG" in page
    assert not Letter.objects.exists()


def test_missing_parts_are_shown_on_the_form(officer_client, make_case):
    case = make_case("rectification")

    response = officer_client.post(
        compose_url(case),
        {"letter_type": "rectification_done", "language": "en", "corrections": "", "generate": "1"},
    )

    assert response.status_code == 200
    assert "This part is required." in response.content.decode()
    assert not Letter.objects.exists()


def test_generate_archives_the_pdf_and_returns_to_the_case(officer_client, make_case):
    case = make_case("rectification")

    response = officer_client.post(
        compose_url(case),
        {
            "letter_type": "rectification_done",
            "language": "en",
            "corrections": "Your address is now Molenweg 3.",
            "recipients_note": "",
            "generate": "1",
        },
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:cases_case_change", args=[case.pk]))
    letter = Letter.objects.get()
    assert (letter.letter_type, letter.language, letter.version) == ("rectification_done", "en", 1)
    assert "Your address is now Molenweg 3." in pdf_text(letter.absolute_path)


def test_download_send_and_post(officer_client, make_case, make_letter):
    case = make_case("access")
    emailed = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    posted = make_letter(
        case, LetterType.REFUSAL, "nl", ground="excessive", reasons="Uw zesde gelijke verzoek."
    )

    download = officer_client.get(reverse("admin:letters_letter_download", args=[emailed.pk]))
    confirm = officer_client.get(reverse("admin:letters_letter_send", args=[emailed.pk]))
    send = officer_client.post(reverse("admin:letters_letter_send", args=[emailed.pk]))
    post = officer_client.post(
        reverse("admin:letters_letter_posted", args=[posted.pk]), {"posted_on": "2026-03-20"}
    )

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == filecrypt.read_bytes(emailed.absolute_path)
    assert "zoe@example.org" in confirm.content.decode()
    assert send.status_code == 302 and post.status_code == 302
    assert OutboundEmail.objects.filter(kind="letter", case=case).count() == 1
    assert Letter.objects.filter(sent_at__isnull=False).count() == 2
    actions = [
        (e.changes.get("action"), e.changes.get("channel"))
        for e in CaseEvent.objects.filter(case=case, kind=EventKind.LETTER)
    ]
    assert actions.count(("sent", "email")) == 1 and actions.count(("sent", "post")) == 1


def test_a_send_by_get_changes_nothing(officer_client, make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    officer_client.get(reverse("admin:letters_letter_send", args=[letter.pk]))

    assert Letter.objects.get(pk=letter.pk).sent_at is None


def test_the_archive_is_read_only_in_the_admin(officer_client, make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    listing = officer_client.get(reverse("admin:letters_letter_changelist"))
    change = officer_client.post(
        reverse("admin:letters_letter_change", args=[letter.pk]), {"language": "en"}
    )
    delete = officer_client.post(
        reverse("admin:letters_letter_delete", args=[letter.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200 and case.reference in listing.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert Letter.objects.get(pk=letter.pk).language == "nl"


@pytest.fixture
def clerk_client(db):
    """Staff without any letter permission."""
    user = get_user_model().objects.create_user(username="clerk", password="pw", is_staff=True)
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_staff_without_permission_cannot_touch_letters(clerk_client, make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    for url in [
        compose_url(case),
        reverse("admin:letters_letter_download", args=[letter.pk]),
        reverse("admin:letters_letter_send", args=[letter.pk]),
        reverse("admin:letters_letter_posted", args=[letter.pk]),
    ]:
        assert clerk_client.get(url).status_code == 403, url
    assert (
        clerk_client.post(reverse("admin:letters_letter_send", args=[letter.pk])).status_code == 403
    )
    assert Letter.objects.get(pk=letter.pk).sent_at is None


def test_anonymous_visitors_are_sent_to_the_login(make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    response = Client().get(reverse("admin:letters_letter_download", args=[letter.pk]))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def png(size=(240, 80), color=(31, 59, 90)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    return buffer


def profile_form_data(profile, **overrides) -> dict:
    data = {
        field.name: getattr(profile, field.name)
        for field in OrganisationProfile._meta.fields
        if field.editable and field.name not in ("id", "logo", "public_body")
    }
    data.update(overrides)
    return data


def test_the_profile_is_one_page_with_a_private_logo(
    officer_client, make_case, make_letter, private_root
):
    profile = OrganisationProfile.load()

    listing = officer_client.get(reverse("admin:letters_organisationprofile_changelist"))
    saved = officer_client.post(
        reverse("admin:letters_organisationprofile_change", args=[profile.pk]),
        profile_form_data(profile, name="Voorbeeld Zorg B.V.", logo=png()),
    )

    assert listing.status_code == 302
    assert saved.status_code == 302, saved.content.decode()[:2000]
    profile.refresh_from_db()
    assert profile.name == "Voorbeeld Zorg B.V."
    assert (private_root / profile.logo.name).is_file()
    logo = officer_client.get(reverse("admin:letters_organisationprofile_logo"))
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"

    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")
    assert b"/Subtype /Image" in filecrypt.read_bytes(letter.absolute_path)
    assert "Voorbeeld Zorg B.V." in pdf_text(letter.absolute_path)
    preview = officer_client.post(
        compose_url(case), {"letter_type": "acknowledgement", "language": "nl", "preview": "1"}
    )
    assert "data:image/png;base64," in preview.content.decode()  # the sandboxed frame's logo


def test_a_logo_that_is_not_an_image_is_refused(officer_client):
    profile = OrganisationProfile.load()
    fake = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    fake.name = "logo.png"

    response = officer_client.post(
        reverse("admin:letters_organisationprofile_change", args=[profile.pk]),
        profile_form_data(profile, logo=fake),
    )

    assert response.status_code == 200
    profile.refresh_from_db()
    assert not profile.logo
