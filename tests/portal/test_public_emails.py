"""The e-mails of the public pages, in Dutch and in English: the confirmation request and
the status link an officer sends. Secret links go out in the message, never into the
stored copy; whatever the subject typed is text, not markup."""

import pytest
from django.urls import reverse

from cases import tokens
from casework import actions
from notifications.models import OutboundEmail
from tests.factories import case as make_case
from tests.portal.conftest import link_in

pytestmark = pytest.mark.django_db

CONFIRM = {
    "nl": {
        "subject": "Bevestig uw verzoek: Inzage (art. 15)",
        "greeting": "Beste Zoë de Vries,",
        "body": "Wilt u het bevestigen met de link hieronder?",
        "expiry": "De link werkt 7 dagen.",
        "ignore": "wij verwijderen het na 30 dagen",
        "button": "Mijn verzoek bevestigen",
    },
    "en": {
        "subject": "Please confirm your request: Access (Art 15)",
        "greeting": "Dear Zoë de Vries,",
        "body": "Please confirm it with the link below.",
        "expiry": "The link works for 7 days.",
        "ignore": "we delete it after 30 days",
        "button": "Confirm my request",
    },
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_confirmation_e_mail_in_each_language(web_case, deliver, language):
    case = web_case(subject_language=language)
    [message] = deliver()
    words = CONFIRM[language]
    assert message.subject == words["subject"]
    # Not numbered yet: the receipt after the confirmation brings the reference.
    assert case.reference is None and "DSAR-" not in message.body
    for key in ("greeting", "body", "expiry", "ignore"):
        assert words[key] in message.body, key
    html = message.alternatives[0][0]
    assert words["button"] in html
    assert "DSAR-" not in html and "None" not in html
    assert f'lang="{language}"' in html
    path = link_in(message, "/confirm/")
    assert path.endswith(f"?lang={language}")
    assert path.split("?")[0] in html

    # The stored copy keeps no secret link.
    stored = OutboundEmail.objects.get(case=case)
    assert "/confirm/" not in stored.body
    assert "[link]" in stored.body


def test_the_confirmation_link_opens_the_page_in_the_e_mail_s_language(client, web_case, deliver):
    web_case(subject_language="en")
    [message] = deliver()
    response = client.get(link_in(message, "/confirm/"))
    assert "Confirm your request" in response.content.decode()
    # …and the choice sticks for the next page.
    assert "Make a request about your personal data" in client.get("/").content.decode()


def test_a_representative_is_greeted_by_their_own_name(web_case, deliver):
    web_case(
        subject_name="Daan de Vries",
        representative_name="Anna de Vries",
        representative_details="Moeder",
    )
    [message] = deliver()
    assert "Beste Anna de Vries," in message.body


def test_html_typed_in_the_form_stays_text_in_the_e_mails(web_case, deliver):
    web_case(subject_name='<img src=x onerror="alert(1)">Zoë')
    [message] = deliver()
    assert 'Beste <img src=x onerror="alert(1)">Zoë,' in message.body  # plain text: as typed
    html = message.alternatives[0][0]
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Zoë" in html


@pytest.mark.parametrize(
    ("language", "subject", "line", "follow"),
    [
        ("nl", "Volg uw verzoek", "Op 5 maart 2026 hebben wij uw verzoek", "Volg uw verzoek"),
        ("en", "Follow your request", "On 5 March 2026 we received your request", "Follow"),
    ],
)
def test_the_status_link_e_mail_in_each_language(
    officer_client, deliver, client, language, subject, line, follow
):
    case = make_case(subject_language=language)
    deliver()  # the receipt of the registration
    response = officer_client.post(
        reverse("admin:cases_case_do", args=[case.pk, "send_status_link"])
    )
    assert response.status_code == 302
    [message] = deliver()
    assert message.to == ["zoe@example.org"]
    assert message.subject.startswith(subject) and case.reference in message.subject
    assert line in message.body
    assert follow in message.alternatives[0][0]
    path = link_in(message, "/status/")
    assert path.endswith(f"?lang={language}")
    page = client.get(path)
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    # Only the hash of the token in the link is stored.
    token = path.split("/status/")[1].split("/")[0]
    assert tokens.case_from_status_token(token) == case
    assert token not in OutboundEmail.objects.get(kind="status_link").body


def test_every_e_mail_to_the_subject_gets_its_own_status_link(deliver):
    from notifications.planning import email_plan

    case = make_case()
    deliver()  # the receipt of the registration
    for n in range(2):
        email_plan(kind="status_link", to="zoe@example.org", case=case, dedupe_key=f"t{n}")
    first, second = deliver()
    assert link_in(first, "/status/") != link_in(second, "/status/")
    assert case.status_tokens.count() == 3  # and one in the receipt


def test_the_send_status_link_action_needs_an_address_and_permission(
    officer_client, client, deliver
):
    from django.contrib.auth import get_user_model

    no_email = make_case(subject_email="")
    url = reverse("admin:cases_case_do", args=[no_email.pk, "send_status_link"])
    page = officer_client.get(reverse("admin:cases_case_change", args=[no_email.pk]))
    assert "Send status link" not in page.content.decode()
    officer_client.post(url)
    assert not OutboundEmail.objects.filter(kind="status_link").exists()

    case = make_case()
    page = officer_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert "Send status link" in page.content.decode()
    # Staff without the "work" permission may not send it.
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(viewer)
    response = client.post(reverse("admin:cases_case_do", args=[case.pk, "send_status_link"]))
    assert response.status_code == 403
    assert not OutboundEmail.objects.filter(kind="status_link").exists()


def test_a_double_click_sends_one_status_link(officer_client):
    case = make_case()
    url = reverse("admin:cases_case_do", args=[case.pk, "send_status_link"])
    officer_client.post(url)
    officer_client.post(url)
    assert OutboundEmail.objects.filter(kind="status_link", case=case).count() == 1


def test_the_status_link_service_refuses_an_unconfirmed_request(web_case):
    from cases.audit import Actor
    from cases.services import CaseActionError

    case = web_case()
    with pytest.raises(CaseActionError):
        actions.send_status_link(case_id=case.pk, actor=Actor.system())
