"""The case timeline in words: every ``CaseEvent`` as a sentence in the reader's language.

Events are stored language-neutral: the kind, the statuses, codes, ids and ISO dates in
``changes``, and in ``message`` only what a person wrote (a reason, a note, the subject's
message). They are put into words here, when shown, in the active language, with labels
rather than field names and dates written out ("maandag 4 januari 2027"). The case page, the
DPO's audit list, the API and the export all show these sentences.

Events written before issue 19 carried a system text in ``message``, in the language of the
moment (the channel of receipt, "version 1 sent by post on 2026-12-05", a retention reason).
They are rendered from their structured data the same way; their old text is shown only
where the data cannot stand in for it (the error of an e-mail not delivered).
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cases.models import (
    Case,
    CaseEvent,
    Channel,
    EventKind,
    IdentityMethod,
    Outcome,
    PauseReason,
    Status,
)
from correspondence.models import MessageKind
from letters.models import Letter, LetterType
from notifications.models import Kind as EmailKind
from notifications.models import State as EmailState

# "Not delivered (Receipt): 451 try later", in the language of the moment.
_LEGACY_FAILURE = re.compile(r"^[^(:]*\([^)]*\):\s*(.+)$", re.DOTALL)

DAY_FORMAT = "l j F Y"  # maandag 4 januari 2027 / Monday 4 January 2027
MOMENT_FORMAT = "l j F Y, H:i"

# The kinds whose ``message`` is what a person wrote: shown as given, under this label.
_NOTE_LABELS = {
    EventKind.IDENTITY_VERIFIED: lambda: pgettext("timeline", "Note"),
    EventKind.PAUSED: lambda: pgettext("timeline", "What was asked"),
    EventKind.RESUMED: lambda: pgettext("timeline", "Note"),
    EventKind.EXTENDED: lambda: pgettext("timeline", "Reason"),
    EventKind.CLOSED: lambda: pgettext("timeline", "Reasons"),
    EventKind.WITHDRAWN: lambda: pgettext("timeline", "Reason"),
    EventKind.DOCUMENT: lambda: pgettext("timeline", "Message"),
    EventKind.MESSAGE: lambda: pgettext("timeline", "Message"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline, ready to show."""

    event: CaseEvent
    sentence: str
    note_label: str = ""
    note: str = ""  # free text as a person wrote it; escaped by the template


# --- Values in words -------------------------------------------------------------------------


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value)


def _lower_first(text: str) -> str:
    """A label inside a sentence: "Granted" → "granted", "E-mail" → "e-mail"."""
    first_word = text.split(" ", 1)[0]
    if sum(c.isupper() for c in first_word) > 1:  # an abbreviation: "BSN", "AVG"
        return text
    return text[:1].lower() + text[1:]


def _day(value) -> str:
    if not value:
        return "—"
    try:
        day = datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return date_format(day, DAY_FORMAT)


def _moment(value) -> str:
    if not value:
        return "—"
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, MOMENT_FORMAT)


def _field_label(name: str) -> str:
    try:
        return str(Case._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name.replace("_", " ")


def _field_value(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in ("due_date", "extended_due_date", "effective_due_date", "received_on"):
        return _day(value)
    if name.endswith("_at"):
        return _moment(value)
    try:
        field = Case._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if field.choices:
        return _lower_first(str(dict(field.flatchoices).get(value, value)))
    return f"“{value}”"


def _in_every_language(make) -> set[str]:
    """What ``make()`` says in each language of the site: to recognise texts stored
    translated by earlier versions."""
    said = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            said.add(str(make()))
    return said


def _legacy_channel(message: str) -> str | None:
    for channel in Channel:
        if message in _in_every_language(lambda c=channel: c.label):
            return channel.value
    return None


# --- One sentence per kind -------------------------------------------------------------------


def _created(event: CaseEvent) -> str:
    channel = event.changes.get("channel") or _legacy_channel(event.message)
    sentences = {
        Channel.WEB: _("Request submitted through the web form."),
        Channel.EMAIL: _("Request received by e-mail and registered."),
        Channel.POST: _("Request received by post and registered."),
        Channel.PHONE: _("Request received by phone and registered."),
        Channel.IN_PERSON: _("Request made in person and registered."),
    }
    sentence = sentences.get(channel, _("Request registered."))
    if event.to_status == Status.UNCONFIRMED:
        sentence += " " + _("The e-mail address is not confirmed yet.")
    return sentence


def _field_order(name: str) -> int:
    names = [field.name for field in Case._meta.fields]
    return names.index(name) if name in names else len(names)


def _updated(event: CaseEvent) -> str:
    parts = []
    # In the order of the request's fields: PostgreSQL's jsonb keeps no key order.
    for name in sorted(event.changes, key=_field_order):
        value = event.changes[name]
        if isinstance(value, list) and len(value) == 2:
            parts.append(
                _("%(field)s from %(before)s to %(after)s")
                % {
                    "field": _field_label(name),
                    "before": _field_value(name, value[0]),
                    "after": _field_value(name, value[1]),
                }
            )
        else:
            parts.append(f"{_field_label(name)}: {_field_value(name, value)}")
    if not parts:
        return _("Details changed.")
    return _("Details changed: %(changes)s.") % {"changes": "; ".join(parts)}


def _transition(event: CaseEvent) -> str:
    to = _lower_first(_label(Status, event.to_status))
    if event.from_status:
        return _("Status changed from %(from)s to %(to)s.") % {
            "from": _lower_first(_label(Status, event.from_status)),
            "to": to,
        }
    return _("Status set to %(to)s.") % {"to": to}


def _confirmed(event: CaseEvent) -> str:
    reference = event.changes.get("reference")
    if isinstance(reference, list) and reference[-1]:
        return _("E-mail address confirmed; the request got reference %(reference)s.") % {
            "reference": reference[-1]
        }
    return _("E-mail address confirmed.")


def _assigned(event: CaseEvent) -> str:
    before, after = (event.changes.get("assignee") or [None, None])[:2]
    if before and after:
        return _("Reassigned from %(before)s to %(after)s.") % {"before": before, "after": after}
    if after:
        return _("Assigned to %(user)s.") % {"user": after}
    if before:
        return _("No longer assigned to %(user)s.") % {"user": before}
    return _("Assignment changed.")


def _identity_verified(event: CaseEvent) -> str:
    method = event.changes.get("method")
    if method in IdentityMethod.values:
        return _("Identity verified: %(method)s.") % {
            "method": _lower_first(_label(IdentityMethod, method))
        }
    return _("Identity verified.")


def _paused(event: CaseEvent) -> str:
    reason = event.changes.get("reason")
    if reason == PauseReason.IDENTITY:
        return _("The data subject was asked for proof of identity; waiting for it.")
    if reason == PauseReason.CLARIFICATION:
        return _("The data subject was asked to clarify the request; waiting for the answer.")
    return _("Waiting for the data subject.")


def _extended(event: CaseEvent) -> str:
    before, after = (event.changes.get("due_date") or [None, None])[:2]
    return _("Deadline extended from %(before)s to %(after)s.") % {
        "before": _day(before),
        "after": _day(after),
    }


def _extension_notified(event: CaseEvent) -> str:
    sentence = _("The data subject was told of the extension on %(date)s.") % {
        "date": _day(event.changes.get("notified_on"))
    }
    # Earlier versions stored the warning as text; it was the only text this kind carried.
    late = event.changes.get("late", bool(event.message))
    if late:
        sentence += " " + _("That was after the original due date: too late under Art 12(3).")
    return sentence


def _closed(event: CaseEvent) -> str:
    outcome = event.changes.get("outcome")
    if outcome in Outcome.values:
        return _("Request closed: %(outcome)s.") % {
            "outcome": _lower_first(_label(Outcome, outcome))
        }
    return _("Request closed.")


def _email(event: CaseEvent) -> str:
    kind = event.changes.get("kind")
    what = _label(EmailKind, kind) if kind else _("e-mail")
    state = event.changes.get("state")
    if state == EmailState.SENT:
        return _("E-mail sent: %(kind)s.") % {"kind": what}
    if state == EmailState.FAILED:
        return _("E-mail not delivered: %(kind)s.") % {"kind": what}
    if state == EmailState.PENDING:
        return _("Delivery of the e-mail retried: %(kind)s.") % {"kind": what}
    return _("E-mail: %(kind)s.") % {"kind": what}


def _letter(event: CaseEvent, letters: dict[int, Letter]) -> str:
    changes = event.changes
    letter = letters.get(changes.get("letter"))
    letter_type = changes.get("type") or (letter.letter_type if letter else "")
    version = changes.get("version") or (letter.version if letter else None)
    name = _label(LetterType, letter_type) if letter_type else _("a letter")
    if version:
        name = _("%(letter)s, version %(version)s") % {"letter": name, "version": version}
    action = changes.get("action")
    if action == "generated":
        language = changes.get("language") or (letter.language if letter else "")
        if language:
            language_name = translation.get_language_info(language)["name_translated"]
            return _("Letter generated in %(language)s: %(letter)s.") % {
                "language": str(language_name),
                "letter": name,
            }
        return _("Letter generated: %(letter)s.") % {"letter": name}
    if action == "sent":
        if changes.get("with"):
            return _("Letter attached to the closure notice: %(letter)s.") % {"letter": name}
        if changes.get("channel") == "post":
            return _("Letter sent by post on %(date)s: %(letter)s.") % {
                "date": _day(changes.get("posted_on")),
                "letter": name,
            }
        return _("Letter sent by e-mail: %(letter)s.") % {"letter": name}
    if action == "downloaded":
        return _("The data subject downloaded the letter: %(letter)s.") % {"letter": name}
    return _("Letter: %(letter)s.") % {"letter": name}


def _message(event: CaseEvent) -> str:
    sentences = {
        MessageKind.MESSAGE: _("Message to the data subject on the status page."),
        MessageKind.IDENTITY_QUESTION: _(
            "Question to the data subject on the status page: proof of identity."
        ),
        MessageKind.CLARIFICATION_QUESTION: _(
            "Question to the data subject on the status page: clarification of the request."
        ),
    }
    sentence = sentences.get(event.changes.get("kind"), _("Message to the data subject."))
    reply_by = event.changes.get("reply_by")
    if reply_by:
        sentence += " " + _("Answer asked for by %(date)s.") % {"date": _day(reply_by)}
    return sentence


def _document(event: CaseEvent) -> str:
    files = event.changes.get("files")
    if files:
        return _("The data subject sent files through the status page: %(files)s.") % {
            "files": files
        }
    return _("The data subject sent a message through the status page.")


def _documents_deleted(event: CaseEvent) -> str:
    count = event.changes.get("files_deleted") or 0
    why = event.changes.get("why")
    days = event.changes.get("retention_days")
    if why is None:  # stored as text by earlier versions: only the closed-case text has a number
        found = re.search(r"\d+", event.message or "")
        why, days = ("closed", int(found.group())) if found else ("identity_verified", None)
    if why == "identity_verified":
        return ngettext(
            "%(count)d identity document deleted: the identity was verified.",
            "%(count)d identity documents deleted: the identity was verified.",
            count,
        ) % {"count": count}
    return ngettext(
        "%(count)d document deleted: the request was closed more than %(days)s days ago.",
        "%(count)d documents deleted: the request was closed more than %(days)s days ago.",
        count,
    ) % {"count": count, "days": days if days is not None else "—"}


def _anonymised(event: CaseEvent) -> str:
    days = event.changes.get("retention_days")
    if days is None:
        return _("Personal data anonymised.")
    return _("Personal data anonymised: the request was closed more than %(days)d days ago.") % {
        "days": days
    }


_SENTENCES = {
    EventKind.CREATED: _created,
    EventKind.UPDATED: _updated,
    EventKind.TRANSITION: _transition,
    EventKind.CONFIRMED: _confirmed,
    EventKind.ASSIGNED: _assigned,
    EventKind.IDENTITY_VERIFIED: _identity_verified,
    EventKind.PAUSED: _paused,
    EventKind.RESUMED: lambda event: _("Work on the request resumed."),
    EventKind.EXTENDED: _extended,
    EventKind.EXTENSION_NOTIFIED: _extension_notified,
    EventKind.CLOSED: _closed,
    EventKind.WITHDRAWN: lambda event: _("Request withdrawn by the data subject."),
    EventKind.EMAIL: _email,
    EventKind.DOCUMENT: _document,
    EventKind.MESSAGE: _message,
    EventKind.DOCUMENTS_DELETED: _documents_deleted,
    EventKind.ANONYMISED: _anonymised,
}


def sentence(event: CaseEvent, letters: dict[int, Letter] | None = None) -> str:
    """The event in one or two sentences, in the active language. ``letters`` (by id) names
    the letters of events that stored only the letter's id; without it they are looked up."""
    if event.kind == EventKind.LETTER:
        if letters is None:
            letters = _letters_of([event])
        return _letter(event, letters)
    describe = _SENTENCES.get(event.kind)
    if describe is None:
        return str(event.get_kind_display())
    return describe(event)


def note(event: CaseEvent) -> tuple[str, str]:
    """(label, text) of what a person wrote on this event, or ("", "")."""
    if not event.message:
        return "", ""
    label = _NOTE_LABELS.get(event.kind)
    if label is not None:
        return label(), event.message
    if event.kind == EventKind.EMAIL and event.changes.get("state") == EmailState.FAILED:
        # Stored by earlier versions as "Niet afgeleverd (<kind>): <error>": the error only.
        found = _LEGACY_FAILURE.match(event.message)
        return pgettext("timeline", "Error"), found.group(1) if found else event.message
    # A system text stored in another language by an earlier version: the sentence says it.
    return "", ""


def _error_note(event: CaseEvent) -> tuple[str, str]:
    error = event.changes.get("error")
    if event.kind == EventKind.EMAIL and error:
        return pgettext("timeline", "Error"), str(error)
    return note(event)


def _letters_of(events: Iterable[CaseEvent]) -> dict[int, Letter]:
    ids = {
        e.changes.get("letter")
        for e in events
        if e.kind == EventKind.LETTER and not (e.changes.get("type") and e.changes.get("version"))
    }
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return {letter.pk: letter for letter in Letter.objects.filter(pk__in=ids)}


def entries(events: Iterable[CaseEvent]) -> list[TimelineEntry]:
    """The timeline of these events in the active language; at most one query (the letters
    that older events name only by id)."""
    events = list(events)
    letters = _letters_of(events)
    result = []
    for event in events:
        label, text = _error_note(event)
        result.append(TimelineEntry(event, sentence(event, letters), label, text))
    return result
