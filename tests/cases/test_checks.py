import pytest
from django.core.checks import Error, run_checks
from django.core.checks.registry import registry

from cases.checks import BAD_EXTRA_NON_WORKING_DAY, UNKNOWN_RULE, check_deadline_settings


def test_it_accepts_the_default_settings(settings):
    settings.DSAR_DEADLINE_RULE = "four_weeks"
    settings.DSAR_EXTRA_NON_WORKING_DAYS = []
    assert check_deadline_settings() == []


def test_it_accepts_gdpr_month_and_iso_dates(settings):
    settings.DSAR_DEADLINE_RULE = "gdpr_month"
    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2027-05-06", "2028-12-27"]
    assert check_deadline_settings() == []


def test_it_reports_an_unknown_rule(settings):
    settings.DSAR_DEADLINE_RULE = "one_month"
    settings.DSAR_EXTRA_NON_WORKING_DAYS = []

    errors = check_deadline_settings()

    assert [error.id for error in errors] == [UNKNOWN_RULE]
    assert isinstance(errors[0], Error)
    assert "'one_month'" in errors[0].msg
    assert "'four_weeks' or 'gdpr_month'" in errors[0].msg


def test_it_reports_each_bad_extra_non_working_day(settings):
    settings.DSAR_DEADLINE_RULE = "four_weeks"
    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["2027-05-06", "6 mei 2027", "2027-02-30"]

    errors = check_deadline_settings()

    assert [error.id for error in errors] == [BAD_EXTRA_NON_WORKING_DAY] * 2
    assert "'6 mei 2027'" in errors[0].msg
    assert "'2027-02-30'" in errors[1].msg
    assert all(isinstance(error, Error) for error in errors)


def test_it_reports_a_lone_string_instead_of_a_list(settings):
    settings.DSAR_EXTRA_NON_WORKING_DAYS = "2027-05-06"

    errors = check_deadline_settings()

    assert [error.id for error in errors] == [BAD_EXTRA_NON_WORKING_DAY]
    assert "single string" in errors[0].msg


def test_it_reports_a_value_that_is_not_a_list(settings):
    settings.DSAR_EXTRA_NON_WORKING_DAYS = 20270506

    errors = check_deadline_settings()

    assert [error.id for error in errors] == [BAD_EXTRA_NON_WORKING_DAY]


def test_it_reports_both_settings_at_once(settings):
    settings.DSAR_DEADLINE_RULE = None
    settings.DSAR_EXTRA_NON_WORKING_DAYS = ["tomorrow"]

    errors = check_deadline_settings()

    assert [error.id for error in errors] == [UNKNOWN_RULE, BAD_EXTRA_NON_WORKING_DAY]


def test_it_is_registered():
    assert check_deadline_settings in registry.get_checks()


@pytest.mark.django_db
def test_the_project_passes_its_own_system_checks_without_a_warning():
    """On either database: the covering index's INCLUDE, which SQLite ignores, is silenced
    there on purpose (models.W040), and nothing else is reported."""
    messages = run_checks(include_deployment_checks=False, databases=["default"])
    assert [(m.id, m.msg) for m in messages if not m.is_silenced()] == []
