import datetime
import re

import pytest
from django.utils import translation

from cases import services
from cases.audit import Actor
from cases.models import Case, CaseEvent, EventKind, ReferenceCounter, Status
from tests.factories import at, case

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
# Thursday 5 March 2026: four_weeks due 2 April; gdpr_month 5 April is Easter Sunday and
# 6 April Easter Monday, so due Tuesday 7 April.
RECEIVED_AT = at(2026, 3, 5)
NOW = at(2026, 3, 6, 9)


def test_it_formats_the_reference_as_dsar_year_and_five_digits():
    created = case(received_at=RECEIVED_AT, now=NOW)

    assert created.reference == "DSAR-2026-00001"
    assert re.fullmatch(r"DSAR-\d{4}-\d{5}", created.reference)
    assert (created.reference_year, created.reference_number) == (2026, 1)


def test_it_numbers_references_upwards():
    references = [case(received_at=RECEIVED_AT, now=NOW).reference for _ in range(3)]

    assert references == ["DSAR-2026-00001", "DSAR-2026-00002", "DSAR-2026-00003"]
    assert ReferenceCounter.objects.get(year=2026).last_number == 3


def test_it_numbers_each_year_from_one():
    first_2026 = case(received_at=at(2026, 1, 2), now=NOW)
    late_2025 = case(received_at=at(2025, 12, 30), now=NOW)
    second_2026 = case(received_at=at(2026, 1, 5), now=NOW)

    assert first_2026.reference == "DSAR-2026-00001"
    assert late_2025.reference == "DSAR-2025-00001"
    assert second_2026.reference == "DSAR-2026-00002"


def test_it_counts_new_years_eve_late_evening_in_the_old_year():
    # 23:30 in Amsterdam is 22:30 UTC: still 31 December everywhere.
    received_at = datetime.datetime(2025, 12, 31, 22, 30, tzinfo=UTC)
    assert received_at == at(2025, 12, 31, 23, 30)

    created = case(received_at=received_at, now=NOW)

    assert created.received_on == datetime.date(2025, 12, 31)
    assert created.reference == "DSAR-2025-00001"


def test_it_counts_half_past_midnight_in_amsterdam_in_the_new_year():
    # 00:30 on 1 January in Amsterdam is still 31 December in UTC.
    received_at = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert received_at == at(2026, 1, 1, 0, 30)

    created = case(received_at=received_at, now=NOW)

    assert created.received_on == datetime.date(2026, 1, 1)
    assert created.reference == "DSAR-2026-00001"


@pytest.mark.parametrize(
    ("received_at", "received_on"),
    [
        # Winter time, UTC+1
        (datetime.datetime(2026, 3, 5, 23, 30, tzinfo=UTC), datetime.date(2026, 3, 6)),
        (datetime.datetime(2026, 3, 5, 22, 59, tzinfo=UTC), datetime.date(2026, 3, 5)),
        # Summer time, UTC+2
        (datetime.datetime(2026, 7, 1, 22, 30, tzinfo=UTC), datetime.date(2026, 7, 2)),
        (datetime.datetime(2026, 7, 1, 21, 59, tzinfo=UTC), datetime.date(2026, 7, 1)),
    ],
)
def test_it_takes_the_date_of_receipt_in_amsterdam(received_at, received_on):
    created = case(received_at=received_at, now=at(2026, 11, 22))

    assert created.received_on == received_on


@pytest.mark.parametrize(
    ("rule", "due"),
    [
        ("four_weeks", datetime.date(2026, 4, 2)),
        ("gdpr_month", datetime.date(2026, 4, 7)),
    ],
)
def test_it_computes_the_due_date_with_the_configured_rule(settings, rule, due):
    settings.DSAR_DEADLINE_RULE = rule

    created = case(received_at=RECEIVED_AT, now=NOW)
    created.refresh_from_db()

    assert created.deadline_rule == rule
    assert created.due_date == due
    assert created.effective_due_date == due
    assert created.extended_due_date is None


def test_it_prefers_the_rule_passed_in_over_the_setting(settings):
    settings.DSAR_DEADLINE_RULE = "four_weeks"

    created = case(received_at=RECEIVED_AT, now=NOW, rule="gdpr_month")

    assert created.deadline_rule == "gdpr_month"
    assert created.due_date == datetime.date(2026, 4, 7)


def test_it_keeps_the_rule_of_existing_cases_when_the_setting_changes(settings):
    settings.DSAR_DEADLINE_RULE = "four_weeks"
    created = case(received_at=RECEIVED_AT, now=NOW)

    settings.DSAR_DEADLINE_RULE = "gdpr_month"
    created.refresh_from_db()
    assert (created.deadline_rule, created.due_date) == ("four_weeks", datetime.date(2026, 4, 2))

    # Recomputing the deadlines uses the case's own rule, not the new setting: received on
    # Wednesday 4 March is due 1 April by four_weeks (gdpr_month would give 7 April) ...
    services.case_update(
        case_id=created.pk, actor=Actor.system(), changes={"received_at": at(2026, 3, 4)}, now=NOW
    )
    created.refresh_from_db()
    assert created.due_date == datetime.date(2026, 4, 1)

    # ... and extends to 1 June (gdpr_month would give 4 June).
    services.case_extend(case_id=created.pk, actor=Actor.system(), reason="Complex", now=NOW)
    created.refresh_from_db()
    assert created.extended_due_date == datetime.date(2026, 6, 1)


def test_it_refuses_an_unknown_rule(settings):
    settings.DSAR_DEADLINE_RULE = "one_month"

    with pytest.raises(ValueError, match="one_month"):
        case(received_at=RECEIVED_AT, now=NOW)

    assert not Case.objects.exists()


def test_it_refuses_a_date_of_receipt_in_the_future():
    with pytest.raises(services.CaseActionError) as excinfo:
        case(received_at=NOW + datetime.timedelta(hours=1), now=NOW)

    assert excinfo.value.code == "invalid"
    assert not Case.objects.exists()
    assert not ReferenceCounter.objects.filter(last_number__gt=0).exists()


def test_it_allows_a_few_minutes_of_clock_difference():
    created = case(received_at=NOW + datetime.timedelta(minutes=4), now=NOW)

    assert created.received_at == NOW + datetime.timedelta(minutes=4)


def test_it_refuses_a_naive_date_of_receipt():
    with pytest.raises(ValueError, match="timezone-aware"):
        case(received_at=datetime.datetime(2026, 3, 5, 10, 0), now=NOW)

    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", Status.CLOSED),
        ("due_date", datetime.date(2027, 1, 1)),
        ("reference", "DSAR-2026-99999"),
        ("favourite_colour", "blue"),
    ],
)
def test_it_refuses_an_unknown_field(field, value):
    with pytest.raises(TypeError, match=field):
        case(received_at=RECEIVED_AT, now=NOW, **{field: value})

    assert not Case.objects.exists()


def test_it_creates_a_new_case_by_default():
    created = case(received_at=RECEIVED_AT, now=NOW)

    assert created.status == Status.NEW
    assert created.confirmed_at is None


def test_it_creates_an_unconfirmed_case_on_request():
    created = case(received_at=RECEIVED_AT, now=NOW, unconfirmed=True)
    created.refresh_from_db()

    assert created.status == Status.UNCONFIRMED
    assert created.events.get().to_status == Status.UNCONFIRMED


def test_it_records_a_created_event_with_the_staff_actor(officer_user):
    created = case(received_at=RECEIVED_AT, now=NOW, actor=Actor.staff(officer_user))

    event = CaseEvent.objects.get(case=created)
    assert event.kind == EventKind.CREATED
    assert event.at == NOW
    assert (event.actor_type, event.actor, event.actor_label) == ("user", officer_user, "olga")
    assert (event.from_status, event.to_status) == ("", Status.NEW)
    # Stored as a code, put into words when shown (casework/timeline.py).
    assert (event.changes, event.message) == ({"channel": created.channel}, "")


def test_it_records_a_created_event_with_the_subject_as_actor():
    created = case(received_at=RECEIVED_AT, now=NOW, actor=Actor.subject(), channel="web")

    event = CaseEvent.objects.get(case=created)
    assert event.kind == EventKind.CREATED
    assert (event.actor_type, event.actor, event.actor_label) == ("subject", None, "")
    with translation.override("en"):
        assert event.actor_display == "Data subject"


@pytest.mark.parametrize(
    "name",
    [
        "IJsbrand van der Berg",
        "\u0132sbrand Ĳzerman",  # with the Dutch IJ ligature
        "Zoë de Vries",
        "Zoe\u0308 de Vries",  # the same name with a combining diaeresis: not normalised
        "Øyvind Søreide",
        "Nguyễn Văn Anh",
        "李雷",
        "Ḿàŕïè-Ŝöþĥïé d'Ăçcĕñţ",
        "𝔐𝔞𝔯𝔦𝔢 😀",  # outside the Basic Multilingual Plane
    ],
)
def test_it_stores_any_unicode_name_intact(name):
    created = case(received_at=RECEIVED_AT, now=NOW, subject_name=name, description=name)

    stored = Case.objects.get(pk=created.pk)
    assert stored.subject_name == name
    assert stored.description == name
    assert Case.objects.filter(subject_name=name).get() == stored


def test_it_refuses_a_date_of_receipt_before_the_gdpr_applied(actor):
    with pytest.raises(services.CaseActionError) as excinfo:
        services.case_create(
            actor=actor,
            received_at=at(2018, 5, 24, 12),
            request_type="access",
            channel="post",
            subject_name="Kees",
        )
    assert excinfo.value.code == "invalid"
    assert not Case.objects.exists()
