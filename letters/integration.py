"""How the letters plug into the other apps, called once from ``LettersConfig.ready()``:
the case page's letters panel and the batch action (cases.admin), the closure notice's
attachment (notifications) and the status page's documents (cases.public)."""

import uuid

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from cases.services import CaseActionError

_connected = False


def panel_context(request, case: Case) -> dict:
    """The letters panel on the case page."""
    from . import catalogue

    user = request.user
    letters = list(case.letters.all()) if user.has_perm("letters.view_letter") else []
    suggested = [
        spec.label for spec in catalogue.LETTERS.values() if spec.is_reply and spec.suits(case)
    ]
    return {
        "letters": letters,
        "can_view": user.has_perm("letters.view_letter"),
        "can_add": user.has_perm("letters.add_letter"),
        "can_send": user.has_perm("letters.send_letter"),
        "compose_url": reverse("admin:letters_letter_compose", args=[case.pk]),
        "suggested": suggested,
    }


def _enqueue_batch_letter(case_id, actor, data, request):
    """The changelist action: one background render per selected request."""
    from . import services, tasks
    from .forms import SUBJECT_LANGUAGE

    if not request.user.has_perm("letters.add_letter"):
        raise CaseActionError(_("You may not generate letters."), code="forbidden")
    case = Case.objects.get(pk=case_id)
    language = case.subject_language if data["language"] == SUBJECT_LANGUAGE else data["language"]
    try:  # say now, per request, what would fail in the worker
        services.letter_prepare(
            case=case, letter_type=data["letter_type"], language=language, fields={}
        )
    except services.LetterError as exc:
        raise CaseActionError(f"{case.reference}: {exc.message}", code=exc.code) from exc
    kwargs = {
        "case_id": case_id,
        "letter_type": data["letter_type"],
        "language": language,
        "user_id": request.user.pk,
        "idempotency_key": uuid.uuid4().hex,
    }
    transaction.on_commit(lambda: tasks.generate_letter.delay(**kwargs))


def status_documents(case: Case, token: str) -> list[dict]:
    """Sent letters on the subject's status page, titled in the page's language."""
    letters = case.letters.filter(sent_at__isnull=False).order_by("-sent_at", "-id")
    documents = []
    for letter in letters:
        if letter.version > 1:
            title = _("%(letter)s (letter, version %(version)d)") % {
                "letter": letter.get_letter_type_display(),
                "version": letter.version,
            }
        else:
            title = _("%(letter)s (letter)") % {"letter": letter.get_letter_type_display()}
        documents.append(
            {
                "title": title,
                "date": letter.sent_at,
                "url": reverse("letters_status_letter", args=[token, letter.pk]),
            }
        )
    return documents


def connect() -> None:
    global _connected
    if _connected:
        return
    _connected = True

    from cases.admin import CasePanel, OfficerAction, register_case_panel, register_officer_action
    from cases.public.documents import register_document_provider
    from notifications.services import register_attachment_provider

    from . import services
    from .forms import BatchLetterForm

    register_case_panel(CasePanel("admin/letters/case_letters_panel.html", panel_context))
    register_officer_action(
        OfficerAction(
            "letters_batch",
            gettext_lazy("Generate a letter in the background…"),
            "work",
            BatchLetterForm,
            _enqueue_batch_letter,
            # A list action only: on the case page the letters panel does this, with a preview.
            available=lambda case, request: False,
        )
    )
    register_attachment_provider(services.CLOSURE_KIND, services.closure_attachments)
    register_document_provider(status_documents)
