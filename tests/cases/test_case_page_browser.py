"""The case page in a real browser (headless Chromium through Playwright), as a Dutch privacy
officer sees it on a 1366×768 laptop: the "what now" panel says what is due and offers the
button, and the timeline speaks in sentences with the dates in words."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from cases.audit import Actor
from casework import actions
from tests import factories

# Transactional: the live server thread must see the data.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the screenshot goes: a folder to look at it in (DSAR_SCREENSHOTS), else the test's
# temporary folder.
SCREENSHOTS = os.environ.get("DSAR_SCREENSHOTS")


def test_a_dutch_officer_reads_what_now_and_the_timeline(live_server, new_page, tmp_path):
    officer = factories.officer("anouk", first_name="Anouk", last_name="Visser")
    actor = Actor.staff(officer)
    now = timezone.now()
    case = factories.case(
        received_at=now - datetime.timedelta(days=3),
        now=now,
        actor=actor,
        subject_email="",  # a letter by post: no receipt went out by e-mail
        subject_name="Emma Clarke",
    )
    actions.assign_to_me(case_id=case.pk, actor=actor)
    actions.extend(case_id=case.pk, actor=actor, reason="Gegevens in drie systemen.")
    case.refresh_from_db()
    with translation.override("nl"):
        due = date_format(case.due_date, "l j F Y")
        extended = date_format(case.extended_due_date, "l j F Y")

    page = new_page(width=1366, height=768, locale="nl-NL")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "anouk")
    page.fill("#id_password", "pw-for-tests")
    page.locator("input[type=submit]").click()
    page.wait_for_url(live_server.url + "/admin/")
    page.goto(f"{live_server.url}/admin/cases/case/{case.pk}/change/")

    panel = page.locator(".dsar-what-now")
    assert panel.locator("h2").inner_text() == "Wat nu"
    acknowledge = panel.locator('[data-step="acknowledge"]')
    assert "Ontvangstbevestiging sturen: " in acknowledge.inner_text()
    assert acknowledge.get_by_role("link").inner_text() == "Nieuwe brief: Ontvangstbevestiging"
    notice = panel.locator('[data-step="extension_notice"]')
    assert f"uiterlijk {due}" in notice.inner_text()
    assert notice.get_by_role("link").is_visible()
    answer = panel.locator('[data-step="answer"]')
    assert f"Antwoordbrief nog niet verstuurd: antwoorden uiterlijk {extended}." in (
        answer.inner_text()
    )
    # The first thing on the page, above the fold of a laptop screen.
    assert panel.bounding_box()["y"] < 768

    timeline = page.locator(".dsar-timeline")
    sentence = f"Termijn verlengd van {due} naar {extended}."
    assert timeline.get_by_text(sentence).is_visible()
    text = timeline.inner_text()
    assert "Verzoek per post ontvangen en geregistreerd." in text
    for raw in ("due_date", "kind:", "state:", "channel", "method:"):
        assert raw not in text

    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "case-page-nl-1366x768.png"))
    timeline.scroll_into_view_if_needed()
    page.screenshot(path=str(folder / "case-page-timeline-nl-1366x768.png"))

    # The panel's button does the step; the panel and the timeline follow.
    identity = panel.locator('[data-step="identity"]')
    with page.expect_navigation():
        identity.get_by_role("button", name="Identiteitscontrole starten").click()
    identity = page.locator('.dsar-what-now [data-step="identity"]')
    assert "vraag de betrokkene om wat ontbreekt" in identity.inner_text()
    assert identity.get_by_role("link", name="Wachten op betrokkene").is_visible()
    assert (
        page.locator(".dsar-timeline")
        .get_by_text("Status gewijzigd van nieuw naar identiteitscontrole.")
        .is_visible()
    )
