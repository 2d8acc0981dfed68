"""A new visitor on a phone, in a real browser (headless Chromium through Playwright):
fills in the form in Dutch, reads the confirmation e-mail, follows its link, confirms and
sees the status page. No JavaScript of ours is involved; the browser only submits forms."""

import os
import re

import pytest
from django.core import mail

from cases.models import Case, Status
from notifications.delivery import email_deliver
from notifications.models import OutboundEmail, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_page(new_page):
    """A phone-sized page in a Dutch browser."""
    return new_page(**PHONE, locale="nl-NL", is_mobile=True, has_touch=True)


@pytest.fixture
def outbox_in_test(monkeypatch):
    """E-mails are delivered by the test (as the Celery worker would), not via the broker."""
    monkeypatch.setattr("notifications.planning.enqueue_delivery", lambda *a, **k: True)

    def deliver():
        for pk in OutboundEmail.objects.filter(state=State.PENDING).values_list("pk", flat=True):
            email_deliver(email_id=pk, requeue=False)

    return deliver


def test_a_new_visitor_makes_a_request_on_a_phone_and_follows_it(
    live_server, settings, browser_page, outbox_in_test
):
    settings.SITE_URL = live_server.url
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Een verzoek over uw persoonsgegevens"
    )
    # One column on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A first try without an e-mail address gets a message on that field.
    page.get_by_label("Inzage: uw gegevens bekijken").check()
    page.get_by_label("Uw volledige naam").fill("Zoë de Vries")
    page.get_by_role("button", name="Verzoek versturen").click()
    assert "Fout:" in page.title()
    email_field = page.get_by_label("Uw e-mailadres")
    assert email_field.get_attribute("aria-invalid") == "true"
    assert "Vul uw e-mailadres in." in page.locator("#id_email-error").inner_text()
    page.get_by_role("link", name="Vul uw e-mailadres in.").click()
    assert page.evaluate("document.activeElement.id") == "id_email"

    # What was typed is still there; complete the form.
    assert page.get_by_label("Uw volledige naam").input_value() == "Zoë de Vries"
    email_field.fill("zoe@example.org")
    page.get_by_label("Waar gaat uw verzoek over?").fill("Mijn gegevens als klant sinds 2019.")
    page.get_by_role("button", name="Verzoek versturen").click()

    page.get_by_role("heading", name="Controleer uw e-mail").wait_for()
    assert "zoe@example.org" in page.content()
    case = Case.objects.get()
    assert case.status == Status.UNCONFIRMED
    assert case.subject_language == "nl"

    outbox_in_test()
    [message] = mail.outbox
    assert message.to == ["zoe@example.org"]
    assert message.subject.startswith("Bevestig uw verzoek")
    link = re.search(r"http://\S+/confirm/\S+", message.body)[0]

    page.goto(link)
    page.get_by_role("heading", name="Bevestig uw verzoek").wait_for()
    page.get_by_role("button", name="Mijn verzoek bevestigen").click()

    # Numbered on confirmation.
    page.get_by_role("heading", name=re.compile(r"^Uw verzoek DSAR-\d{4}-\d{5}$")).wait_for()
    case.refresh_from_db()
    page.get_by_role("heading", name=f"Uw verzoek {case.reference}").wait_for()
    body = page.locator("main").inner_text()
    assert "Uw verzoek is bevestigd" in body
    assert "Inzage: uw gegevens bekijken" in body
    assert "U hebt ons antwoord uiterlijk op" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    case.refresh_from_db()
    assert case.status == Status.NEW

    # The receipt carries a status link of its own, which opens the same page.
    outbox_in_test()
    receipt = next(m for m in mail.outbox if m.to == ["zoe@example.org"] and "/status/" in m.body)
    status_link = re.search(r"http://\S+/status/\S+", receipt.body)[0]
    page.goto(status_link)
    page.get_by_role("heading", name=f"Uw verzoek {case.reference}").wait_for()
    assert os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] == "true"
