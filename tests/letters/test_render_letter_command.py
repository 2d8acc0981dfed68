"""`manage.py render_letter REFERENCE LETTER [--lang nl|en] [-o FILE]` for template designers
and operators: renders with the app's templates and fetcher, archives nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from letters.models import Letter

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def test_it_renders_a_letter_to_a_file(make_case, tmp_path):
    case = make_case("access")
    target = tmp_path / "letter.pdf"

    call_command(
        "render_letter", case.reference, "acknowledgement", "--lang", "en", "-o", str(target)
    )

    text = pdf_text(target)
    assert case.reference in text and "Acknowledgement of your request for access" in text
    assert not Letter.objects.exists()


def test_it_uses_the_subjects_language_and_a_default_name(make_case, tmp_path, monkeypatch):
    case = make_case("access", subject_language="en")
    monkeypatch.chdir(tmp_path)

    call_command("render_letter", case.reference.lower(), "acknowledgement")

    assert "Dear Zoë de Vries" in pdf_text(tmp_path / f"{case.reference}-acknowledgement-en.pdf")


def test_it_fills_in_given_parts_and_marks_missing_ones(make_case, tmp_path):
    case = make_case("rectification")
    given, missing = tmp_path / "given.pdf", tmp_path / "missing.pdf"

    call_command(
        "render_letter", case.reference, "rectification_done", "-o", str(given),
        "--set", "corrections=Nieuw adres: Molenweg 3.",
    )  # fmt: skip
    call_command("render_letter", case.reference, "rectification_done", "-o", str(missing))

    assert "Nieuw adres: Molenweg 3." in pdf_text(given)
    assert "[corrections]" in pdf_text(missing)
    with pytest.raises(CommandError, match="corrections"):
        call_command(
            "render_letter", case.reference, "rectification_done", "--strict",
            "-o", str(tmp_path / "strict.pdf"),
        )  # fmt: skip


def test_it_writes_html_for_template_designers(make_case, tmp_path):
    case = make_case("access")
    target = tmp_path / "letter.html"

    call_command("render_letter", case.reference, "refusal", "--html", "-o", str(target),
                 "--set", "ground=excessive",
                 "--set", "reasons=Zesde gelijke verzoek.")  # fmt: skip

    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>") and "Zesde gelijke verzoek." in html
    assert "/static/letters/letter.css" in html


def test_it_explains_what_is_wrong(make_case):
    case = make_case("access")

    # The messages are translated: read the English ones, whatever language is active.
    with translation.override("en"):
        with pytest.raises(CommandError, match="No request"):
            call_command("render_letter", "DSAR-1999-00001", "acknowledgement")
        with pytest.raises(CommandError, match="not extended"):
            call_command("render_letter", case.reference, "extension_notice")
        with pytest.raises(CommandError, match="PART=TEXT"):
            call_command("render_letter", case.reference, "acknowledgement", "--set", "nope=1")
        with pytest.raises(CommandError):
            call_command("render_letter", case.reference, "love_letter")
