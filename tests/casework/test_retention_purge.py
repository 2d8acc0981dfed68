"""The retention purge on a small world: a request closed more than two years ago (anonymised),
one closed last year (kept), an open one whose identity was just verified (its identity
document deleted) and a web request never confirmed (deleted). A dry run changes nothing; the
real run does exactly what the dry run said, audits it, and a second run finds nothing."""

import datetime
import io
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation

from accounts.models import SecurityEvent
from cases import services
from cases.audit import Actor
from cases.models import (
    Case,
    CaseEvent,
    CasePause,
    EventKind,
    IdentityMethod,
    PauseReason,
    StatusToken,
    SubjectFile,
    SubjectSubmission,
)
from cases.tokens import status_token_create
from casework import retention, timeline
from letters.models import Letter
from notifications.delivery import email_deliver
from notifications.models import OutboundEmail, State
from tests import factories

pytestmark = pytest.mark.django_db

NOW = factories.at(2026, 3, 6, 3, 30)  # the nightly run
OLD_NAME = "Pieter-Jan Oud"
OLD_EMAIL = "pj.oud@example.org"


@pytest.fixture
def world(settings, tmp_path, monkeypatch):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    monkeypatch.setattr("notifications.planning.enqueue_delivery", lambda *a, **k: True)
    officer = factories.officer("olga")
    actor = Actor.staff(officer)

    # Closed on 10 January 2024: more than 730 days before NOW.
    received = factories.at(2024, 1, 2)
    with time_machine.travel(received, tick=False):
        old = factories.case(
            received_at=received,
            now=received,
            actor=actor,
            subject_name=OLD_NAME,
            subject_email=OLD_EMAIL,
            subject_phone="06-12345678",
            subject_address="Kerkstraat 1\n1234 AB Utrecht",
            description="Ik wil weten wat u over mijn klachten bij de afdeling Zorg bewaart.",
            representative_name="Mr. A. Advocaat",
            representative_details="Advocaat van de betrokkene, advocaat@example.org",
        )
        steps = {"case_id": old.pk, "actor": actor}
        services.case_start_identity_check(**steps, now=received)
        services.case_pause(
            **steps, reason=PauseReason.IDENTITY, note="Kopie ID van P-J Oud nodig", now=received
        )
        factories.subject_upload(
            old.pk, now=received + datetime.timedelta(hours=2), message="Hierbij mijn ID, P-J Oud"
        )
        services.case_verify_identity(
            **steps,
            method=IdentityMethod.DOCUMENT,
            note="Paspoort van Pieter-Jan Oud gezien",
            now=received + datetime.timedelta(hours=3),
        )
        services.case_update(
            **steps,
            changes={"subject_phone": "06-87654321"},
            now=received + datetime.timedelta(hours=4),
        )
        factories.archived_letter(
            old, user=officer, at=received, fields={"data_summary": "Dossier van P-J Oud"}
        )
        status_token_create(old, now=received)
        for pk in OutboundEmail.objects.filter(case=old).values_list("pk", flat=True):
            email_deliver(email_id=pk, requeue=False)
        services.case_record_authority(
            **steps,
            proof="lawyer",
            note="Verklaring van Mr. Advocaat voor P-J Oud",
            now=received + datetime.timedelta(hours=5),
        )
        services.case_close(
            **steps,
            outcome="partly_granted",
            reason="Notities over P-J Oud van derden niet verstrekt.",
            now=factories.at(2024, 1, 10),
        )

    # Closed in 2025: kept.
    recent = factories.answered_case(
        actor=actor,
        received_at=factories.at(2025, 5, 1),
        closed_at=factories.at(2025, 5, 20),
        subject_name="Recent Persoon",
    )

    # Open, waiting for identity documents, which arrive; then the identity is verified.
    start = factories.at(2026, 3, 2)
    with time_machine.travel(start, tick=False):
        waiting = factories.case(
            received_at=start, now=start, actor=actor, subject_name="Wil Wacht"
        )
        steps = {"case_id": waiting.pk, "actor": actor}
        services.case_start_identity_check(**steps, now=start)
        services.case_pause(**steps, reason=PauseReason.IDENTITY, now=start)
        factories.subject_upload(waiting.pk, now=start + datetime.timedelta(days=1))
        services.case_verify_identity(
            **steps, method=IdentityMethod.DOCUMENT, now=start + datetime.timedelta(days=2)
        )

    # A web request made 40 days ago and never confirmed.
    made = NOW - datetime.timedelta(days=40)
    with time_machine.travel(made, tick=False):
        from casework.actions import submit_web_request

        unconfirmed = submit_web_request(
            fields={
                "request_type": "access",
                "subject_name": "Nooit Bevestigd",
                "subject_email": "nooit@example.org",
            },
            now=made,
        )

    return {
        "old": Case.objects.get(pk=old.pk),
        "recent": recent,
        "waiting": Case.objects.get(pk=waiting.pk),
        "unconfirmed": unconfirmed,
        "officer": officer,
    }


def private_files(settings) -> set[str]:
    root = Path(settings.PRIVATE_FILES_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def everything():
    """All rows the purge may touch, to show that a dry run changed nothing."""
    return (
        list(Case.objects.order_by("pk").values()),
        list(CaseEvent.objects.order_by("pk").values()),
        list(SubjectFile.objects.order_by("pk").values()),
        list(Letter.objects.order_by("pk").values()),
        list(OutboundEmail.objects.order_by("pk").values()),
    )


@time_machine.travel(NOW, tick=False)
def test_a_dry_run_says_what_it_would_do_and_changes_nothing(world, settings):
    before, files_before = everything(), private_files(settings)
    out = io.StringIO()

    call_command("purge_expired", "--dry-run", stdout=out)

    text = out.getvalue()
    old, waiting = world["old"], world["waiting"]
    assert "dry run: nothing changed" in text
    assert "unconfirmed web requests would delete: 1" in text
    assert (
        f"identity documents would delete: 2 ({old.reference}: 1, {waiting.reference}: 1)" in text
    )
    assert f"closed requests would anonymise: 1 ({old.reference})" in text
    assert OLD_NAME not in text and OLD_EMAIL not in text
    assert everything() == before
    assert private_files(settings) == files_before
    assert not SecurityEvent.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_purge_anonymises_deletes_and_keeps_what_it_must(
    world, settings, django_capture_on_commit_callbacks
):
    old, recent, waiting = world["old"], world["recent"], world["waiting"]
    old_events = list(CaseEvent.objects.filter(case=old).order_by("at", "pk").values())
    recent_before = Case.objects.filter(pk=recent.pk).values().get()
    states = dict(OutboundEmail.objects.filter(case=old).values_list("pk", "state"))
    assert State.SENT in states.values()
    letter_path = Letter.objects.get(case=old).file_path
    assert letter_path in private_files(settings)
    dry = retention.purge_expired(dry_run=True)

    # Files are deleted once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.purge_expired(reason="test")

    # What it did is what the dry run said.
    assert report.unconfirmed_deleted == dry.unconfirmed_deleted == 1
    assert report.identity_documents == dry.identity_documents
    assert report.anonymised == dry.anonymised == [old.reference]

    # 1. The unconfirmed web request is gone, with its e-mails.
    assert not Case.objects.filter(pk=world["unconfirmed"].pk).exists()

    # 2. The open case's identity document is deleted, the case is otherwise untouched.
    assert not SubjectFile.objects.filter(submission__case=waiting).exists()
    assert SubjectSubmission.objects.filter(case=waiting).exists()
    event = CaseEvent.objects.filter(case=waiting).last()
    assert event.kind == EventKind.DOCUMENTS_DELETED
    assert event.actor_type == "system"
    assert event.changes == {"files_deleted": 1, "why": "identity_verified"}
    assert Case.objects.get(pk=waiting.pk).subject_name == "Wil Wacht"

    # 3. The old case: personal data gone, the facts kept.
    case = Case.objects.get(pk=old.pk)
    assert case.anonymised_at == NOW
    assert case.subject_name == retention.REDACTED
    for field in (
        "subject_email",
        "subject_phone",
        "subject_address",
        "description",
        "representative_name",
        "representative_details",
        "representative_authority_note",
        "identity_note",
    ):
        assert getattr(case, field) == "", field
    assert case.outcome_reason == retention.REDACTED
    for field in (
        "reference",
        "request_type",
        "channel",
        "received_at",
        "received_on",
        "due_date",
        "effective_due_date",
        "status",
        "outcome",
        "closed_at",
        "identity_verified_at",
        "identity_method",
        "assignee_id",
    ):
        assert getattr(case, field) == getattr(old, field), field
    assert CasePause.objects.get(case=case).note == retention.REDACTED
    assert not StatusToken.objects.filter(case=case).exists()
    assert SubjectSubmission.objects.get(case=case).message == retention.REDACTED
    assert not SubjectFile.objects.filter(submission__case=case).exists()
    letter = Letter.objects.get(case=case)
    assert letter.fields == {"data_summary": retention.REDACTED}
    assert letter.file_path not in private_files(settings)
    assert not any(str(case.pk) in p.split("/") for p in private_files(settings))
    for email in OutboundEmail.objects.filter(case=case):
        assert (email.to, email.body, email.context) == ("", "", {})
        assert email.state == states[email.pk]

    # The timeline keeps its shape: the same events, kinds, times, actors and statuses, plus
    # two that say what happened (the identity document went first, then the rest); no
    # personal data left in any of them.
    events = list(CaseEvent.objects.filter(case=case).order_by("at", "pk").values())
    assert [e["kind"] for e in events[len(old_events) :]] == [
        EventKind.DOCUMENTS_DELETED,
        EventKind.ANONYMISED,
    ]
    for before, after in zip(old_events, events, strict=False):
        for key in ("id", "at", "kind", "actor_type", "actor_id", "actor_label", "from_status",
                    "to_status"):  # fmt: skip
            assert after[key] == before[key]
        assert set(after["changes"]) == set(before["changes"])
    updated = next(e for e in events if e["kind"] == EventKind.UPDATED)
    assert updated["changes"] == {"subject_phone": [retention.REDACTED, retention.REDACTED]}
    closed = next(e for e in events if e["kind"] == EventKind.CLOSED)
    assert closed["changes"] == {"outcome": "partly_granted"}
    last = events[-1]
    assert last["kind"] == EventKind.ANONYMISED
    assert last["changes"] == {"retention_days": 730, "files_deleted": 0, "letter_files_deleted": 1}
    text = repr(
        (
            list(Case.objects.filter(pk=case.pk).values()),
            events,
            list(Letter.objects.filter(case=case).values()),
            list(OutboundEmail.objects.filter(case=case).values()),
            list(SubjectSubmission.objects.filter(case=case).values()),
            list(CasePause.objects.filter(case=case).values()),
        )
    )
    for personal in ("Oud", "oud@", "06-", "Kerkstraat", "Zorg", "Advocaat", "Paspoort"):
        assert personal not in text, personal

    # The request closed last year is untouched.
    assert Case.objects.filter(pk=recent.pk).values().get() == recent_before

    # The run is in the security log: what, when, why, how many; never the data.
    log = SecurityEvent.objects.get()
    assert (log.kind, log.at, log.actor, log.reason) == ("retention_purge", NOW, None, "test")
    assert log.details["cases_anonymised"] == [old.reference]
    assert log.details["unconfirmed_deleted"] == 1
    assert log.details["identity_documents_deleted"] == 2
    assert log.details["settings"]["DSAR_CASE_RETENTION_DAYS"] == 730
    assert "Oud" not in repr(log.details) and "Nooit" not in repr(log.details)


@time_machine.travel(NOW, tick=False)
def test_a_second_run_finds_nothing_to_do(world):
    retention.purge_expired()
    out = io.StringIO()

    call_command("purge_expired", stdout=out)

    assert "Nothing is past its retention period." in out.getvalue()
    assert SecurityEvent.objects.count() == 2  # every run is logged, even an empty one
    assert CaseEvent.objects.filter(kind=EventKind.ANONYMISED).count() == 1


def test_the_periods_come_from_the_settings(world, settings):
    settings.DSAR_CASE_RETENTION_DAYS = 200
    with time_machine.travel(NOW, tick=False):
        report = retention.purge_expired(dry_run=True)
    assert report.anonymised == [world["old"].reference, world["recent"].reference]

    settings.DSAR_CASE_RETENTION_DAYS = 730
    settings.DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS = 10_000
    with time_machine.travel(NOW, tick=False):
        report = retention.purge_expired(dry_run=True)
    # Documents of verified identities go anyway; the period is the latest moment.
    assert list(report.identity_documents) == [world["old"].reference, world["waiting"].reference]


def test_documents_of_a_never_verified_request_go_n_days_after_closing(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    actor = Actor.staff(factories.officer("olga"))
    start = factories.at(2026, 1, 5)
    with time_machine.travel(start, tick=False):
        case = factories.case(received_at=start, now=start, actor=actor)
        steps = {"case_id": case.pk, "actor": actor}
        services.case_start_identity_check(**steps, now=start)
        services.case_pause(**steps, reason=PauseReason.IDENTITY, now=start)
        factories.subject_upload(case.pk, now=start, name="rijbewijs.jpg.pdf")
        services.case_close(**steps, outcome="not_valid", reason="Geen identiteit.", now=start)

    for days, expected in ((29, 0), (31, 1)):
        moment = start + datetime.timedelta(days=days)
        with time_machine.travel(moment, tick=False):
            assert retention.purge_expired(dry_run=True).identity_documents_deleted == expected
    with (
        time_machine.travel(start + datetime.timedelta(days=31), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        retention.purge_expired()
    event = CaseEvent.objects.filter(case=case).last()
    assert event.kind == EventKind.DOCUMENTS_DELETED
    assert event.changes == {"files_deleted": 1, "why": "closed", "retention_days": 30}
    with translation.override("nl"):
        assert timeline.sentence(event) == (
            "1 document verwijderd: het verzoek is meer dan 30 dagen geleden afgesloten."
        )
    assert not SubjectFile.objects.exists()
    assert not list(Path(settings.PRIVATE_FILES_ROOT).rglob("*.pdf"))


def test_the_append_only_rule_holds_outside_the_purge(world):
    event = CaseEvent.objects.first()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).update(message="")
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(pk=event.pk).delete()


def test_the_daily_job_is_scheduled_and_runs_the_purge(world, settings):
    from casework.tasks import purge_expired

    entry = settings.CELERY_BEAT_SCHEDULE["casework-purge-expired"]
    assert entry["task"] == purge_expired.name == "casework.purge_expired"
    assert entry["schedule"] == 24 * 60 * 60

    with time_machine.travel(NOW, tick=False):
        result = purge_expired()  # what the worker runs

    assert result == {
        "unconfirmed_deleted": 1,
        "identity_documents_deleted": 2,
        "cases_anonymised": 1,
    }
    log = SecurityEvent.objects.get()
    assert log.actor is None and log.reason == "Daily retention purge (Celery beat)"
