"""A B.V. or N.V. prints its KvK number on its letters (Handelsregisterwet 2007, art. 20): the
organisation profile page warns when it is missing or malformed, and so does
``manage.py check --database default``."""

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils import translation

from letters.checks import KVK_NUMBER_MISSING, check_organisation_kvk_number, kvk_number_problem
from letters.models import OrganisationProfile

from .test_admin_letters import profile_form_data


@pytest.mark.parametrize(
    ("name", "kvk_number", "flagged"),
    [
        ("Voorbeeld B.V.", "", True),
        ("Voorbeeld BV", "", True),
        ("Voorbeeld B. V.", "  ", True),
        ("N.V. Nederlandsche Voorbeeld", "", True),
        ("Voorbeeld Holding Besloten Vennootschap", "", True),
        ("Voorbeeld B.V.", "1234567", True),  # seven digits
        ("Voorbeeld B.V.", "KvK 12345678", True),
        ("Voorbeeld B.V.", "12345678", False),
        ("Voorbeeld B.V.", "1234 5678", False),
        ("Stichting Voorbeeld", "", False),  # its name does not say it is registered
        ("Gemeente Voorbeeld", "", False),
        ("Bevers Vastgoed", "", False),
        ("Envoy Consultancy", "", False),
    ],
)
def test_it_flags_a_bv_or_nv_without_a_valid_kvk_number(name, kvk_number, flagged):
    with translation.override("en"):
        problem = kvk_number_problem(name=name, kvk_number=kvk_number)

    assert bool(problem) is flagged, problem
    if flagged:
        assert name in problem and "Handelsregisterwet 2007, art. 20" in problem


@pytest.mark.django_db
def test_the_profile_page_warns_until_the_number_is_filled_in(officer_client):
    profile = OrganisationProfile.load()
    profile.name, profile.kvk_number = "Voorbeeld B.V.", ""
    profile.save()
    page = reverse("admin:letters_organisationprofile_change", args=[profile.pk])

    before = officer_client.get(page)
    saved = officer_client.post(page, profile_form_data(profile, kvk_number="12345678"))
    after = officer_client.get(page)

    assert before.status_code == 200
    assert any(
        "Voorbeeld B.V. is a B.V. or N.V. by its name, but the profile has no KvK number" in str(m)
        for m in get_messages(before.wsgi_request)
    ), before.content.decode()[:1000]
    assert "Handelsregisterwet 2007, art. 20" in before.content.decode()
    assert saved.status_code == 302
    assert "Handelsregisterwet" not in after.content.decode()


@pytest.mark.django_db
def test_the_profile_page_says_it_in_dutch(officer_user):
    from django.test import Client

    profile = OrganisationProfile.load()
    profile.name, profile.kvk_number = "Voorbeeld N.V.", ""
    profile.save()
    client = Client(headers={"accept-language": "nl"})
    client.force_login(officer_user)

    page = client.get(reverse("admin:letters_organisationprofile_change", args=[profile.pk]))

    assert "maar het profiel heeft geen KvK-nummer" in page.content.decode()


@pytest.mark.django_db
def test_check_with_the_database_warns_about_the_profile(settings):
    profile = OrganisationProfile.load()
    profile.name, profile.kvk_number = "Voorbeeld B.V.", ""
    profile.save()

    warnings = check_organisation_kvk_number(databases=["default"])
    with pytest.raises(SystemCheckError, match=KVK_NUMBER_MISSING):
        call_command("check", "--database", "default", "--fail-level", "WARNING")
    # Without --database the check does not touch the database.
    assert check_organisation_kvk_number(databases=None) == []

    profile.kvk_number = "12345678"
    profile.save()
    assert [w.id for w in warnings] == [KVK_NUMBER_MISSING]
    assert check_organisation_kvk_number(databases=["default"]) == []


@pytest.mark.django_db
def test_before_the_profile_exists_the_check_reads_the_settings(settings):
    OrganisationProfile.objects.all().delete()
    settings.DSAR_ORGANISATION = {**settings.DSAR_ORGANISATION, "name": "Nieuw B.V.", "kvk": ""}

    warnings = check_organisation_kvk_number(databases=["default"])

    assert [w.id for w in warnings] == [KVK_NUMBER_MISSING]
    assert "Nieuw B.V." in warnings[0].msg
    assert not OrganisationProfile.objects.exists()  # a check makes nothing
