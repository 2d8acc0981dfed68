"""The archived letter is a tagged, accessible and archival PDF: PDF/A-3a and PDF/UA-1
(docs/letters.md, "Tagged and archival"), read back with pikepdf. One letter without sections
(the acknowledgement) and one with headings on several levels (the access answer), in Dutch
and in English."""

import io

import pikepdf
import pytest
from lxml import etree

from letters.models import LetterType, OrganisationProfile

from .conftest import pdf_text, plain_pdf

pytestmark = pytest.mark.django_db

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"

# (letter, request type, language, the subject line it prints, the heading levels it has)
LETTERS = [
    (
        LetterType.ACKNOWLEDGEMENT,
        "access",
        "nl",
        "Ontvangstbevestiging van uw verzoek om inzage",
        {"/H1"},
    ),
    (
        LetterType.ACKNOWLEDGEMENT,
        "erasure",
        "en",
        "Acknowledgement of your request for erasure",
        {"/H1"},
    ),
    (
        LetterType.ACCESS_ANSWER,
        "access",
        "nl",
        "Antwoord op uw verzoek om inzage",
        {"/H1", "/H2", "/H3"},
    ),
    (
        LetterType.ACCESS_ANSWER,
        "access",
        "en",
        "Answer to your request for access",
        {"/H1", "/H2", "/H3"},
    ),
]


def structure_types(element, found=None) -> list[str]:
    """The structure types (/S) of the tree below ``element``, in reading order."""
    found = [] if found is None else found
    kids = element.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            found.append(str(kid.S))
            structure_types(kid, found)
    return found


def fonts_of(pdf) -> dict[str, pikepdf.Dictionary]:
    fonts = {}
    for page in pdf.pages:
        for _name, font in page.Resources.get("/Font", {}).items():
            fonts[str(font.get("/BaseFont", font.objgen))] = font
    return fonts


def font_file(font):
    if font.Subtype == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return None
    files = [descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor]
    return files[0] if files else None


@pytest.mark.parametrize(
    ("letter_type", "request_type", "language", "subject", "headings"), LETTERS
)
def test_the_letter_is_tagged_with_its_language_title_and_embedded_fonts(
    make_case, make_letter, letter_type, request_type, language, subject, headings
):
    case = make_case(request_type)
    letter = make_letter(case, letter_type, language)

    with pikepdf.open(plain_pdf(letter.absolute_path)) as pdf:
        root = pdf.Root
        # Tagged: a structure tree made from the HTML's elements, every page in it.
        assert root.MarkInfo.Marked is True
        tree = root.StructTreeRoot
        assert "/ParentTree" in tree
        types = structure_types(tree)
        assert types[0] == "/Document"
        assert types.count("/H1") == 1
        assert headings <= set(types), types
        assert types.count("/P") >= 3
        assert all("/StructParents" in page.obj for page in pdf.pages)
        # The language of the letter, for screen readers' pronunciation.
        assert str(root.Lang) == language
        # The title a reader shows (instead of the file name) is the subject line.
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == subject
        with pdf.open_metadata() as xmp:
            assert xmp["dc:title"] == subject
            assert xmp.pdfa_status == "3A"
            assert xmp["pdfuaid:part"] == "1"
        # Every font is embedded.
        fonts = fonts_of(pdf)
        assert fonts
        missing = [name for name, font in fonts.items() if font_file(font) is None]
        assert not missing, missing
        # PDF/A: the sRGB output intent; PDF 1.7 for PDF/UA-1.
        assert root.OutputIntents[0].S == "/GTS_PDFA1"
        assert pdf.pdf_version == "1.7"

    # The subject line is the one printed under "Betreft" / "Subject", without the reference
    # or anything personal.
    label = {"nl": "Betreft", "en": "Subject"}[language]
    assert f"{label} {subject}" in pdf_text(letter.absolute_path)
    assert case.reference not in subject


def test_the_xmp_declares_the_pdf_ua_schema_it_uses(make_case, make_letter):
    """PDF/A-3 allows only the XMP schemas it predefines or that the file declares; pdfuaid is
    not predefined, so the file declares it, in the one rdf:RDF that XMP allows."""
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "nl")

    with pikepdf.open(plain_pdf(letter.absolute_path)) as pdf:
        packet = pdf.Root.Metadata.read_bytes()
    xml = etree.fromstring(packet)  # noqa: S320 (our own file)

    (rdf,) = xml.findall(f"{{{RDF}}}RDF")
    identification = {}
    for description in rdf.iter(f"{{{RDF}}}Description"):
        identification.update(description.attrib)
    assert identification[f"{{{PDFAID}}}part"] == "3"
    assert identification[f"{{{PDFAID}}}conformance"] == "A"
    assert identification[f"{{{PDFUAID}}}part"] == "1"
    schemas = xml.findall(".//{http://www.aiim.org/pdfa/ns/schema#}namespaceURI")
    assert [s.text for s in schemas] == [PDFUAID]


def test_the_logo_is_a_figure_with_the_organisations_name(make_case, make_letter):
    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (240, 60), (31, 59, 90)).save(buffer, "PNG")
    profile = OrganisationProfile.load()
    profile.logo.save("logo.png", ContentFile(buffer.getvalue()))
    case = make_case("access")
    letter = make_letter(case, LetterType.ACKNOWLEDGEMENT, "en")

    with pikepdf.open(plain_pdf(letter.absolute_path)) as pdf:
        figures = [
            obj
            for obj in pdf.objects
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"
        ]
    assert [str(f.Alt) for f in figures] == [profile.name]
