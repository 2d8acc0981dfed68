"""The start page, the language switch and what every public page promises: the
organisation's details, no script or resource from elsewhere, and text that is typed in
shown as text everywhere, the officers' screens included."""

import re

import pytest
from django.urls import reverse

from cases import tokens
from cases.models import Case
from casework import actions
from tests.factories import case as make_case

pytestmark = pytest.mark.django_db


def test_the_start_page_explains_the_six_rights_in_dutch(client):
    page = client.get("/").content.decode()
    assert '<html lang="nl">' in page
    for right in ("Inzage", "Correctie", "Verwijdering", "Afscherming", "Overdracht", "Bezwaar"):
        assert right in page, right
    assert "Kies één recht per verzoek" in page
    assert "binnen vier weken" in page
    assert '<form class="form" method="post" action="/" novalidate>' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_start_page_shows_the_organisation_from_settings(client, settings):
    settings.DSAR_ORGANISATION = {
        **settings.DSAR_ORGANISATION,
        "name": "Gemeente Voorbeeld",
        "address": "Markt 1, 9999 ZZ Voorbeeld",
        "email": "privacy@voorbeeld.nl",
        "phone": "14 0999",
        "privacy_statement_url": "https://www.voorbeeld.nl/privacy",
    }
    page = client.get("/").content.decode()
    for text in (
        "Gemeente Voorbeeld",
        "Markt 1, 9999 ZZ Voorbeeld",
        "privacy@voorbeeld.nl",
        "14 0999",
    ):
        assert text in page, text
    assert 'href="https://www.voorbeeld.nl/privacy"' in page


def test_the_answer_period_follows_the_deadline_rule(client, settings):
    settings.DSAR_DEADLINE_RULE = "gdpr_month"
    assert "binnen een maand" in client.get("/").content.decode()


def test_english_is_one_click_away(client):
    page = client.get("/").content.decode()
    assert re.search(
        r'<button type="submit" name="language" value="en" lang="en">English</button>', page
    )
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Access: see your data" in english
    assert "Erasure: have your data deleted" in english
    assert 'value="nl" lang="nl">Nederlands</button>' in english


def test_the_preferred_language_defaults_to_the_page_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert re.search(r'<input type="radio" name="language" value="en"[^>]*checked', page)


def test_no_page_loads_anything_from_elsewhere_or_needs_javascript(client, case_in):
    """Only our own files; the one script (the request form's additions, request_form.js)
    is deferred and optional: no inline script, no event handlers in the markup."""
    case = case_in("waiting")
    token = tokens.status_token_create(case)
    pages = ["/", "/sent/", f"/status/{token}/", "/status/" + "A" * 43 + "/"]
    for path in pages:
        html = client.get(path).content.decode()
        scripts = re.findall(r"<script[^>]*>", html)
        expected = ['<script src="/static/public/request_form.js" defer>'] if path == "/" else []
        assert scripts == expected, path
        assert not re.search(r"<[^>]*\son[a-z]+=", html), path  # no event handlers
        resources = re.findall(r'<link[^>]+href="([^"]+)"', html) + re.findall(
            r'src="([^"]+)"', html
        )
        assert "/static/public/public.css" in resources, path
        assert all(url.startswith("/static/") for url in resources), (path, resources)


def test_html_typed_into_the_form_is_text_on_every_page(client, submit, deliver, officer_client):
    evil = '<script>alert("x")</script>'
    response = submit(
        name=f"Zoë {evil}",
        request_type="rectification",
        description=f"Mijn naam is fout {evil}",
        on_behalf="other",
        behalf_name=f"Daan {evil}",
        behalf_relationship=f"Vader {evil}",
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.subject_name == f"Daan {evil}"

    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    [message] = deliver()
    confirm_page = client.get(message.body.split("http://localhost:8000")[1].split()[0])
    assert evil not in confirm_page.content.decode()

    client.post(message.body.split("http://localhost:8000")[1].split()[0])
    case.refresh_from_db()
    status_page = client.get(f"/status/{tokens.status_token_create(case)}/").content.decode()
    assert evil not in status_page

    admin_page = officer_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    html = admin_page.content.decode()
    assert evil not in html
    assert escaped in html
    queue = officer_client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert evil not in queue


def test_a_form_sent_without_its_csrf_token_gets_a_plain_answer(db):
    from django.test import Client

    from tests.portal.conftest import form_data

    response = Client(enforce_csrf_checks=True).post("/", form_data())
    assert response.status_code == 403
    assert "Uw formulier kon niet worden verstuurd" in response.content.decode()
    assert "Er is niets opgeslagen" in response.content.decode()
    assert not Case.objects.exists()


def test_the_status_page_shows_the_case_in_plain_words(client, officer_user):
    from cases.audit import Actor

    case = make_case(subject_language="nl")
    actions.extend(
        case_id=case.pk,
        actor=Actor.staff(officer_user),
        reason="Wij moeten gegevens uit drie systemen verzamelen.",
        now=case.received_at,
    )
    page = client.get(f"/status/{tokens.status_token_create(case)}/").content.decode()
    assert case.reference in page
    assert "Inzage: uw gegevens bekijken" in page
    assert "Ontvangen op" in page and "5 maart 2026" in page
    assert "Ontvangen</p>" in page  # the status in plain words
    assert "van 2 april 2026 tot 2 juni 2026" in page
    assert "Wij moeten gegevens uit drie systemen verzamelen." in page
    assert "dinsdag 2 juni 2026" in page
