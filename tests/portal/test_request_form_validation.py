"""The request form as a table of good and bad inputs: every bad input gets a clear
message on its own field; every good one is stored as typed (cleaned of control
characters)."""

import pytest
from django.utils import translation

from casework.forms import RequestForm
from tests.portal.conftest import form_data

GOOD = [
    pytest.param({}, id="plain"),
    pytest.param({"name": "IJsbrand van der Berg"}, id="name-ij"),
    pytest.param({"name": "Zoë"}, id="name-diaeresis"),
    pytest.param({"name": "Øyvind Hansen"}, id="name-o-slash"),
    pytest.param({"name": "Nguyễn Văn An"}, id="name-vietnamese"),
    pytest.param({"name": "李雷"}, id="name-chinese"),
    pytest.param({"name": "Мария Иванова"}, id="name-cyrillic"),
    pytest.param({"name": "محمد"}, id="name-arabic"),
    pytest.param({"name": "O'Brien-Smith"}, id="name-apostrophe"),
    pytest.param({"name": "x" * 200}, id="name-200-chars"),
    pytest.param({"email": "zoe@bücher.example"}, id="email-idn"),
    pytest.param({"email": "jan@exämple.nl"}, id="email-idn-domain"),
    pytest.param({"email": "first.last+dsar@sub.example.nl"}, id="email-plus"),
    pytest.param({"phone": "06 12345678"}, id="phone-mobile"),
    pytest.param({"phone": "+31 (0)30-123 4567"}, id="phone-international"),
    pytest.param({"request_type": "access", "description": ""}, id="access-no-description"),
    pytest.param({"request_type": "portability", "description": ""}, id="portability-no-text"),
    pytest.param({"request_type": "erasure", "description": "Mijn account."}, id="erasure"),
    pytest.param({"description": "x" * 5000}, id="description-5000-chars"),
    pytest.param({"description": "<script>alert(1)</script>"}, id="description-html"),
    pytest.param(
        {"on_behalf": "other", "behalf_name": "Daan de Vries", "behalf_relationship": "Vader"},
        id="on-behalf",
    ),
    pytest.param({"language": "en"}, id="english"),
]

BAD = [
    pytest.param({"request_type": ""}, "request_type", "Choose the right", id="no-right"),
    pytest.param({"request_type": "all"}, "request_type", "Choose the right", id="unknown-right"),
    pytest.param({"name": ""}, "name", "Enter your name", id="no-name"),
    pytest.param({"name": "   "}, "name", "Enter your name", id="blank-name"),
    pytest.param({"name": "\x00\x07"}, "name", "Enter your name", id="only-controls"),
    pytest.param({"name": "12345"}, "name", "at least one letter", id="name-digits"),
    pytest.param({"name": "x" * 201}, "name", "at most 200", id="name-too-long"),
    pytest.param({"email": ""}, "email", "Enter your e-mail", id="no-email"),
    pytest.param({"email": "zoe"}, "email", "name@example.nl", id="email-no-at"),
    pytest.param({"email": "zoe@"}, "email", "name@example.nl", id="email-no-domain"),
    pytest.param({"email": "a b@example.org"}, "email", "name@example.nl", id="email-space"),
    pytest.param({"email": "z@e.nl\nBcc: x@y.z"}, "email", "name@example.nl", id="email-header"),
    pytest.param({"email": "a" * 250 + "@x.nl"}, "email", "at most 254", id="email-too-long"),
    pytest.param(
        {"email": "jån@exämple.nl"},
        "email",
        "letters such as å, é or ü before the @",
        id="email-non-ascii-local-part",
    ),
    pytest.param({"phone": "bel me"}, "phone", "digits only", id="phone-letters"),
    pytest.param({"phone": "12"}, "phone", "digits only", id="phone-short"),
    pytest.param({"phone": "1" * 41}, "phone", "at most 40", id="phone-too-long"),
    pytest.param(
        {"request_type": "rectification", "description": ""},
        "description",
        "Describe what",
        id="rectification-no-text",
    ),
    pytest.param(
        {"request_type": "objection", "description": " \t "},
        "description",
        "Describe what",
        id="objection-blank-text",
    ),
    pytest.param(
        {"description": "x" * 5001},
        "description",
        "5001 characters long; the most we can take is 5000. Shorten it by 1 character,",
        id="description-too-long",
    ),
    pytest.param({"on_behalf": ""}, "on_behalf", "Choose for whom", id="no-on-behalf"),
    pytest.param(
        {"on_behalf": "other", "behalf_relationship": "Vader"},
        "behalf_name",
        "Enter the name of the person",
        id="on-behalf-no-name",
    ),
    pytest.param(
        {"on_behalf": "other", "behalf_name": "Daan"},
        "behalf_relationship",
        "how you are related",
        id="on-behalf-no-relationship",
    ),
    pytest.param({"language": "de"}, "language", "Select a valid choice", id="language-german"),
]


@pytest.mark.parametrize("overrides", GOOD)
def test_it_accepts_good_input(overrides):
    form = RequestForm(form_data(**overrides))
    assert form.is_valid(), form.errors.as_data()


@pytest.mark.parametrize(("overrides", "field", "message"), BAD)
def test_it_refuses_bad_input_with_a_message_on_the_field(overrides, field, message):
    with translation.override("en"):
        form = RequestForm(form_data(**overrides))
        assert not form.is_valid()
        assert list(form.errors) == [field]
        assert message in " ".join(form.errors[field])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Zoë\x00 de\x07 Vries", "Zoë de Vries"),
        ("  Zoë   de\tVries  ", "Zoë de Vries"),
        ("Zoe\u0308", "Zoë"),  # decomposed diaeresis, stored composed (NFC)
        ("Zoë\u202e seirV", "Zoë seirV"),  # right-to-left override removed
        ("Zoë\u200bde\ufeff", "Zoëde"),  # zero-width space and byte-order mark removed
        ("Zoë\nde Vries", "Zoë de Vries"),  # one line
    ],
)
def test_it_strips_control_characters_from_names(typed, stored):
    form = RequestForm(form_data(name=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == stored


def test_it_keeps_line_breaks_in_the_description_but_not_other_controls():
    form = RequestForm(form_data(description="Regel één\r\nRegel\x0b twee\x1b[31m"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["description"] == "Regel één\nRegel twee[31m"


def test_a_request_for_someone_else_stores_who_made_it():
    form = RequestForm(
        form_data(
            name="Anna de Vries",
            on_behalf="other",
            behalf_name="Daan de Vries",
            behalf_relationship="Moeder van Daan (12 jaar)",
        )
    )
    assert form.is_valid(), form.errors
    fields = form.case_fields()
    assert fields["subject_name"] == "Daan de Vries"
    assert fields["representative_name"] == "Anna de Vries"
    assert fields["representative_details"] == "Moeder van Daan (12 jaar)"
    assert fields["subject_email"] == "zoe@example.org"


def test_a_domain_sent_in_its_ascii_form_is_kept_as_people_write_it():
    form = RequestForm(form_data(email="jan@xn--exmple-cua.nl"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == "jan@exämple.nl"
    assert not RequestForm(form_data(email="jan@xn--zz-.nl")).is_valid()


def test_every_field_has_a_length_limit_in_the_page():
    with translation.override("en"):
        form = RequestForm()
    for name in ("name", "email", "phone", "behalf_name", "behalf_relationship"):
        assert form.fields[name].max_length, name
        assert f'maxlength="{form.fields[name].max_length}"' in str(form[name]), name
    # The description is never cut by the browser: the page counts down to the limit
    # (request_form.js) and says it in the hint; the server refuses a longer text.
    assert "maxlength" not in str(form["description"])
    assert 'data-max-length="5000"' in str(form["description"])
    assert "At most 5000 characters." in str(form["description"].help_text)


@pytest.mark.django_db
def test_the_page_shows_errors_tied_to_their_fields_and_keeps_what_was_typed(client):
    response = client.post(
        "/",
        form_data(email="zoe", name="Zoë <b>de Vries</b>"),
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page
    assert '<a href="#id_email">Enter an e-mail address in the form name@example.nl.</a>' in page
    assert 'id="id_email-error"' in page
    assert 'aria-describedby="id_email-hint id_email-error"' in page
    assert 'aria-invalid="true"' in page
    # What was typed is kept, as text.
    assert 'value="Zoë &lt;b&gt;de Vries&lt;/b&gt;"' in page
    assert "<b>de Vries</b>" not in page


@pytest.mark.django_db
def test_a_missing_right_links_to_the_first_choice(client):
    page = client.post("/", form_data(request_type=""), headers={"accept-language": "en"})
    html = page.content.decode()
    assert '<a href="#id_request_type_0">Choose the right you want to use.</a>' in html
    assert 'id="id_request_type_0"' in html
    assert 'aria-describedby="id_request_type-hint id_request_type-error"' in html
