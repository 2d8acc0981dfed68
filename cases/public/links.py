"""Secret links in the subject's e-mails, added at send time (the outbox keeps "[link]").

``confirm_url`` for ``confirm_address``; ``status_url`` for every other e-mail to the subject.
Each status link is a fresh token: only its hash is stored, so an earlier one cannot be
reused in a new e-mail.
"""

from notifications.services import register_link_provider

from . import tokens

STATUS_LINK_KINDS = (
    "receipt",
    "status_link",
    "identity_request",
    "clarification_request",
    "extension_notice",
    "closure_notice",
    "letter",
)


def confirm_link(email) -> dict:
    if email.case is None:
        return {}
    return {"confirm_url": tokens.confirm_url(email.case, language=email.language)}


def status_link(email) -> dict:
    if email.case is None:
        return {}
    token = tokens.status_token_create(email.case)
    return {"status_url": tokens.status_url(token, language=email.language)}


def register() -> None:
    register_link_provider("confirm_address", confirm_link)
    for kind in STATUS_LINK_KINDS:
        register_link_provider(kind, status_link)
