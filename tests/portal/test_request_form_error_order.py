"""The error summary lists the errors in the order of the fields on the page, and the
e-mail address with letters outside ASCII before the @ is refused in the subject's language,
saying why (docs/public.md, "E-mail addresses in other scripts")."""

import re

from django.core import mail

from cases.models import Case
from tests.portal.conftest import form_data


def test_the_error_summary_follows_the_order_of_the_fields(client, db):
    page = client.post(
        "/",
        form_data(
            request_type="rectification",
            description="",
            name="",
            email="zoe",
            on_behalf="other",
        ),
    ).content.decode()

    summary = page[page.index('class="error-summary"') : page.index("</ul>")]
    linked = re.findall(r'<a href="#(id_[a-z_]+)"', summary)
    assert linked == [
        "id_description",
        "id_name",
        "id_email",
        "id_behalf_name",
        "id_behalf_relationship",
    ]
    form = page[page.index('<form class="form"') :]
    positions = [form.index(f'id="{field_id}"') for field_id in linked]
    assert positions == sorted(positions)


def test_an_address_with_non_ascii_before_the_at_is_refused_saying_why(client, db):
    response = client.post("/", form_data(email="jån@exämple.nl"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Wij kunnen geen e-mail sturen naar een adres met letters als å, é of ü" in page
    assert 'value="jån@exämple.nl"' in page  # kept, to correct
    assert not Case.objects.exists()


def test_an_address_with_a_domain_in_another_script_is_accepted_and_mailed(client, db, deliver):
    response = client.post("/", form_data(email="jan@exämple.nl"))

    assert response.status_code == 302
    case = Case.objects.get()
    assert case.subject_email == "jan@exämple.nl"
    [message] = deliver()
    # Django's mail backend sends it to the domain's ASCII form (punycode).
    assert message.to == ["jan@exämple.nl"]
    assert "jan@xn--exmple-cua.nl" in message.message()["To"]
    assert not mail.outbox[1:]
