"""The database is unreachable: the request form answers 503 with what the subject typed
still in it and a message in their language; any other page gets the friendly 500 page in
Dutch and English, which needs neither the database nor a request context."""

import pytest
from django.db import OperationalError, connection
from django.template.loader import render_to_string
from django.test import Client

from cases.models import Case
from tests.portal.conftest import form_data, link_in

pytestmark = pytest.mark.django_db(transaction=True)


def unreachable(execute, sql, params, many, context):
    """Every statement fails, as with a database that went away."""
    raise OperationalError("could not connect to server: Connection refused")


def test_the_form_answers_503_and_keeps_what_was_typed():
    client = Client(headers={"accept-language": "nl"})
    data = form_data(name="Zoë de Vries", description="Mijn klantgegevens, graag.")

    with connection.execute_wrapper(unreachable):
        response = client.post("/", data)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "Door een storing bij ons konden wij uw verzoek nu niet opslaan." in page
    assert 'value="Zoë de Vries"' in page
    assert "Mijn klantgegevens, graag." in page
    assert 'value="zoe@example.org"' in page
    assert not Case.objects.exists()


def test_the_503_speaks_the_subjects_language():
    client = Client(headers={"accept-language": "en"})

    with connection.execute_wrapper(unreachable):
        response = client.post("/", form_data())

    assert response.status_code == 503
    assert "We could not store your request just now" in response.content.decode()


def test_sending_the_form_again_once_the_database_is_back_stores_it_once():
    client = Client()
    with connection.execute_wrapper(unreachable):
        assert client.post("/", form_data()).status_code == 503

    assert client.post("/", form_data()).status_code == 302
    assert Case.objects.count() == 1


def test_another_page_gets_the_friendly_500_page(submit, deliver):
    submit()
    confirm_path = link_in(deliver()[0], "/confirm/")
    client = Client(raise_request_exception=False)

    with connection.execute_wrapper(unreachable):
        response = client.get(confirm_path)

    assert response.status_code == 500
    page = response.content.decode()
    assert page.index("Er ging iets mis") < page.index("Something went wrong")
    assert "Server Error (500)" not in page


def test_the_500_page_needs_no_context_and_says_nothing_personal():
    with connection.execute_wrapper(unreachable):
        page = render_to_string("500.html")  # as Django renders it: no request, no context

    assert '<html lang="nl">' in page
    assert '<div lang="en">' in page
    assert "{{" not in page and "@" not in page
