"""The language switch never leads to a GET on the upload address, which only takes the form:
after a failed upload the page is shown at that address, and switching language used to end
on an empty 405 page (and put the status token in the log as "Method Not Allowed (GET)")."""

import re

import pytest
from django.urls import reverse

from cases import tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def status_path(case_in):
    return f"/status/{tokens.status_token_create(case_in('waiting'))}/"


def test_the_switch_on_a_failed_upload_returns_to_the_status_page(client, status_path):
    page = client.post(status_path + "upload/", {"message": ""})  # nothing sent: refused
    assert page.status_code == 200
    assert "Voeg een bestand toe of schrijf een bericht" in page.content.decode()
    switch = re.search(r'name="next" value="([^"]*)"', page.content.decode())[1]
    assert switch == status_path
    response = client.post(reverse("set_language"), {"language": "en", "next": switch})
    assert response.status_code == 302 and response["Location"] == status_path
    assert "Your request" in client.get(status_path).content.decode()


def test_opening_the_upload_address_leads_to_the_status_page(client, status_path):
    response = client.get(status_path + "upload/")
    assert response.status_code == 302
    assert response["Location"] == status_path
    assert response["Cache-Control"] == "no-store, private"
    assert response["Referrer-Policy"] == "same-origin"
