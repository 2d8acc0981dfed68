"""The case page's "what now" panel and its timeline in words, in the Dutch admin; the DPO's
audit list in words too."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.roles import DPO
from cases.audit import Actor
from casework import actions
from tests import factories

pytestmark = pytest.mark.django_db


def change(case_id):
    return reverse("admin:cases_case_change", args=[case_id])


@pytest.fixture
def dutch_client(officer_user):
    client = Client(headers={"accept-language": "nl"})
    client.force_login(officer_user)
    return client


def test_the_panel_says_what_is_due_with_its_buttons(dutch_client, officer_user):
    case = factories.case(
        received_at=factories.at(2026, 12, 4),
        now=factories.at(2026, 12, 4),
        channel="post",
        subject_email="",
        actor=Actor.staff(officer_user),
    )
    with time_machine.travel(factories.at(2026, 12, 7, 9), tick=False):
        page = dutch_client.get(change(case.pk)).content.decode()
    panel = page[page.index('id="what-now-heading"') : page.index('id="deadline-heading"')]
    assert "Wat nu" in panel
    assert "Ontvangstbevestiging sturen" in panel
    compose = reverse("admin:letters_letter_compose", args=[case.pk])
    assert f'href="{compose}?letter_type=acknowledgement&amp;language=nl"' in panel
    assert "Identiteit vaststellen" in panel
    assert 'form="dsar-do-start_identity_check"' in panel
    assert "Antwoordbrief nog niet verstuurd: antwoorden uiterlijk maandag 4 januari 2027" in panel
    assert "Verlengen met twee maanden kan tot en met maandag 4 januari 2027" in panel
    # The timeline in a sentence, no field names.
    assert "Verzoek per post ontvangen en geregistreerd." in page
    assert "<code>channel</code>" not in page


def test_the_dpo_audit_list_shows_sentences():
    dpo = factories.staff_in_role(DPO)
    officer = factories.officer("olga")
    case = factories.case(channel="phone", actor=Actor.staff(officer))
    actions.extend(
        case_id=case.pk, actor=Actor.staff(officer), reason="Complex.", now=factories.at(2026, 3, 6)
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(dpo)
    response = client.get(reverse("admin:cases_caseevent_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Request received by phone and registered." in page
    assert "Deadline extended from Thursday 2 April 2026 to Tuesday 2 June 2026." in page
