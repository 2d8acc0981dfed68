"""The sections of the case page below the deadline: the messages with the subject (what they
sent included), the e-mails, the letters, the export. Each is a template and a function that
gathers its context; the list :data:`CASE_PANELS` is the page's order. Every panel checks the
reader's rights itself."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from accounts.permissions import WORK, may
from cases import clock
from cases.models import Case
from casework import next_steps
from correspondence import selectors
from letters import catalogue

# The case page shows at most this many e-mails, newest first, and links to the full list.
EMAILS_LIMIT = 50


@dataclass(frozen=True)
class CasePanel:
    template: str
    context: Callable[[HttpRequest, Case], dict]


def messages(request, case: Case) -> dict:
    """The thread with the subject (what they sent through the status page included), the
    "reply received" marker and, for those who may work the request, the way to write."""
    may_write = case.is_open and may(request.user, WORK)
    return {
        "thread": selectors.thread(case),
        "reply_waiting": selectors.is_reply_waiting(case),
        "may_view_files": may(request.user, "view_subject_files"),
        "compose_url": reverse("officers:message_compose", args=[case.pk]) if may_write else "",
    }


def emails(request, case: Case) -> dict:
    if not may(request.user, "view_emails"):
        return {"emails": None}
    found = list(case.outbound_emails.order_by("-planned_at", "-id")[: EMAILS_LIMIT + 1])
    return {
        "emails": found[:EMAILS_LIMIT],
        "more": len(found) > EMAILS_LIMIT,
        "outbox_url": reverse("admin:notifications_outboundemail_changelist")
        + f"?q={case.reference}",
    }


def letters(request, case: Case) -> dict:
    can_view = may(request.user, "view_letters")
    suggested = [
        spec.label for spec in catalogue.LETTERS.values() if spec.is_reply and spec.suits(case)
    ]
    return {
        "letters": list(case.letters.all()) if can_view else [],
        "can_view": can_view,
        "can_add": may(request.user, "generate_letters"),
        "can_send": may(request.user, "send_letters"),
        "compose_url": reverse("admin:letters_letter_compose", args=[case.pk]),
        "suggested": suggested,
    }


def what_now(request, case: Case, offered: list[dict]) -> list[dict]:
    """The "what now" panel: the steps :func:`casework.next_steps.next_steps` decides, each
    with the buttons of the actions this user may take now (``offered``: the case page's
    officer actions) or a link to the letter that answers it."""
    buttons = {action["name"]: action for action in offered}
    available = set(buttons)
    if may(request.user, "generate_letters"):
        available.add(next_steps.COMPOSE_LETTER)
    steps = next_steps.next_steps(
        case, today=clock.today(), facts=next_steps.case_facts(case), available=available
    )
    compose_url = reverse("admin:letters_letter_compose", args=[case.pk])
    shown = []
    for step in steps:
        links = []
        for name in step.actions:
            if name == next_steps.COMPOSE_LETTER:
                url = compose_url
                if step.letter_type:
                    url += f"?letter_type={step.letter_type}&language={case.subject_language}"
                label = gettext("Write the reply letter")
                if step.letter_type:
                    label = gettext("New letter: %(letter)s") % {
                        "letter": catalogue.get(step.letter_type).label
                    }
                links.append({"name": name, "label": label, "url": url})
            else:
                links.append(buttons[name])
        shown.append({"step": step, "buttons": links})
    return shown


def export(request, case: Case) -> dict:
    return {"may_export": may(request.user, "export_case"), "export_case": case}


CASE_PANELS = (
    CasePanel("admin/correspondence/case_messages_panel.html", messages),
    CasePanel("admin/notifications/case_emails.html", emails),
    CasePanel("admin/letters/case_letters_panel.html", letters),
    CasePanel("admin/cases/case/export_panel.html", export),
)
