"""Everything a user typed — the subject's name and address, the officer's free text —
prints as text: no markup, no resource loaded."""

import pytest

from letters import rendering, services
from letters.models import LetterType

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

IMG = '<img src="file:///etc/passwd">'
LINK = '<link rel=stylesheet href="http://example.org/x.css">'
STYLE = "<style>body { display: none }</style>"


def squeeze(text: str) -> str:
    """Without whitespace: a long line may wrap anywhere, even inside a URL."""
    return "".join(text.split())


def prints(phrase: str, text: str) -> bool:
    return squeeze(phrase) in squeeze(text)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer's fetcher is asked for, during the test."""
    urls = []
    original = rendering.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(rendering.StaticOnlyFetcher, "fetch", spy)
    return urls


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_name_and_address_with_markup_print_as_text(make_case, make_letter, fetched, language):
    case = make_case("access", subject_name=IMG, subject_address=f"{LINK}\n3511 AB Utrecht")

    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, language)

    text = pdf_text(letter.absolute_path)
    assert prints(IMG, text)
    assert prints(LINK, text)
    assert all(url.startswith(rendering.STATIC_BASE + "letters/") for url in fetched), fetched


def test_the_officers_free_text_prints_as_text(make_case, make_letter, fetched):
    case = make_case("rectification")

    letter = make_letter(
        case,
        LetterType.RECTIFICATION_DONE,
        "nl",
        corrections=f"{IMG}\n{LINK}\n{STYLE}",
        recipients_note='<a href="javascript:alert(1)">klik</a> & <b>vet</b>',
    )

    text = pdf_text(letter.absolute_path)
    assert prints(IMG, text) and prints(LINK, text) and prints(STYLE, text)
    assert prints('<a href="javascript:alert(1)">klik</a> & <b>vet</b>', text)
    assert all(url.startswith(rendering.STATIC_BASE + "letters/") for url in fetched), fetched


def test_the_annex_and_one_line_parts_print_as_text(make_case, make_letter, fetched):
    case = make_case("portability")

    letter = make_letter(
        case,
        LetterType.PORTABILITY_ANSWER,
        "en",
        data_format=LINK,
        delivery="controller",
        other_controller=IMG,
        annex=f"{IMG}\n{LINK}",
    )

    text = pdf_text(letter.absolute_path)
    assert squeeze(text).count(squeeze(IMG)) >= 3
    assert squeeze(text).count(squeeze(LINK)) >= 2
    assert all(url.startswith(rendering.STATIC_BASE + "letters/") for url in fetched), fetched


def test_the_preview_escapes_it_too(make_case):
    case = make_case("access", subject_name=IMG)

    html = services.letter_preview_html(
        case_id=case.pk,
        letter_type=LetterType.ACKNOWLEDGEMENT,
        language="nl",
        fields={"note": LINK},
    )

    assert IMG not in html and LINK not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "&lt;link rel=stylesheet href=&quot;http://example.org/x.css&quot;&gt;" in html


def test_the_officers_free_text_loses_invisible_and_direction_characters(make_case, make_letter):
    """The same cleaner as every other typed text (cases.text.clean_text), for every interface
    that fills a letter in (admin, API, render_letter): they all go through the catalogue."""
    case = make_case("rectification")

    letter = make_letter(
        case,
        LetterType.RECTIFICATION_DONE,
        "nl",
        corrections=(
            "Adres\u202e gewijzigd\u200b in\u2066 Kerkstraat 12\u2069\r\nTelefoon\u200e verwijderd"
        ),
    )

    stored = letter.fields["corrections"]
    assert stored == "Adres gewijzigd in Kerkstraat 12\nTelefoon verwijderd"
    assert prints("Adres gewijzigd in Kerkstraat 12", pdf_text(letter.absolute_path))
