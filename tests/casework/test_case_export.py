"""The DPO exports one whole request — its data, what the subject sent, letters, e-mails and
the timeline — as JSON and as PDF, from the case page or with a command; each export is in the
security log."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from accounts.models import SecurityEvent
from cases import services
from cases.audit import Actor
from cases.models import IdentityMethod, PauseReason
from tests import factories

pytestmark = pytest.mark.django_db

NOW = factories.at(2026, 3, 10, 14)


@pytest.fixture
def case(settings, tmp_path, monkeypatch):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    monkeypatch.setattr("notifications.planning.enqueue_delivery", lambda *a, **k: True)
    officer = factories.officer("olga")
    actor = Actor.staff(officer)
    start = factories.at(2026, 3, 5)
    with time_machine.travel(start, tick=False):
        created = factories.case(
            received_at=start,
            now=start,
            actor=actor,
            subject_name="Zoë de Vries <b>",
            subject_email="zoe@example.org",
            description="Welke gegevens heeft u over mij?\nGraag ook de camerabeelden.",
        )
        steps = {"case_id": created.pk, "actor": actor}
        services.case_start_identity_check(**steps, now=start)
        services.case_pause(**steps, reason=PauseReason.IDENTITY, note="Kopie ID", now=start)
        factories.subject_upload(created.pk, now=start + datetime.timedelta(hours=1), message="ID")
        services.case_verify_identity(
            **steps, method=IdentityMethod.DOCUMENT, now=start + datetime.timedelta(hours=2)
        )
        factories.archived_letter(created, user=officer, at=start, fields={"note": "Overzicht"})
    created.refresh_from_db()
    return created


def test_the_json_export_holds_everything_about_the_request(case):
    dpo = Client(headers={"accept-language": "en"})
    dpo.force_login(factories.staff_in_role("DPO", "dora"))

    with time_machine.travel(NOW, tick=False):
        page = dpo.get(f"/admin/cases/case/{case.pk}/change/")
        response = dpo.get(f"/admin/security/cases/{case.pk}/export.json")

    assert f"/admin/security/cases/{case.pk}/export.pdf" in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{case.reference}-export.json"'
    )
    data = json.loads(response.content)
    assert data["format"] == "dsar-case-export" and data["format_version"] == 1
    assert data["case"]["reference"] == case.reference
    assert data["case"]["subject_name"] == "Zoë de Vries <b>"
    assert data["case"]["subject_email"] == "zoe@example.org"
    assert data["case"]["description"].endswith("camerabeelden.")
    assert data["case"]["received_at"] == "2026-03-05T10:00:00+01:00"
    assert data["case"]["identity_method"] == "document"
    assert data["pauses"][0]["note"] == "Kopie ID"
    assert data["subject_submissions"][0]["message"] == "ID"
    assert data["subject_submissions"][0]["files"][0]["name"] == "paspoort.pdf"
    assert data["letters"][0]["fields"] == {"note": "Overzicht"}
    assert [e["kind"] for e in data["timeline"]] == [
        e.kind for e in case.events.order_by("at", "pk")
    ]
    assert data["timeline"][0]["kind"] == "created"
    assert any(e["to"] == "zoe@example.org" for e in data["emails"])
    log = SecurityEvent.objects.get()
    assert log.kind == "case_exported" and log.actor.username == "dora"
    assert log.details == {"reference": case.reference, "format": "json"}


def test_the_pdf_export_reads_as_a_report(case, tmp_path):
    dpo = Client(headers={"accept-language": "nl"})
    dpo.force_login(factories.staff_in_role("DPO", "dora"))

    with time_machine.travel(NOW, tick=False):
        response = dpo.get(f"/admin/security/cases/{case.pk}/export.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "export.pdf"
    path.write_bytes(response.content)
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert case.reference in text
    assert "Zoë de Vries <b>" in text  # escaped in the HTML, shown as typed
    assert "zoe@example.org" in text
    assert "camerabeelden" in text
    assert "paspoort.pdf" in text
    assert "Tijdlijn" in text
    assert SecurityEvent.objects.get().details["format"] == "pdf"


def test_only_who_may_export_sees_the_buttons_and_gets_the_file(case):
    officer = Client()
    officer.force_login(factories.officer("piet"))

    assert "export.json" not in officer.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert officer.get(f"/admin/security/cases/{case.pk}/export.json").status_code == 403
    assert officer.get(f"/admin/security/cases/{case.pk}/export.xml").status_code == 403
    assert not SecurityEvent.objects.exists()


def test_the_command_writes_the_file_and_logs_it(case, tmp_path):
    out = io.StringIO()
    target = tmp_path / "out.json"

    call_command(
        "export_case", case.reference.lower(), "--output", str(target), "--reason", "Art 15",
        stdout=out,
    )  # fmt: skip

    assert json.loads(target.read_text())["case"]["reference"] == case.reference
    assert "Wrote" in out.getvalue()
    log = SecurityEvent.objects.get()
    assert log.reason == "Art 15" and log.actor is None
    assert log.actor_label.endswith("(manage.py)")
