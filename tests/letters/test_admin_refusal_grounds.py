"""The compose screen of a refusal offers the grounds of the request's right, with none
selected; a direct-marketing objection gets no refusal letter to compose."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def compose(client, case, letter_type):
    url = reverse("admin:letters_letter_compose", args=[case.pk])
    return client.get(f"{url}?letter_type={letter_type}&language=nl").content.decode()


def ground_options(page: str) -> dict[str, bool]:
    select = re.search(r'<select name="ground"[^>]*>(.*?)</select>', page, re.S)[1]
    return {
        value: "selected" in attrs
        for attrs, value in ((m[0], m[1]) for m in re.findall(
            r'(<option value="([^"]*)"[^>]*>)', select))
    }  # fmt: skip


def test_a_rectification_refusal_offers_its_own_grounds_and_selects_none(officer_client, make_case):
    page = compose(officer_client, make_case("rectification"), "refusal")

    options = ground_options(page)
    assert "data_accurate" in options and "identity" in options
    assert "17_3_b_obligation" not in options and "21_compelling" not in options
    assert [value for value, selected in options.items() if selected] in ([], [""])


def test_a_direct_marketing_objection_has_nothing_to_compose(officer_client, make_case):
    case = make_case("objection", objection_direct_marketing=True)

    page = compose(officer_client, case, "refusal")

    assert "An objection to direct marketing cannot be refused" in page
    assert 'name="ground"' not in page
