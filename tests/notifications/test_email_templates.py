"""Every e-mail of this app renders in Dutch and in English, plain text and HTML."""

import pytest
import time_machine

from cases import services
from cases.audit import Actor
from casework import actions
from notifications import rendering
from notifications.models import Kind, OutboundEmail
from tests import factories
from tests.factories import at

pytestmark = pytest.mark.django_db

CONTEXTS = {
    Kind.RECEIPT: {},
    Kind.NEW_REQUEST: {},
    Kind.IDENTITY_REQUEST: {"note": "A copy of your passport."},
    Kind.CLARIFICATION_REQUEST: {"note": "Which of your accounts?"},
    Kind.EXTENSION_NOTICE: {"reason": "Data in twelve systems."},
    Kind.CLOSURE_NOTICE: {"outcome": "refused", "reason": "Seven-year rule."},
    Kind.REMINDER_WEEK: {},
    Kind.REMINDER_SOON: {},
    Kind.REMINDER_DUE: {},
    Kind.REMINDER_OVERDUE: {},
    Kind.OVERDUE_ESCALATION: {},
    Kind.EXTENSION_UNTOLD: {},
    Kind.DAILY_DIGEST: {},
}
# A phrase of each language that every one of these e-mails has.
DUTCH = ("verzoek", "Verzoek")
ENGLISH = ("request", "Request")


@pytest.fixture
def extended_case(fake_broker):
    officer = factories.officer("ilse", email="ilse@example.nl")
    case = factories.case(subject_email="", received_at=at(2026, 3, 5), now=at(2026, 3, 6))
    services.case_assign(
        case_id=case.pk, actor=Actor.system(), assignee=officer, now=at(2026, 3, 6)
    )
    actions.extend(case_id=case.pk, actor=Actor.system(), reason="x", now=at(2026, 3, 6))
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("kind", list(CONTEXTS))
def test_it_renders_in_dutch_and_english(extended_case, kind):
    rendered = {}
    for language in ("nl", "en"):
        email = OutboundEmail(
            kind=kind,
            case=extended_case,
            recipient_user=extended_case.assignee,
            to="x@example.org",
            language=language,
            context=CONTEXTS[kind],
        )
        with time_machine.travel(at(2026, 3, 9, 8), tick=False):
            rendered[language] = rendering.render_email(email)

    for language, phrases in (("nl", DUTCH), ("en", ENGLISH)):
        subject, text, html = rendered[language]
        assert subject and "\n" not in subject
        assert any(p in text for p in phrases), text
        assert f'<html lang="{language}">' in html
        assert "{{" not in text + html and "{%" not in text + html
    assert rendered["nl"][0] != rendered["en"][0]  # the subject line is translated
    assert rendered["nl"][1] != rendered["en"][1]


def test_the_dutch_receipt_speaks_plain_formal_dutch(extended_case):
    email = OutboundEmail(kind=Kind.RECEIPT, case=extended_case, to="x@example.org", language="nl")

    subject, text, _html = rendering.render_email(email)

    assert subject == f"Wij hebben uw verzoek ontvangen ({extended_case.reference})"
    assert "Wij reageren uiterlijk op donderdag 2 april 2026." in text
    assert "Met vriendelijke groet," in text
    assert " je " not in text
