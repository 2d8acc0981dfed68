"""Letters are rendered for real (WeasyPrint) and read back with poppler's pdftotext; the
private files of each test go to a folder of its own."""

import re
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from cases import filecrypt
from cases.audit import Actor
from casework import actions
from letters import services
from tests import factories

# Thursday 5 March 2026 in Amsterdam: due Thursday 2 April (four weeks), extended 2 June.
RECEIVED_AT = factories.at(2026, 3, 5)
BUILT_AT = factories.at(2026, 3, 6, 9)
# The letters are dated Friday 20 March 2026.
LETTER_AT = factories.at(2026, 3, 20, 11)
ADDRESS = "Kerkstraat 12\n3511 AB Utrecht"


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters of this test only (the status page counts bad links per IP)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"letters-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def officer_user(db):
    """The officer "olga". The group comes from a data migration, which a transactional
    test's flush removes; then it is made again (without permissions: the transactional
    tests here call services and tasks, which check none)."""
    from django.contrib.auth.models import Group

    Group.objects.get_or_create(name="Privacy officer")
    return factories.officer("olga")


@pytest.fixture
def actor(officer_user):
    return Actor.staff(officer_user)


@pytest.fixture
def make_case(actor):
    """``make_case(request_type="access", extended=False, **fields)``: a case registered by
    the officer on RECEIVED_AT, with a postal address."""

    def build(request_type="access", *, extended=False, **fields):
        fields.setdefault("subject_address", ADDRESS)
        case = factories.case(
            request_type=request_type, received_at=RECEIVED_AT, now=BUILT_AT, actor=actor, **fields
        )
        if extended:
            case = actions.extend(
                case_id=case.pk,
                actor=actor,
                reason="Uw verzoek betreft twaalf systemen en vijf jaar aan gegevens.",
                now=BUILT_AT,
            )
        return case

    return build


@pytest.fixture
def make_letter(actor):
    """``make_letter(case, letter_type, language="nl", **fields)``: a letter generated and
    archived through the service, dated LETTER_AT."""

    def generate(case, letter_type, language="nl", *, now=LETTER_AT, **fields):
        return services.letter_generate(
            case_id=case.pk,
            letter_type=letter_type,
            language=language,
            fields=fields,
            actor=actor,
            now=now,
        )

    return generate


def plain_pdf(path) -> Path:
    """The archived PDF at ``path`` (stored encrypted, cases.filecrypt) decrypted into a file
    of its own, for the tools that read a file."""
    target = Path(tempfile.mkdtemp(prefix="letter-")) / Path(path).name
    target.write_bytes(filecrypt.read_bytes(path))
    return target


def pdf_text(source) -> str:
    """The text of a PDF (an archived letter's path, or bytes) as one line: words joined by
    single spaces, and words split at a hyphen at the end of a line joined again."""
    if not isinstance(source, bytes) and filecrypt.is_encrypted(source):
        source = filecrypt.read_bytes(source)
    if isinstance(source, bytes):
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=source, capture_output=True, check=True
        )
    else:
        result = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True
        )
    text = result.stdout.decode()
    text = re.sub(r"-\n", "-", text)
    return " ".join(text.split())


def pdf_pages(source) -> int:
    if filecrypt.is_encrypted(source):
        source = plain_pdf(source)
    result = subprocess.run(["pdfinfo", str(source)], capture_output=True, check=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", result.stdout, re.M)[1])
