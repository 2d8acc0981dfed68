"""One error format for the whole API:

    {"error": {"code": "illegal_transition", "message": "Cannot close ...", "fields": {}}}

``code`` is a stable, English identifier for programs; ``message`` is for people, in the
language of the request (Accept-Language); ``fields`` maps input fields to their problems
(only for 400 "invalid").
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.services import CaseActionError

# CaseActionError codes that mean "not now, not in this state": the request was well formed
# but conflicts with the case as it is (409). Every other code is a validation error (400).
CONFLICT_CODES = frozenset(
    {
        "illegal_transition",
        "already_done",
        "too_late",
        "not_extended",
        "identity_required",
        "read_only",
        "not_waiting",
        "no_email",
        # letters.services.LetterError
        "unavailable",
        "already_sent",
    }
)
# Cases the API does not show (unconfirmed web requests) are "not found" too.
NOT_FOUND_CODES = frozenset({"not_found", "unconfirmed"})
OTHER_STATUSES = {
    "forbidden": status.HTTP_403_FORBIDDEN,
    # The server failed to render a letter: not the client's fault.
    "render_failed": status.HTTP_500_INTERNAL_SERVER_ERROR,
}


def status_for_action_error(code: str) -> int:
    if code in NOT_FOUND_CODES:
        return status.HTTP_404_NOT_FOUND
    if code in CONFLICT_CODES:
        return status.HTTP_409_CONFLICT
    return OTHER_STATUSES.get(code, status.HTTP_400_BAD_REQUEST)


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def _flatten(detail, prefix: str = "") -> list[tuple[str, str]]:
    """DRF's nested error details as ("field" or "field.sub", message) pairs."""
    if isinstance(detail, dict):
        pairs = []
        for key, value in detail.items():
            name = str(key) if not prefix else f"{prefix}.{key}"
            if key == "non_field_errors" and not prefix:
                name = "non_field_errors"
            pairs.extend(_flatten(value, name))
        return pairs
    if isinstance(detail, list):
        pairs = []
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                pairs.extend(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                pairs.append((prefix or "non_field_errors", str(value)))
        return pairs
    return [(prefix or "non_field_errors", str(detail))]


def field_errors(detail) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for name, message in _flatten(detail):
        fields.setdefault(name, []).append(message)
    return fields


def _invalid(fields: dict[str, list[str]]) -> Response:
    return Response(
        error_body("invalid", _("The request has errors; see the fields."), fields),
        status=status.HTTP_400_BAD_REQUEST,
    )


def api_exception_handler(exc, context):
    """DRF's exception handler, answering in the one error format; also turns the services'
    :class:`CaseActionError` into 400/404/409."""
    if isinstance(exc, CaseActionError):
        # LetterError names the letter's parts that need attention; they are sent as the
        # input's "fields" object.
        parts = getattr(exc, "field_errors", None) or {}
        fields = {f"fields.{name}": [str(message)] for name, message in parts.items()}
        return Response(
            error_body(exc.code, exc.message, fields), status=status_for_action_error(exc.code)
        )
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() in a service, should the input serializer have let it pass.
        if hasattr(exc, "error_dict"):
            return _invalid({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
        return _invalid({"non_field_errors": [str(m) for m in exc.messages]})
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)  # sets WWW-Authenticate, Retry-After
    if response is None:
        return None  # a bug: Django's 500 handling logs it
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid", _("The request has errors; see the fields."), field_errors(exc.detail)
        )
        return response
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    detail = getattr(exc, "detail", "")
    response.data = error_body(code, detail if isinstance(detail, str) else str(exc))
    return response


# --- For the schema ---------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable identifier, e.g. invalid, not_authenticated, permission_denied, "
        "not_found, illegal_transition, already_done, too_late, throttled."
    )
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='Problems per input field, e.g. {"reason": ["This field is required."]}.',
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()
