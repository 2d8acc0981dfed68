"""The public submission endpoint: the web form for organisations with their own front end.
Anonymous, throttled, validated by the web form's own rules, and the same flow: the request
waits, unconfirmed, until the subject follows the link in the confirmation e-mail."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from cases.models import Case, Status
from notifications.delivery import email_deliver
from notifications.models import OutboundEmail

from .conftest import token_client

pytestmark = pytest.mark.django_db

URL = "/api/public/requests/"
BODY = {
    "request_type": "erasure",
    "name": "Øyvind van 't Hof",
    "email": "oyvind@example.org",
    "description": "Verwijder mijn klantaccount.",
    "language": "en",
}


def test_it_stores_the_request_unconfirmed_and_sends_the_confirmation_link(api):
    response = APIClient().post(URL, BODY, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "confirmation_sent"
    assert response.json()["email"] == "oyvind@example.org"
    assert "reference" not in response.json() and "id" not in response.json()
    # The deadline counts from now (docs/public.md); only the handling waits for the click.
    assert response.json()["message"].endswith(
        "om het verzoek te bevestigen; pas daarna nemen wij het in behandeling."
    )

    case = Case.objects.get()
    assert case.status == Status.UNCONFIRMED
    assert case.reference is None  # numbered once confirmed
    assert case.channel == "web" and case.subject_language == "en"
    # Not a request yet: officers do not see it.
    assert api.get("/api/cases/").json()["count"] == 0

    email = OutboundEmail.objects.get(case=case)
    assert email.kind == "confirm_address" and email.to == "oyvind@example.org"
    email_deliver(email_id=email.pk)
    link = re.search(r"https?://[^\s\"<]+/confirm/[^\s\"<]+", mail.outbox[0].body)[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    subject = Client()
    assert subject.post("/" + path).status_code == 302

    rows = api.get("/api/cases/").json()["results"]
    case.refresh_from_db()
    assert [row["reference"] for row in rows] == [case.reference] == ["DSAR-2026-00001"]
    assert rows[0]["status"] == "new"


def test_someone_else_can_make_the_request(db):
    body = {
        **BODY,
        "on_behalf": "other",
        "behalf_name": "Mila Ramdin",
        "behalf_relationship": "Mother of a child under 16",
    }
    assert APIClient().post(URL, body, format="json").status_code == 202
    case = Case.objects.get()
    assert case.subject_name == "Mila Ramdin"
    assert case.representative_name == "Øyvind van 't Hof"


@pytest.mark.parametrize(
    "change, fields",
    [
        ({"description": ""}, ["description"]),  # required for an erasure, as on the form
        ({"on_behalf": "other"}, ["behalf_name", "behalf_relationship"]),
        ({"name": "12345"}, ["name"]),
        ({"phone": "call me"}, ["phone"]),
        ({"email": "oyvind"}, ["email"]),
        ({"request_type": "complaint"}, ["request_type"]),
    ],
)
def test_it_applies_the_web_forms_rules(db, change, fields):
    response = APIClient().post(URL, {**BODY, **change}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert sorted(response.json()["error"]["fields"]) == fields
    assert not Case.objects.exists()


def test_it_is_throttled_per_client_address_like_the_web_form(db, settings):
    settings.DSAR_RATE_LIMITS = {**settings.DSAR_RATE_LIMITS, "submit_ip": "3/h"}
    client = APIClient()
    limit = 3
    for i in range(limit):
        body = {**BODY, "email": f"person{i}@example.org"}
        assert client.post(URL, body, format="json").status_code == 202
    response = client.post(URL, {**BODY, "email": "one-more@example.org"}, format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    # The first of the three leaves the rolling hour an hour after it was made: now.
    assert response["Retry-After"] == "3600"
    assert Case.objects.count() == limit
    # Another address may still submit.
    other = APIClient(REMOTE_ADDR="192.0.2.7")
    assert other.post(URL, {**BODY, "email": "else@example.org"}, format="json").status_code == 202


def test_it_is_throttled_per_e_mail_address_like_the_web_form(db, settings):
    settings.DSAR_RATE_LIMITS = {**settings.DSAR_RATE_LIMITS, "submit_email": "2/d"}
    for i in range(2):
        client = APIClient(REMOTE_ADDR=f"192.0.2.{i + 1}")
        assert client.post(URL, BODY, format="json").status_code == 202
    response = APIClient(REMOTE_ADDR="192.0.2.9").post(URL, BODY, format="json")
    assert response.status_code == 429
    assert Case.objects.count() == 2


def test_an_officers_token_changes_nothing(officer_user):
    response = token_client(officer_user).post(URL, BODY, format="json")
    assert response.status_code == 202
    assert Case.objects.get().status == Status.UNCONFIRMED
