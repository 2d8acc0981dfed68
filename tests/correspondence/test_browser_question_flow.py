"""The question that stops the clock, in a real browser (headless Chromium through
Playwright): an officer asks a clarification question from the case page (with the preview
and the "this goes to the data subject" label), the subject opens the status page from the
e-mail on a phone, reads the question and replies with a file; the officer then sees the
"reply received" marker and the ended pause. Screenshots of the status page's thread in Dutch
and English, on a phone (390×844) and a desktop (1366×768)."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from cases.audit import Actor
from cases.models import CasePause, Status
from casework import actions
from notifications.delivery import email_deliver
from notifications.models import Kind, OutboundEmail, State
from tests import factories

from .conftest import PDF

# Transactional: the live server thread must see the data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("DSAR_SCREENSHOTS")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
QUESTION = "Over welk klantaccount gaat uw verzoek? U hebt er twee bij ons: privé en zakelijk."


def deliver(kind):
    for pk in OutboundEmail.objects.filter(state=State.PENDING, kind=kind).values_list(
        "pk", flat=True
    ):
        email_deliver(email_id=pk, requeue=False)


def test_a_question_is_asked_read_answered_and_the_clock_resumes(
    live_server, settings, new_page, tmp_path, monkeypatch
):
    settings.SITE_URL = live_server.url
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    monkeypatch.setattr("notifications.planning.enqueue_delivery", lambda *a, **k: True)
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    officer = factories.officer("anouk", email="anouk@example.nl")
    actor = Actor.staff(officer)
    now = timezone.now()
    case = factories.case(received_at=now, now=now, actor=actor, subject_name="Emma Clarke")
    actions.assign_to_me(case_id=case.pk, actor=actor)

    # 1. The officer asks a clarification question from the case page.
    desk = new_page(**DESKTOP, locale="nl-NL")
    desk.goto(live_server.url + "/admin/login/")
    desk.fill("#id_username", "anouk")
    desk.fill("#id_password", "pw-for-tests")
    desk.locator("input[type=submit]").click()
    desk.wait_for_url(live_server.url + "/admin/")
    desk.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    desk.get_by_role("link", name="Schrijf de betrokkene").click()
    assert "Dit gaat naar de betrokkene" in desk.locator(".dsar-to-subject").inner_text()
    desk.get_by_label("Vraag: verduidelijking").check()
    desk.get_by_role("textbox", name="Bericht").fill(QUESTION)
    desk.get_by_role("button", name="Voorbeeld").click()
    preview = desk.locator(".dsar-thread-preview")
    assert QUESTION in preview.inner_text() and "Graag uw antwoord vóór" in preview.inner_text()
    desk.screenshot(path=str(folder / "compose-preview-nl-1366x768.png"))
    desk.get_by_role("button", name="Versturen naar de betrokkene").click()
    desk.wait_for_url(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    case.refresh_from_db()
    assert case.status == Status.WAITING

    # 2. The subject gets the e-mail (without the question) and opens the status page.
    deliver(Kind.NEW_MESSAGE)
    [message] = [m for m in mail.outbox if m.to == [case.subject_email]]
    assert message.subject == f"Een vraag over uw verzoek {case.reference}"
    assert "klantaccount" not in message.body and "Emma" not in message.body
    link = re.search(r"http://\S+/status/\S+", message.body)[0]

    phone = new_page(**PHONE, locale="nl-NL", is_mobile=True, has_touch=True)
    phone.goto(link)
    thread = phone.locator(".thread")
    assert QUESTION in thread.inner_text()
    assert "Vraag" in thread.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    thread.scroll_into_view_if_needed()
    phone.screenshot(path=str(folder / "status-question-nl-390x844.png"), full_page=True)

    # 3. They reply with a file.
    phone.get_by_label("Bericht (niet verplicht)").fill("Het gaat om mijn privé-account, nr. 4711.")
    phone.locator("input[type=file]").set_input_files(
        {"name": "klantkaart.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    phone.get_by_role("button", name="Versturen").click()
    phone.get_by_text("Wij bekijken wat u hebt gestuurd").first.wait_for()
    assert "klantkaart.pdf" in phone.locator(".thread").inner_text()
    phone.screenshot(path=str(folder / "status-thread-nl-390x844.png"), full_page=True)

    # The same page on a desktop, and in English.
    status_path = phone.url.split("?")[0]
    desktop_subject = new_page(**DESKTOP, locale="nl-NL")
    desktop_subject.goto(status_path + "?lang=nl")
    desktop_subject.screenshot(path=str(folder / "status-thread-nl-1366x768.png"), full_page=True)
    desktop_subject.goto(status_path + "?lang=en")
    assert "Messages" in desktop_subject.locator(".thread").inner_text()
    desktop_subject.screenshot(path=str(folder / "status-thread-en-1366x768.png"), full_page=True)
    english_phone = new_page(**PHONE, locale="en-GB", is_mobile=True, has_touch=True)
    english_phone.goto(status_path + "?lang=en")
    assert "Question" in english_phone.locator(".thread").inner_text()
    assert english_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    english_phone.screenshot(path=str(folder / "status-thread-en-390x844.png"), full_page=True)

    # 4. The officer sees the marker, and the pause ended: the clock runs again.
    case.refresh_from_db()
    assert case.status == Status.IDENTITY_CHECK  # back where it stood: identity unverified
    assert CasePause.objects.get(case=case).ended_at is not None
    deliver(Kind.SUBJECT_REPLY)
    assert any(m.to == ["anouk@example.nl"] for m in mail.outbox)
    desk.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")
    panel = desk.locator(".dsar-thread")
    assert "reactie ontvangen" in panel.inner_text()
    assert "klantkaart.pdf" in panel.inner_text()
    pauses = desk.locator(".dsar-deadline").inner_text()
    assert "lopend" not in pauses  # the pause has an end date now
    desk.goto(f"{live_server.url}/admin/cases/case/?reply=waiting")
    assert case.reference in desk.locator("#result_list").inner_text()
    assert "reactie ontvangen" in desk.locator("#result_list").inner_text()
    desk.screenshot(path=str(folder / "queue-waiting-for-us-nl-1366x768.png"))
