"""The data subject's side: a browser-like client, the form's valid data, the outbox
delivered on demand and a private-files folder of the test's own."""

import re
import uuid

import pytest
from django.core import mail
from django.test import Client

from cases.models import Case, Status
from casework import actions
from casework.actions import submit_web_request
from notifications.delivery import email_deliver
from notifications.models import OutboundEmail, State


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters of this test only (the real cache is tested in test_rate_limits)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"public-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    return settings.PRIVATE_FILES_ROOT


@pytest.fixture
def client():
    """A visitor whose browser states no language: the pages are in Dutch."""
    return Client()


def form_data(**overrides) -> dict:
    data = {
        "request_type": "access",
        "name": "Zoë de Vries",
        "email": "zoe@example.org",
        "phone": "",
        "on_behalf": "self",
        "behalf_name": "",
        "behalf_relationship": "",
        "description": "Graag een kopie van mijn klantgegevens.",
        "language": "nl",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submit(client):
    """``submit(**overrides)``: post the request form as a visitor would."""

    def post(**overrides):
        return client.post("/", form_data(**overrides))

    return post


@pytest.fixture
def deliver():
    """``deliver()``: send every pending e-mail in the outbox now (what the Celery worker
    does after commit); returns the messages sent."""

    def run():
        before = len(mail.outbox)
        for pk in OutboundEmail.objects.filter(state=State.PENDING).values_list("pk", flat=True):
            email_deliver(email_id=pk, requeue=False)
        return mail.outbox[before:]

    return run


@pytest.fixture
def web_case(db):
    """``web_case(**case fields)``: an unconfirmed web request, made through the service."""

    def make(**fields):
        values = {
            "request_type": "access",
            "subject_name": "Zoë de Vries",
            "subject_email": "zoe@example.org",
            "subject_language": "nl",
        }
        values.update(fields)
        case = submit_web_request(fields=values)
        assert case.status == Status.UNCONFIRMED
        return case

    return make


def link_in(message, path_prefix: str) -> str:
    """The path (with query) of the first link to ``path_prefix`` in an e-mail's text."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match[1]


def confirmed_case(client, case: Case, deliver) -> tuple[Case, str]:
    """Confirm ``case`` through its e-mail; returns the case and the status page path."""
    messages = deliver()
    confirm = next(m for m in messages if "/confirm/" in m.body)
    response = client.post(link_in(confirm, "/confirm/"))
    assert response.status_code == 302, response.content.decode()[:500]
    case.refresh_from_db()
    return case, response["Location"]


@pytest.fixture
def case_in(officer_user):
    """``case_in(status, **fields)``: an officer-registered case moved to "waiting" (for
    identity documents), "in_progress" or "closed" (granted) by the services."""
    from cases import services
    from cases.audit import Actor
    from cases.models import IdentityMethod, PauseReason
    from tests import factories

    def build(status, **fields):
        actor = Actor.staff(officer_user)
        case = factories.case(actor=actor, **fields)
        steps = {"case_id": case.pk, "actor": actor}
        if status == "waiting":
            services.case_start_identity_check(**steps)
            actions.pause(**steps, reason=PauseReason.IDENTITY, note="Masked copy of ID")
        elif status == "in_progress":
            services.case_verify_identity(**steps, method=IdentityMethod.DOCUMENT)
        elif status == "closed":
            services.case_verify_identity(**steps, method=IdentityMethod.DOCUMENT)
            services.case_close(**steps, outcome="granted")
        else:
            raise AssertionError(f"No recipe for {status!r}")
        case.refresh_from_db()
        assert case.status == status
        return case

    return build
