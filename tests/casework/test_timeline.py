"""The timeline in words (casework/timeline.py): every kind of event as a sentence in the
reader's language, with labels and dates in words, made from events the services wrote; and
events written by earlier versions (system text stored in Dutch) read in English too."""

import datetime
import re

import pytest
from django.utils import translation

from cases import services
from cases.audit import Actor, record_event
from cases.models import (
    CaseEvent,
    Channel,
    EventKind,
    IdentityMethod,
    Outcome,
    PauseReason,
)
from casework import actions, timeline
from correspondence import services as correspondence
from correspondence.models import MessageKind
from letters import services as letters
from notifications.models import Kind, State
from tests import factories

pytestmark = pytest.mark.django_db

# Thursday 5 March 2026: due (four weeks) Thursday 2 April, extended to Tuesday 2 June.
RECEIVED = factories.at(2026, 3, 5)
STEP = factories.at(2026, 3, 6, 9)

# What must never reach a reader: field names and internal codes.
RAW = re.compile(
    r"\b(kind|state|method|due_date|outcome|action|channel|notified_on|files_deleted|"
    r"retention_days|email|identity_document|in_progress|confirm_address|"
    r"granted|access_answer)\s*:|_date\b|\b\d{4}-\d{2}-\d{2}\b"
)


def said(event: CaseEvent, language: str) -> str:
    with translation.override(language):
        text = timeline.sentence(event)
    assert not RAW.search(text), text
    return text


def both(event: CaseEvent) -> tuple[str, str]:
    return said(event, "en"), said(event, "nl")


@pytest.fixture
def actor(officer_user):
    return Actor.staff(officer_user)


@pytest.fixture
def new_case(actor):
    def build(**fields):
        fields.setdefault("channel", Channel.POST)
        return factories.case(received_at=RECEIVED, now=RECEIVED, actor=actor, **fields)

    return build


def last(case, kind) -> CaseEvent:
    return CaseEvent.objects.filter(case=case, kind=kind).order_by("at", "pk").last()


# --- One test per kind, in English and Dutch -------------------------------------------------


@pytest.mark.parametrize(
    ("channel", "english", "dutch"),
    [
        (Channel.POST, "Request received by post and registered.",
         "Verzoek per post ontvangen en geregistreerd."),
        (Channel.PHONE, "Request received by phone and registered.",
         "Verzoek telefonisch ontvangen en geregistreerd."),
        (Channel.EMAIL, "Request received by e-mail and registered.",
         "Verzoek per e-mail ontvangen en geregistreerd."),
        (Channel.IN_PERSON, "Request made in person and registered.",
         "Verzoek persoonlijk gedaan en geregistreerd."),
    ],
)  # fmt: skip
def test_a_registered_request_says_how_it_came_in(new_case, channel, english, dutch):
    case = new_case(channel=channel)
    assert both(last(case, EventKind.CREATED)) == (english, dutch)


def test_a_web_request_and_its_confirmation(actor):
    case = factories.case(received_at=RECEIVED, now=RECEIVED, channel=Channel.WEB, unconfirmed=True)
    assert both(last(case, EventKind.CREATED)) == (
        "Request submitted through the web form. The e-mail address is not confirmed yet.",
        "Verzoek ingediend via het webformulier. Het e-mailadres is nog niet bevestigd.",
    )
    actions.confirm(case_id=case.pk, actor=Actor.subject(), now=STEP)
    case.refresh_from_db()
    assert both(last(case, EventKind.CONFIRMED)) == (
        f"E-mail address confirmed; the request got reference {case.reference}.",
        f"E-mailadres bevestigd; het verzoek kreeg kenmerk {case.reference}.",
    )


def test_changed_details_name_the_field_and_write_dates_in_words(new_case, actor):
    case = new_case()
    services.case_update(
        case_id=case.pk,
        actor=actor,
        changes={"request_type": "erasure", "received_at": factories.at(2026, 3, 4)},
        now=STEP,
    )
    english, dutch = both(last(case, EventKind.UPDATED))
    assert english == (
        "Details changed: type from access (Art 15) to erasure (Art 17); "
        "received at from Thursday 5 March 2026, 10:00 to Wednesday 4 March 2026, 10:00; "
        "due date from Thursday 2 April 2026 to Wednesday 1 April 2026."
    )
    assert dutch.startswith("Gegevens gewijzigd: soort van inzage (art. 15) naar ")
    assert "van donderdag 2 april 2026 naar woensdag 1 april 2026." in dutch


def test_a_status_change(new_case, actor):
    case = new_case()
    services.case_start_identity_check(case_id=case.pk, actor=actor, now=STEP)
    assert both(last(case, EventKind.TRANSITION)) == (
        "Status changed from new to identity check.",
        "Status gewijzigd van nieuw naar identiteitscontrole.",
    )


def test_assigning_reassigning_and_unassigning(new_case, actor, officer_user):
    case = new_case()
    piet = factories.officer("piet")
    services.case_assign(case_id=case.pk, actor=actor, assignee=piet, now=STEP)
    assert both(last(case, EventKind.ASSIGNED)) == ("Assigned to piet.", "Toegewezen aan piet.")
    services.case_assign(case_id=case.pk, actor=actor, assignee=officer_user, now=STEP)
    assert both(last(case, EventKind.ASSIGNED)) == (
        "Reassigned from piet to olga.",
        "Overgedragen van piet aan olga.",
    )
    services.case_assign(case_id=case.pk, actor=actor, assignee=None, now=STEP)
    assert both(last(case, EventKind.ASSIGNED)) == (
        "No longer assigned to olga.",
        "Niet meer toegewezen aan olga.",
    )


def test_identity_verified_names_the_method_and_keeps_the_note(new_case, actor):
    case = new_case()
    services.case_verify_identity(
        case_id=case.pk, actor=actor, method=IdentityMethod.DOCUMENT, note="Paspoort", now=STEP
    )
    event = last(case, EventKind.IDENTITY_VERIFIED)
    assert both(event) == (
        "Identity verified: identity document seen (BSN and photo masked).",
        "Identiteit vastgesteld: identiteitsbewijs gezien (BSN en foto afgeschermd).",
    )
    with translation.override("nl"):
        assert timeline.note(event) == ("Notitie", "Paspoort")


def test_waiting_and_resuming(new_case, actor):
    case = new_case()
    services.case_pause(
        case_id=case.pk, actor=actor, reason=PauseReason.IDENTITY, note="Kopie ID", now=STEP
    )
    paused = last(case, EventKind.PAUSED)
    assert both(paused) == (
        "The data subject was asked for proof of identity; waiting for it.",
        "De betrokkene is om een identiteitsbewijs gevraagd; wachten daarop.",
    )
    with translation.override("en"):
        assert timeline.note(paused) == ("What was asked", "Kopie ID")
    # The transition into waiting no longer carries the reason as translated text.
    assert last(case, EventKind.TRANSITION).message == ""
    services.case_resume(case_id=case.pk, actor=actor, note="", now=STEP)
    assert both(last(case, EventKind.RESUMED)) == (
        "Work on the request resumed.",
        "Het werk aan het verzoek is hervat.",
    )


def test_waiting_for_clarification(new_case, actor):
    case = new_case()
    services.case_pause(case_id=case.pk, actor=actor, reason=PauseReason.CLARIFICATION, now=STEP)
    assert both(last(case, EventKind.PAUSED)) == (
        "The data subject was asked to clarify the request; waiting for the answer.",
        "De betrokkene is gevraagd het verzoek te verduidelijken; wachten op het antwoord.",
    )


def test_an_extension_speaks_of_days_not_keys(new_case, actor):
    case = new_case()
    actions.extend(case_id=case.pk, actor=actor, reason="Drie systemen.", now=STEP)
    event = last(case, EventKind.EXTENDED)
    assert both(event) == (
        "Deadline extended from Thursday 2 April 2026 to Tuesday 2 June 2026.",
        "Termijn verlengd van donderdag 2 april 2026 naar dinsdag 2 juni 2026.",
    )
    with translation.override("nl"):
        assert timeline.note(event) == ("Reden", "Drie systemen.")


def test_the_extension_notice_on_time_and_too_late(new_case, actor):
    on_time = new_case()
    actions.extend(case_id=on_time.pk, actor=actor, reason="Complex.", now=STEP)
    services.case_record_extension_notice(
        case_id=on_time.pk, actor=actor, notified_on=datetime.date(2026, 3, 10), now=STEP
        + datetime.timedelta(days=5)
    )  # fmt: skip
    assert both(last(on_time, EventKind.EXTENSION_NOTIFIED)) == (
        "The data subject was told of the extension on Tuesday 10 March 2026.",
        "De betrokkene is op dinsdag 10 maart 2026 over de verlenging geïnformeerd.",
    )
    late = new_case()
    actions.extend(case_id=late.pk, actor=actor, reason="Complex.", now=STEP)
    services.case_record_extension_notice(
        case_id=late.pk, actor=actor, now=factories.at(2026, 4, 3)
    )
    english, dutch = both(last(late, EventKind.EXTENSION_NOTIFIED))
    assert english == (
        "The data subject was told of the extension on Friday 3 April 2026. That was after "
        "the original due date: too late under Art 12(3)."
    )
    assert dutch.endswith("te laat volgens art. 12 lid 3.")


def test_closing_and_withdrawing(new_case, actor):
    closed = new_case()
    services.case_verify_identity(
        case_id=closed.pk, actor=actor, method=IdentityMethod.KNOWN_CONTACT, now=STEP
    )
    services.case_close(case_id=closed.pk, actor=actor, outcome=Outcome.GRANTED, now=STEP)
    assert both(last(closed, EventKind.CLOSED)) == (
        "Request closed: granted.",
        "Verzoek afgesloten: ingewilligd.",
    )
    withdrawn = new_case()
    services.case_withdraw(case_id=withdrawn.pk, actor=actor, reason="Per telefoon.", now=STEP)
    event = last(withdrawn, EventKind.WITHDRAWN)
    assert both(event) == (
        "Request withdrawn by the data subject.",
        "Verzoek ingetrokken door de betrokkene.",
    )
    with translation.override("en"):
        assert timeline.note(event) == ("Reason", "Per telefoon.")


@pytest.mark.parametrize(
    ("state", "english", "dutch"),
    [
        (State.SENT, "E-mail sent: Receipt.", "E-mail verstuurd: Ontvangstbevestiging."),
        (State.FAILED, "E-mail not delivered: Receipt.",
         "E-mail niet afgeleverd: Ontvangstbevestiging."),
        (State.PENDING, "Delivery of the e-mail retried: Receipt.",
         "Nieuwe poging om de e-mail af te leveren: Ontvangstbevestiging."),
    ],
)  # fmt: skip
def test_an_email_event(new_case, state, english, dutch):
    # The shape notifications.delivery and notifications.planning write.
    case = new_case()
    changes = {"email": 1, "kind": Kind.RECEIPT, "state": state}
    if state == State.FAILED:
        changes["error"] = "550 5.1.1 No such mailbox"
    event = record_event(case, Actor.system(), EventKind.EMAIL, at=STEP, changes=changes)
    assert both(event) == (english, dutch)
    [entry] = timeline.entries([event])
    if state == State.FAILED:
        assert entry.note == "550 5.1.1 No such mailbox"
    else:
        assert entry.note == ""


def test_letters_posted_and_downloaded(new_case, actor, officer_user):
    case = new_case(subject_email="")
    letter = factories.archived_letter(
        case, user=officer_user, at=STEP, letter_type="acknowledgement"
    )
    letters.letter_record_posted(
        letter_id=letter.pk,
        actor=actor,
        posted_on=datetime.date(2026, 12, 5),
        now=factories.at(2026, 12, 7),
    )
    assert both(last(case, EventKind.LETTER)) == (
        "Letter sent by post on Saturday 5 December 2026: Acknowledgement of receipt, version 1.",
        "Brief op zaterdag 5 december 2026 per post verstuurd: Ontvangstbevestiging, versie 1.",
    )
    letters.letter_record_download(letter_id=letter.pk, now=factories.at(2026, 12, 8))
    assert both(last(case, EventKind.LETTER)) == (
        "The data subject downloaded the letter: Acknowledgement of receipt, version 1.",
        "De betrokkene heeft de brief gedownload: Ontvangstbevestiging, versie 1.",
    )


def test_a_letter_generated_and_sent_with_the_closure_notice(new_case, officer_user):
    # The shapes letters.services.letter_generate and closure_attachments write.
    case = new_case()
    generated = record_event(
        case,
        Actor.staff(officer_user),
        EventKind.LETTER,
        at=STEP,
        changes={"letter": 7, "action": "generated", "type": "access_answer", "version": 2,
                 "language": "en", "sha256": "0" * 64},
    )  # fmt: skip
    assert both(generated) == (
        "Letter generated in English: Access answer (Art 15), version 2.",
        "Brief in het Engels gemaakt: Antwoord op inzageverzoek (art. 15), versie 2.",
    )
    attached = record_event(
        case,
        Actor.system(),
        EventKind.LETTER,
        at=STEP,
        changes={"letter": 7, "action": "sent", "type": "access_answer", "version": 2,
                 "channel": "email", "with": "closure_notice"},
    )  # fmt: skip
    assert both(attached) == (
        "Letter attached to the closure notice: Access answer (Art 15), version 2.",
        "Brief meegestuurd met het afsluitbericht: Antwoord op inzageverzoek (art. 15), versie 2.",
    )


def test_what_the_subject_sent(new_case, actor):
    case = new_case()
    services.case_pause(case_id=case.pk, actor=actor, reason=PauseReason.IDENTITY, now=STEP)
    factories.subject_upload(case.pk, now=STEP, name="paspoort.pdf", message="Voorkant")
    event = last(case, EventKind.DOCUMENT)
    assert both(event) == (
        "The data subject sent files through the status page: paspoort.pdf.",
        "De betrokkene stuurde bestanden via de statuspagina: paspoort.pdf.",
    )
    with translation.override("nl"):
        assert timeline.note(event) == ("Bericht", "Voorkant")


def test_a_message_and_a_question_to_the_subject(new_case, actor):
    case = new_case()
    correspondence.message_send(case_id=case.pk, actor=actor, body="Wij kijken ernaar.", now=STEP)
    message = last(case, EventKind.MESSAGE)
    assert both(message) == (
        "Message to the data subject on the status page.",
        "Bericht aan de betrokkene op de statuspagina.",
    )
    with translation.override("nl"):
        assert timeline.note(message) == ("Bericht", "Wij kijken ernaar.")
    correspondence.message_send(
        case_id=case.pk,
        actor=actor,
        body="Welke accounts bedoelt u?",
        kind=MessageKind.CLARIFICATION_QUESTION,
        reply_by=datetime.date(2026, 3, 20),
        now=STEP,
    )
    assert both(last(case, EventKind.MESSAGE)) == (
        "Question to the data subject on the status page: clarification of the request. "
        "Answer asked for by Friday 20 March 2026.",
        "Vraag aan de betrokkene op de statuspagina: verduidelijking van het verzoek. "
        "Antwoord gevraagd uiterlijk vrijdag 20 maart 2026.",
    )


def test_the_retention_purge_events(new_case):
    # The shapes casework.retention writes.
    case = new_case()
    verified = record_event(
        case, Actor.system(), EventKind.DOCUMENTS_DELETED, at=STEP,
        changes={"files_deleted": 2, "why": "identity_verified"},
    )  # fmt: skip
    assert both(verified) == (
        "2 identity documents deleted: the identity was verified.",
        "2 identiteitsbewijzen verwijderd: de identiteit is vastgesteld.",
    )
    anonymised = record_event(
        case, Actor.system(), EventKind.ANONYMISED, at=STEP,
        changes={"retention_days": 365, "files_deleted": 0, "letter_files_deleted": 1},
    )  # fmt: skip
    assert both(anonymised) == (
        "Personal data anonymised: the request was closed more than 365 days ago.",
        "Persoonsgegevens geanonimiseerd: het verzoek is meer dan 365 dagen geleden afgesloten.",
    )


# --- Events written by earlier versions: system text stored in Dutch --------------------------


def test_old_events_with_dutch_text_read_in_english(new_case, actor, officer_user):
    case = new_case(channel=Channel.PHONE)
    letter = factories.archived_letter(case, user=officer_user, at=STEP, letter_type="refusal")

    def old(kind, message, changes=None, **fields):
        return CaseEvent.objects.create(
            case=case, at=STEP, kind=kind, actor_type="system", changes=changes or {},
            message=message, **fields,
        )  # fmt: skip

    created = old(EventKind.CREATED, "Telefoon", to_status="new")
    waiting = old(EventKind.TRANSITION, "Wacht op identiteitsgegevens", from_status="new",
                  to_status="waiting")  # fmt: skip
    notified = old(
        EventKind.EXTENSION_NOTIFIED,
        "Na de oorspronkelijke uiterste datum geïnformeerd: te laat volgens art. 12 lid 3.",
        {"notified_on": "2026-04-03"},
    )
    posted = old(
        EventKind.LETTER,
        "Afwijzing, versie 1 op 2026-12-05 per post verstuurd",
        {"letter": letter.pk, "action": "sent", "channel": "post", "posted_on": "2026-12-05"},
    )
    deleted = old(
        EventKind.DOCUMENTS_DELETED,
        "Documenten verwijderd: het verzoek is meer dan 30 dagen geleden afgesloten.",
        {"files_deleted": 1},
    )
    sent = old(EventKind.EMAIL, "Ontvangstbevestiging DSAR-2026-00001",
               {"email": 3, "kind": "receipt", "state": "sent"})  # fmt: skip
    failed = old(EventKind.EMAIL, "Niet afgeleverd (Ontvangstbevestiging): 451 4.7.1 Try later",
                 {"email": 4, "kind": "receipt", "state": "failed"})  # fmt: skip

    with translation.override("en"):
        entries = timeline.entries([created, waiting, notified, posted, deleted, sent])
    assert [e.sentence for e in entries] == [
        "Request received by phone and registered.",
        "Status changed from new to waiting for the data subject.",
        "The data subject was told of the extension on Friday 3 April 2026. That was after the "
        "original due date: too late under Art 12(3).",
        "Letter sent by post on Saturday 5 December 2026: Refusal or partial refusal "
        "(Art 12(4)), version 1.",
        "1 document deleted: the request was closed more than 30 days ago.",
        "E-mail sent: Receipt.",
    ]
    # The Dutch system text is not shown beside the English sentence; of an undelivered
    # e-mail, the server's error is.
    assert [e.note for e in entries] == [""] * 6
    with translation.override("en"):
        [failure] = timeline.entries([failed])
    assert failure.sentence == "E-mail not delivered: Receipt."
    assert (failure.note_label, failure.note) == ("Error", "451 4.7.1 Try later")
    for entry in entries:
        assert not RAW.search(entry.sentence), entry.sentence


def test_the_timeline_of_a_case_takes_one_query_for_old_letter_events(
    new_case, officer_user, django_assert_num_queries
):
    case = new_case()
    letter = factories.archived_letter(case, user=officer_user, at=STEP, letter_type="refusal")
    for _i in range(3):
        CaseEvent.objects.create(
            case=case, at=STEP, kind=EventKind.LETTER, actor_type="subject",
            changes={"letter": letter.pk, "action": "downloaded"}, message="Afwijzing, v1",
        )  # fmt: skip
    events = list(case.events.all())
    with django_assert_num_queries(1), translation.override("en"):
        entries = timeline.entries(events)
    assert entries[-1].sentence == (
        "The data subject downloaded the letter: Refusal or partial refusal (Art 12(4)), version 1."
    )
