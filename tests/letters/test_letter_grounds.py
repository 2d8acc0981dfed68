"""Refusal grounds are the officer's, never a default; each right has its own; some grounds
need more (what was checked, the statute, the UAVG 41 interest). An objection to direct
marketing has no refusal letter at all (Art 21(3))."""

import pytest
from django.utils import translation

from cases.models import RequestType
from letters import catalogue, services
from letters.forms import letter_fields_form
from letters.models import LetterType, OrganisationProfile

pytestmark = pytest.mark.django_db

REFUSAL = catalogue.get(LetterType.REFUSAL)


@pytest.mark.parametrize("request_type", list(RequestType.values))
def test_no_ground_is_pre_selected(make_case, request_type):
    case = make_case(request_type)

    initial = catalogue.initial_fields(REFUSAL, case, OrganisationProfile.load(), "nl")

    assert initial["ground"] == ""


def test_a_refusal_without_a_chosen_ground_is_not_made(make_case, make_letter):
    case = make_case("rectification")

    with pytest.raises(services.LetterError) as raised:
        make_letter(case, LetterType.REFUSAL, "nl", reasons="De gegevens kloppen.")

    assert "ground" in raised.value.field_errors


@pytest.mark.parametrize(
    ("request_type", "offered", "not_offered"),
    [
        ("access", {"rights_of_others", "identity", "unfounded"}, {"data_accurate", "17_3_e"}),
        ("rectification", {"data_accurate", "identity"}, {"rights_of_others", "21_compelling"}),
        ("erasure", {"17_3_b_obligation", "17_3_b_public_task", "17_1_not_met"}, {"18_1_not_met"}),
        ("restriction", {"18_1_not_met", "uavg_41"}, {"data_accurate", "17_3_a"}),
        ("portability", {"20_not_applicable", "rights_of_others"}, {"21_legal_claims"}),
        ("objection", {"21_compelling", "21_legal_claims", "21_not_applicable"},
         {"17_3_b_obligation"}),
    ],
)  # fmt: skip
def test_each_right_has_its_own_grounds(make_case, request_type, offered, not_offered):
    case = make_case(request_type)
    form = letter_fields_form(REFUSAL, case)()

    choices = {value for value, _label in form.fields["ground"].choices}

    assert offered <= choices
    assert not not_offered & choices
    assert "" in choices  # "choose the ground", the initial value


def test_a_ground_of_another_right_is_refused(make_case, make_letter):
    case = make_case("access")

    with pytest.raises(services.LetterError) as raised:
        make_letter(
            case, LetterType.REFUSAL, "nl", ground="data_accurate", checked="x", reasons="x"
        )

    assert "ground" in raised.value.field_errors


@pytest.mark.parametrize(
    ("request_type", "ground", "needs"),
    [
        ("rectification", "data_accurate", "checked"),
        ("erasure", "17_3_b_obligation", "legal_basis"),
        ("erasure", "17_3_b_public_task", "legal_basis"),
        ("access", "uavg_41", "uavg_interest"),
    ],
)
def test_some_grounds_need_more(make_case, make_letter, request_type, ground, needs):
    case = make_case(request_type)

    with pytest.raises(services.LetterError) as raised:
        make_letter(case, LetterType.REFUSAL, "nl", ground=ground, reasons="Zie hieronder.")

    assert list(raised.value.field_errors) == [needs]


def test_an_erasure_kept_by_law_names_the_statute(make_case, make_letter):
    case = make_case("erasure")

    with pytest.raises(services.LetterError) as raised:
        make_letter(
            case, LetterType.ERASURE_DONE, "nl",
            retained="Facturen.", retention_ground="17_3_b_obligation",
        )  # fmt: skip

    assert list(raised.value.field_errors) == ["legal_basis"]


def test_a_direct_marketing_objection_has_no_refusal_letter(make_case, make_letter):
    case = make_case("objection", objection_direct_marketing=True)

    with pytest.raises(services.LetterError) as raised, translation.override("en"):
        make_letter(case, LetterType.REFUSAL, "nl", ground="21_compelling", reasons="x")

    assert raised.value.code == "unavailable"
    assert "Art 21(3)" in str(raised.value.message)


def test_a_direct_marketing_objection_is_upheld_as_one(make_case, make_letter):
    case = make_case("objection", objection_direct_marketing=True)
    profile = OrganisationProfile.load()
    spec = catalogue.get(LetterType.OBJECTION_UPHELD)

    assert catalogue.initial_fields(spec, case, profile, "nl")["direct_marketing"] == "yes"
    with pytest.raises(services.LetterError) as raised:
        make_letter(
            case, LetterType.OBJECTION_UPHELD, "nl",
            processing="Nieuwsbrief.", direct_marketing="no",
        )  # fmt: skip
    assert list(raised.value.field_errors) == ["direct_marketing"]
