"""Documents addressed to the data subject, listed on the status page.

Other apps register a provider ``fn(case, token) -> list[dict]`` whose items are
``{"title": str, "date": date | datetime, "url": str}``; the URL is theirs to serve (the
letters app serves sent letters under ``/status/<token>/letters/<id>/``) and must check the
token again with :func:`cases.public.tokens.case_from_status_token`.
"""

from collections.abc import Callable

from cases.models import Case

_providers: list[Callable[[Case, str], list[dict]]] = []


def register_document_provider(fn: Callable[[Case, str], list[dict]]) -> None:
    if fn not in _providers:
        _providers.append(fn)


def documents_for(case: Case, token: str) -> list[dict]:
    documents = []
    for provider in _providers:
        documents.extend(provider(case, token))
    return documents
