"""The letters as documents: A4, PDF/A-3 (tagged: test_letter_pdf_tags.py), fonts embedded,
the address in the envelope window, nothing outside the page. Page 1 of every letter is also
rendered to PNG in artefacts/letters/ (git-ignored) for a person to look at."""

import io
import re
import shutil
import subprocess
from xml.etree import ElementTree

import pytest
from django.conf import settings
from pypdf import PdfReader

from letters.models import LetterType

from .conftest import pdf_pages, plain_pdf
from .test_letter_text import LETTERS, case_for

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre
ARTEFACTS = settings.BASE_DIR / "artefacts" / "letters"
# A DL or C5 window envelope with the window on the left: the window spans at least
# 20-110 mm from the left and 45-90 mm from the top of an A4 sheet folded to fit.
WINDOW = {"left": 20 * MM, "right": 110 * MM, "top": 45 * MM, "bottom": 90 * MM}


def words_on_page_one(path) -> list[tuple[str, float, float, float, float]]:
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    xml = re.sub(r"<!DOCTYPE[^>]*>", "", xml)
    root = ElementTree.fromstring(xml)  # noqa: S314 (poppler's output for our own PDF)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    return [
        (w.text or "", *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")))
        for w in root.iterfind(".//x:word", ns)
    ]


@pytest.fixture(scope="module")
def artefacts():
    shutil.rmtree(ARTEFACTS, ignore_errors=True)
    ARTEFACTS.mkdir(parents=True)
    return ARTEFACTS


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("letter_type", list(LETTERS))
def test_page_one_fits_the_envelope_and_the_page(
    make_case, make_letter, actor, artefacts, letter_type, language
):
    case, texts = case_for(letter_type, make_case, actor)
    fields, _phrases = texts[language]
    letter = make_letter(case, letter_type, language, **fields)

    words = words_on_page_one(plain_pdf(letter.absolute_path))

    # The return address line starts the window, 50 mm from the top, 22 mm from the left.
    (first_word, x0, y0, *_rest) = next(w for w in words if w[0] in ("Retouradres:", "Return"))
    assert abs(x0 - 22 * MM) < 1 * MM and abs(y0 - 50 * MM) < 1.5 * MM, (first_word, x0, y0)
    recipient = [
        w
        for w in words
        if w[0] in ("Zoë", "Marieke", "Incasso", "Vries", "Kerkstraat", "3511", "Utrecht")
    ]
    in_window = [
        w
        for w in recipient
        if w[1] >= WINDOW["left"]
        and w[3] <= WINDOW["right"]
        and w[2] >= WINDOW["top"]
        and w[4] <= WINDOW["bottom"]
    ]
    assert len(in_window) >= 5, recipient
    outside = [w for w in words if w[1] < 10 * MM or w[3] > 200 * MM or w[4] > 290 * MM]
    assert not outside, outside

    target = artefacts / f"{letter_type}.{language}"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
         str(plain_pdf(letter.absolute_path)), str(target)],
        check=True,
    )  # fmt: skip
    assert (artefacts / f"{letter_type}.{language}.png").stat().st_size > 5000


def test_it_is_an_a4_pdf_a_3_with_embedded_fonts(make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACCESS_ANSWER, "nl")

    reader = PdfReader(plain_pdf(letter.absolute_path))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    fonts = subprocess.run(
        ["pdffonts", str(plain_pdf(letter.absolute_path))],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.splitlines()[2:]

    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "nl"
    for page in reader.pages:
        assert round(float(page.mediabox.width) / MM) == 210
        assert round(float(page.mediabox.height) / MM) == 297
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), fonts
    assert {line.split()[0].split("+")[1] for line in fonts} == {"DSAR-Letter", "DSAR-Letter-Bold"}
    assert reader.metadata.title == "Antwoord op uw verzoek om inzage"
    assert "Zoë" not in str(reader.metadata)  # no personal data in the metadata


def test_every_page_is_numbered_and_carries_the_footer(make_case, make_letter):
    case = make_case("access")
    letter = make_letter(case, LetterType.ACCESS_ANSWER, "en")

    pages = pdf_pages(letter.absolute_path)
    reader = PdfReader(plain_pdf(letter.absolute_path))

    assert pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = " ".join(page.extract_text().split())
        assert f"page {number} of {pages}" in text
        assert "Voorbeeld B.V." in text
        if number > 1:
            assert f"Our reference {case.reference}" in text


def test_the_logo_prints_in_the_letterhead(make_case, make_letter, artefacts, private_root):
    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    from letters.models import OrganisationProfile

    buffer = io.BytesIO()
    image = Image.new("RGB", (480, 120), "white")
    ImageDraw.Draw(image).rectangle((0, 20, 90, 100), fill=(31, 59, 90))
    image.save(buffer, "PNG")
    profile = OrganisationProfile.load()
    profile.logo.save("logo.png", ContentFile(buffer.getvalue()))
    case = make_case("access")

    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    images = subprocess.run(
        ["pdfimages", "-list", str(plain_pdf(letter.absolute_path))],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.splitlines()[2:]
    assert len(images) == 1 and images[0].split()[3:5] == ["480", "120"]
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
         str(plain_pdf(letter.absolute_path)), str(artefacts / "acknowledgement.with-logo.nl")],
        check=True,
    )  # fmt: skip
