"""The confirmation link opened a second time: the browser that confirmed goes to the status
page of its request; any other browser gets the "no longer usable" page and no status link."""

from django.core import mail
from django.test import Client

from cases.models import EventKind, StatusToken
from cases.tokens import case_from_status_token
from tests.portal.conftest import confirmed_case, link_in


def test_the_browser_that_confirmed_goes_to_the_status_page(client, web_case, deliver):
    case, first_status_path = confirmed_case(client, web_case(), deliver)
    [message] = [m for m in mail.outbox if "/confirm/" in m.body]
    path = link_in(message, "/confirm/")

    response = client.get(path, follow=True)

    [(status_path, code)] = response.redirect_chain
    assert code == 302 and status_path.startswith("/status/")
    assert status_path != first_status_path  # a fresh link: only hashes are stored
    assert case_from_status_token(status_path.split("/")[2]) == case
    page = response.content.decode()
    assert f"Uw verzoek {case.reference}" in page
    assert "U hebt dit verzoek al bevestigd." in page
    assert "Deze link is niet meer te gebruiken" not in page
    assert case.events.filter(kind=EventKind.CONFIRMED).count() == 1


def test_a_second_click_on_the_button_also_leads_to_the_status_page(client, web_case, deliver):
    case, _status_path = confirmed_case(client, web_case(), deliver)
    [message] = [m for m in mail.outbox if "/confirm/" in m.body]

    response = client.post(link_in(message, "/confirm/"))

    assert response.status_code == 302 and response["Location"].startswith("/status/")
    assert case.events.filter(kind=EventKind.CONFIRMED).count() == 1


def test_another_browser_gets_no_status_link(client, web_case, deliver):
    case, _status_path = confirmed_case(client, web_case(), deliver)
    [message] = [m for m in mail.outbox if "/confirm/" in m.body]
    tokens_before = StatusToken.objects.filter(case=case).count()

    response = Client().get(link_in(message, "/confirm/"))

    assert response.status_code == 410
    page = response.content.decode()
    assert "/status/" not in page and case.reference not in page
    assert StatusToken.objects.filter(case=case).count() == tokens_before


def test_the_browser_remembers_only_the_request_it_confirmed(client, web_case, deliver):
    first, _ = confirmed_case(client, web_case(), deliver)
    other_browser = Client()
    second, _ = confirmed_case(other_browser, web_case(subject_email="daan@example.org"), deliver)
    [second_link] = [
        m for m in mail.outbox if "/confirm/" in m.body and m.to == [second.subject_email]
    ]

    # The first browser opens the second request's (already used) link: not its request.
    response = client.get(link_in(second_link, "/confirm/"))

    assert response.status_code == 410
    assert second.reference not in response.content.decode()
