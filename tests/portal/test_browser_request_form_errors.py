"""The request form's error journey in a real browser (headless Chromium through Playwright),
with the keyboard alone: the focus goes to the error summary, which lists the errors in the
order of the fields and links to them; the fields for someone else appear only when that
choice is made (and always without JavaScript); the description counts down to its limit and
is never cut."""

import os
import re

import pytest

from cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SCREENSHOTS = os.environ.get("DSAR_SCREENSHOT_DIR")


def active(page) -> dict:
    return page.evaluate(
        "({id: document.activeElement.id, name: document.activeElement.name || '',"
        " tag: document.activeElement.tagName, cls: document.activeElement.className})"
    )


def tab_to(page, predicate, *, limit=40, key="Tab"):
    for _ in range(limit):
        page.keyboard.press(key)
        if predicate(active(page)):
            return active(page)
    raise AssertionError(f"never reached the element; last: {active(page)}")


def test_the_error_journey_with_the_keyboard_alone(live_server, new_page):
    page = new_page(**DESKTOP, locale="nl-NL")
    page.goto(live_server.url + "/")
    # The fields for someone else are hidden until that choice is made.
    assert page.locator("#behalf-fields").is_hidden()

    # The right: Tab to the group, the arrow keys choose (Verwijdering, the third).
    tab_to(page, lambda a: a["name"] == "request_type")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("input[name=request_type]:checked").get_attribute("value") == "erasure"
    # No description (needed for a deletion); the name; an address with å before the @.
    page.keyboard.press("Tab")
    assert active(page)["id"] == "id_description"
    page.keyboard.press("Tab")
    assert active(page)["id"] == "id_name"
    page.keyboard.type("Zoë de Vries")
    page.keyboard.press("Tab")
    assert active(page)["id"] == "id_email"
    page.keyboard.type("jån@exämple.nl")
    # For someone else, whose details stay empty.
    tab_to(page, lambda a: a["name"] == "on_behalf")
    page.keyboard.press("ArrowDown")
    assert page.locator("input[name=on_behalf]:checked").get_attribute("value") == "other"
    assert page.locator("#behalf-fields").is_visible()
    page.keyboard.press("Tab")
    assert active(page)["id"] == "id_behalf_name"
    tab_to(page, lambda a: a["tag"] == "BUTTON" and "button" in a["cls"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.title().startswith("Fout:")
    # The focus is on the error summary, which lists the errors in the order of the fields.
    assert "error-summary" in active(page)["cls"]
    links = page.locator(".error-summary a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert targets == ["#id_description", "#id_email", "#id_behalf_name", "#id_behalf_relationship"]
    field_order = page.evaluate(
        "[...document.querySelectorAll('textarea, input:not([type=hidden])')].map(e => e.id)"
    )
    assert [field_order.index(t[1:]) for t in targets] == sorted(
        field_order.index(t[1:]) for t in targets
    )
    summary = page.locator(".error-summary").inner_text()
    assert "Beschrijf waar uw verzoek over gaat" in summary
    assert "letters als å, é of ü vóór de @" in summary
    # The choice made is kept, so the fields for someone else show with their errors.
    assert page.locator("#behalf-fields").is_visible()

    # From the summary, by keyboard, to the first field; fix each.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_description"
    page.keyboard.press("Enter")
    assert active(page)["id"] == "id_description"
    page.keyboard.type("Mijn account en mijn nieuwsbriefgegevens.")
    tab_to(page, lambda a: a["id"] == "id_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("jan@exämple.nl")
    tab_to(page, lambda a: a["id"] == "id_behalf_name")
    page.keyboard.type("Daan de Vries")
    page.keyboard.press("Tab")
    assert active(page)["id"] == "id_behalf_relationship"
    page.keyboard.type("Vader van Daan (12 jaar)")
    tab_to(page, lambda a: a["tag"] == "BUTTON" and "button" in a["cls"])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="Controleer uw e-mail").wait_for()
    case = Case.objects.get()
    assert case.request_type == "erasure"
    assert case.subject_name == "Daan de Vries" and case.representative_name == "Zoë de Vries"
    # The domain in its own script is accepted, and kept as typed (Chromium sends it as
    # punycode); the next page repeats it so.
    assert case.subject_email == "jan@exämple.nl"
    assert "jan@exämple.nl" in page.locator("main").inner_text()


def test_without_javascript_every_field_shows(live_server, new_page):
    page = new_page(**PHONE, locale="nl-NL", java_script_enabled=False)
    page.goto(live_server.url + "/")
    assert page.get_by_label("Volledige naam van de persoon voor wie u optreedt").is_visible()
    assert page.locator("#id_description-counter").is_hidden()
    page.get_by_role("button", name="Verzoek versturen").click()
    # The error summary is there, announced as an alert, and links to the fields.
    assert page.locator(".error-summary[role=alert]").is_visible()
    assert page.locator(".error-summary a").first.get_attribute("href") == "#id_request_type_0"


def test_the_description_warns_before_its_limit_and_is_never_cut(live_server, new_page):
    page = new_page(**DESKTOP, locale="nl-NL")
    page.goto(live_server.url + "/")
    description = page.locator("#id_description")
    counter = page.locator("#id_description-counter")
    assert counter.inner_text() == "U hebt nog 5.000 tekens over."
    assert "counter--near" not in counter.get_attribute("class")
    assert "id_description-counter" in description.get_attribute("aria-describedby")

    description.fill("x" * 4990)
    assert counter.inner_text() == "U hebt nog 10 tekens over."
    assert "counter--near" in counter.get_attribute("class")
    assert page.locator("#id_description-counter-live").inner_text() == counter.inner_text()

    description.fill("é" * 5003)
    assert counter.inner_text() == "U hebt 3 tekens te veel."
    assert "counter--over" in counter.get_attribute("class")
    assert len(description.input_value()) == 5003  # not cut by the browser

    page.get_by_label("Verwijdering: uw gegevens laten wissen").check()
    page.get_by_label("Uw volledige naam").fill("Zoë de Vries")
    page.get_by_label("Uw e-mailadres").fill("zoe@example.org")
    page.get_by_role("button", name="Verzoek versturen").click()
    error = page.locator("#id_description-error").inner_text()
    assert "Uw tekst is 5003 tekens lang; wij kunnen er hoogstens 5000 aannemen." in error
    assert "Maak hem 3 tekens korter" in error
    assert len(page.locator("#id_description").input_value()) == 5003  # kept to shorten
    assert not Case.objects.exists()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_form_with_errors_fits_the_screen(live_server, new_page, size, tmp_path):
    page = new_page(**size, locale="nl-NL", is_mobile=size is PHONE, has_touch=size is PHONE)
    page.goto(live_server.url + "/")
    page.get_by_label("Correctie: uw gegevens verbeteren of aanvullen").check()
    page.get_by_label("Uw e-mailadres").fill("jån@exämple.nl")
    page.get_by_label("Voor iemand anders").check()
    page.get_by_label("Waar gaat uw verzoek over?").fill("x" * 4960)
    page.get_by_role("button", name="Verzoek versturen").click()
    page.locator(".error-summary").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert re.match(r"Fout:", page.title())
    folder = SCREENSHOTS or str(tmp_path)
    page.screenshot(path=f"{folder}/form-errors-{size['width']}.png", full_page=False)
    page.screenshot(path=f"{folder}/form-errors-{size['width']}-full.png", full_page=True)
