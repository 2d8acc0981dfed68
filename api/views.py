"""One view per operation. Each validates its input with its own serializer, calls one
service, and answers with its own output serializer; errors take the one format of
``api.errors``."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.permissions import WORK, may, users_with
from cases import clock, ratelimit
from cases.audit import Actor
from cases.models import ANSWERED_ON_TIME, OPEN_STATUSES, Case, RequestType, Status
from casework import actions
from casework.actions import OFFICER_ACTIONS, OfficerAction
from correspondence.models import Message
from correspondence.services import message_send
from letters import catalogue
from letters import files as letter_files
from letters.models import Letter
from letters.services import letter_generate

from . import message_serializers as ms
from . import serializers as s
from .errors import ErrorSerializer
from .filters import (
    CaseFilterSerializer,
    ReceivedRangeSerializer,
    filter_by_received,
    filter_cases,
    visible_cases,
)
from .permissions import (
    ACTION_MESSAGES,
    CanGenerateLetters,
    CanRegisterCases,
    CanViewLetters,
    IsOfficer,
    requires,
)

CASES_TAG = "cases"
ACTIONS_TAG = "case actions"
LETTERS_TAG = "letters"
MESSAGES_TAG = "messages"

logger = logging.getLogger(__name__)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


UNAUTHENTICATED = _error("No valid token or session (`not_authenticated`, …).")
FORBIDDEN = _error("Your account lacks the permission (`permission_denied`).")
NO_CASE = _error("No request with this id (`not_found`).")
INVALID = _error("Invalid input (`invalid`, with `fields`).")
CONFLICT = _error(
    "Not allowed in the case's current state: `illegal_transition`, `already_done`, "
    "`too_late`, `not_extended`, `identity_required`."
)
THROTTLED = _error("Too many requests (`throttled`); see the Retry-After header.")
OFFICER_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN}


def _context(request, day=None) -> dict:
    return {"request": request, "today": day or clock.today()}


# What a list row shows: narrower rows to sort and send than whole cases.
LIST_COLUMNS = (
    "id",
    "reference",
    "request_type",
    "channel",
    "status",
    "subject_name",
    "subject_email",
    "received_at",
    "received_on",
    "due_date",
    "extended_due_date",
    "effective_due_date",
    "outcome",
    "closed_at",
    "assignee__id",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def case_detail_queryset():
    return (
        visible_cases()
        .select_related("assignee", "identity_verified_by")
        .prefetch_related("pauses", "events")
    )


def _visible_case_or_404(case_id: int) -> None:
    if not visible_cases().filter(pk=case_id).exists():
        raise NotFound(_("There is no request with this id."))


def _detail_data(request, case_id: int) -> dict:
    case = case_detail_queryset().get(pk=case_id)
    return s.CaseDetailOutputSerializer(case, context=_context(request)).data


class CasePagination(PageNumberPagination):
    page_size = settings.DSAR_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.DSAR_API_MAX_PAGE_SIZE


# --- Cases ---------------------------------------------------------------------------------


class CaseListApi(APIView):
    name = "Cases"  # in the browsable API
    permission_classes = [IsOfficer]
    pagination_class = CasePagination

    @extend_schema(
        operation_id="cases_list",
        summary="List cases",
        tags=[CASES_TAG],
        parameters=[CaseFilterSerializer],
        responses={
            200: s.CaseListOutputSerializer(many=True),
            400: INVALID,
            404: _error("No such page (`not_found`)."),
            **OFFICER_ERRORS,
        },
    )
    def get(self, request):
        filters = CaseFilterSerializer(data=request.query_params.dict())
        filters.is_valid(raise_exception=True)
        day = clock.today()
        queryset = filter_cases(
            visible_cases().select_related("assignee").only(*LIST_COLUMNS),
            filters=filters.validated_data,
            request=request,
            today=day,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        data = s.CaseListOutputSerializer(page, many=True, context=_context(request, day)).data
        return paginator.get_paginated_response(data)


class CaseDetailApi(APIView):
    name = "Case"
    permission_classes = [IsOfficer]

    @extend_schema(
        operation_id="cases_retrieve",
        summary="One case with its deadlines, pauses and timeline",
        tags=[CASES_TAG],
        responses={200: s.CaseDetailOutputSerializer, 404: NO_CASE, **OFFICER_ERRORS},
    )
    def get(self, request, case_id: int):
        case = case_detail_queryset().filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("There is no request with this id."))
        return Response(s.CaseDetailOutputSerializer(case, context=_context(request)).data)


class CaseCreateApi(APIView):
    name = "Register a case"
    permission_classes = [CanRegisterCases]

    @extend_schema(
        operation_id="cases_create",
        summary="Register a request received elsewhere",
        description="The deadline is computed from `received_at`; the case starts as `new`.",
        tags=[CASES_TAG],
        request=s.CaseCreateInputSerializer,
        examples=[
            OpenApiExample(
                "A letter received by post",
                request_only=True,
                value={
                    "request_type": "access",
                    "channel": "post",
                    "received_at": "2026-03-05T10:00:00+01:00",
                    "subject_name": "Zoë de Vries",
                    "subject_email": "zoe@example.org",
                    "subject_address": "Dorpsstraat 1\n3511 AB Utrecht",
                    "subject_language": "nl",
                    "description": "Graag een kopie van alle gegevens die u van mij heeft.",
                },
            )
        ],
        responses={201: s.CaseDetailOutputSerializer, 400: INVALID, **OFFICER_ERRORS},
    )
    def post(self, request):
        serializer = s.CaseCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        received_at = fields.pop("received_at")
        case = actions.register(actor=Actor.staff(request.user), received_at=received_at, **fields)
        return Response(
            _detail_data(request, case.pk),
            status=status.HTTP_201_CREATED,
            headers={
                "Location": request.build_absolute_uri(reverse("api:case-detail", args=[case.pk]))
            },
        )


# --- Actions -------------------------------------------------------------------------------
# One endpoint per officer action of the table (casework.actions.OFFICER_ACTIONS) that the API
# offers: its input serializer, its right and its function come from there or from the
# per-action documentation below; none is written out twice.

# Input serializers per action: their fields are the action's ``inputs`` (a test checks it).
ACTION_INPUTS: dict[str, type[s.serializers.Serializer] | None] = {
    "assign": s.CaseAssignInputSerializer,
    "start_identity_check": None,
    "verify_identity": s.CaseVerifyIdentityInputSerializer,
    "record_authority": s.CaseRecordAuthorityInputSerializer,
    "record_recipient_notice": s.CaseRecipientNoticeInputSerializer,
    "pause": s.CasePauseInputSerializer,
    "resume": s.CaseResumeInputSerializer,
    "extend": s.CaseExtendInputSerializer,
    "record_extension_notice": s.CaseExtensionNoticeInputSerializer,
    "close": s.CaseCloseInputSerializer,
    "withdraw": s.CaseWithdrawInputSerializer,
}
# Each endpoint's address (under cases/<id>/) and its documentation.
ACTION_DOCS: dict[str, dict] = {
    "assign": {
        "path": "assign",
        "summary": "Assign the case to a staff user, or unassign it",
        "example": {"assignee": 1},
    },
    "start_identity_check": {
        "path": "start-identity-check",
        "summary": "Start the identity check (new → identity_check)",
    },
    "verify_identity": {
        "path": "verify-identity",
        "summary": "Record how the identity was verified (→ in_progress)",
        "description": "Once per case. A case waiting for identity documents resumes.",
        "example": {"method": "document", "note": "Passport seen; BSN and photo masked."},
    },
    "record_authority": {
        "path": "record-authority",
        "summary": "Record the proof of a representative's authority",
        "description": "Once per case made by a representative; needed before the case is "
        "closed as (partly) granted or an access or portability answer is made.",
        "example": {"proof": "parental_authority", "note": "Uittreksel gezagsregister."},
    },
    "record_recipient_notice": {
        "path": "recipient-notice",
        "summary": "Record an Art 19 notice to a recipient, or why there was none",
        "description": "Rectification, erasure, restriction and objection. Either notified_on "
        "and means, or not_notified_reason (impossible or disproportionate effort). The "
        "letters say recipients were informed only from these records.",
        "example": {
            "recipient": "Incassobureau B.V.",
            "notified_on": "2026-03-18",
            "means": "email",
        },
    },
    "pause": {
        "path": "pause",
        "summary": "Wait for the data subject: identity documents or clarification (→ waiting)",
        "description": "Recorded and shown; the due date does not move.",
        "example": {
            "reason": "identity",
            "note": "A copy of your passport, with the BSN and photo masked.",
        },
    },
    "resume": {
        "path": "resume",
        "summary": "Resume a waiting case (→ identity_check or in_progress)",
        "example": {"note": "Documents received."},
    },
    "extend": {
        "path": "extend",
        "summary": "Extend the deadline by two months (once, with reasons, before the due date)",
        "example": {"reason": "The data is spread over twelve systems of three subsidiaries."},
    },
    "record_extension_notice": {
        "path": "extension-notice",
        "summary": "Record that the subject was told of the extension",
        "example": {"notified_on": "2026-03-06"},
    },
    "close": {
        "path": "close",
        "summary": "Close the case with an outcome (→ closed)",
        "description": "granted and partly_granted need a verified identity; partly_granted, "
        "refused and not_valid need reasons.",
        "example": {
            "outcome": "refused",
            "reason": "Invoices are kept for seven years (art. 52 AWR).",
        },
    },
    "withdraw": {
        "path": "withdraw",
        "summary": "The subject withdrew the request (→ withdrawn)",
        "example": {"reason": "Withdrawn by phone on 6 March."},
    },
}


class CaseActionApi(APIView):
    """POST to an action: 404 for an unknown case, 400 for invalid input, 409 when the
    case's state does not allow it; else 200 with the case as it is now."""

    officer_action: OfficerAction  # set per endpoint by action_view()
    input_serializer_class = None

    def post(self, request, case_id: int):
        case = visible_cases().filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("There is no request with this id."))
        data = {}
        if self.input_serializer_class is not None:
            serializer = self.input_serializer_class(data=request.data, context={"case": case})
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        inputs = {name: data[name] for name in self.officer_action.inputs}
        self.officer_action.run(case_id=case_id, actor=Actor.staff(request.user), **inputs)
        return Response(_detail_data(request, case_id))


def action_view(action: OfficerAction):
    """The endpoint of one officer action, with its right and its OpenAPI description."""
    docs = ACTION_DOCS[action.name]
    input_serializer = ACTION_INPUTS[action.name]
    view = type(
        f"Case{action.name.title().replace('_', '')}Api",
        (CaseActionApi,),
        {
            "__doc__": docs["summary"],
            "name": str(action.label),
            "officer_action": action,
            "input_serializer_class": input_serializer,
            "permission_classes": [requires(action.right, ACTION_MESSAGES[action.right])],
        },
    )
    example = docs.get("example")
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"cases_{action.name}",
            summary=docs["summary"],
            description=docs.get("description", ""),
            tags=[ACTIONS_TAG],
            request=input_serializer,
            examples=[OpenApiExample("Example", value=example, request_only=True)]
            if example is not None
            else [],
            responses={
                200: s.CaseDetailOutputSerializer,
                400: INVALID,
                404: NO_CASE,
                409: CONFLICT,
                **OFFICER_ERRORS,
            },
        )
    )(view)


API_ACTIONS = {name: action for name, action in OFFICER_ACTIONS.items() if action.in_api}
ACTION_VIEWS = {name: action_view(action) for name, action in API_ACTIONS.items()}


# --- Messages with the data subject (correspondence) -------------------------------------


def _messages_context(request) -> dict:
    return {"request": request, "may_view_files": may(request.user, "view_subject_files")}


class CaseMessageListApi(APIView):
    name = "Messages"
    permission_classes = [IsOfficer]

    @extend_schema(
        operation_id="cases_messages_list",
        summary="The messages with the data subject, oldest first",
        description="The officers' messages and questions, and the subject's replies from "
        "the status page (their files listed for users who may see them).",
        tags=[MESSAGES_TAG],
        responses={200: ms.MessageOutputSerializer(many=True), 404: NO_CASE, **OFFICER_ERRORS},
    )
    def get(self, request, case_id: int):
        _visible_case_or_404(case_id)
        messages = Message.objects.thread(case_id)
        return Response(
            ms.MessageOutputSerializer(messages, many=True, context=_messages_context(request)).data
        )


class CaseMessageSendApi(APIView):
    name = "Send a message"
    permission_classes = [requires(WORK, ACTION_MESSAGES[WORK])]

    @extend_schema(
        operation_id="cases_messages_send",
        summary="Write to the data subject (a message, or a question that pauses the request)",
        description="The message appears on the subject's status page; the subject is told "
        "by e-mail that there is one, without its text. A question also pauses the request "
        "(409 `illegal_transition` when it cannot wait now, e.g. it already waits) until the "
        "subject replies; the subject is reminded once before `reply_by`, and the officer "
        "is told after it.",
        tags=[MESSAGES_TAG],
        request=ms.MessageSendInputSerializer,
        examples=[
            OpenApiExample(
                "A clarification question",
                request_only=True,
                value={
                    "kind": "clarification_question",
                    "body": "Which of your accounts is the request about?",
                },
            )
        ],
        responses={
            201: ms.MessageOutputSerializer,
            400: INVALID,
            404: NO_CASE,
            409: CONFLICT,
            **OFFICER_ERRORS,
        },
    )
    def post(self, request, case_id: int):
        _visible_case_or_404(case_id)
        serializer = ms.MessageSendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        message = message_send(
            case_id=case_id,
            actor=Actor.staff(request.user),
            body=data["body"],
            kind=data["kind"],
            reply_by=data.get("reply_by"),
        )
        return Response(
            ms.MessageOutputSerializer(message, context=_messages_context(request)).data,
            status=status.HTTP_201_CREATED,
        )


# --- Reading around the cases ---------------------------------------------------------------


class AssigneeListApi(APIView):
    name = "Assignees"
    permission_classes = [IsOfficer]

    @extend_schema(
        operation_id="assignees_list",
        summary="Staff users a case can be assigned to (those who may work cases)",
        tags=[CASES_TAG],
        responses={200: s.AssigneeOutputSerializer(many=True), **OFFICER_ERRORS},
    )
    def get(self, request):
        users = users_with(WORK).order_by(get_user_model().USERNAME_FIELD, "pk")
        return Response(
            s.AssigneeOutputSerializer(users, many=True, context={"request": request}).data
        )


class StatisticsApi(APIView):
    name = "Statistics"
    permission_classes = [IsOfficer]

    @extend_schema(
        operation_id="statistics",
        summary="Counts by status and type, overdue cases and the on-time rate",
        tags=["statistics"],
        parameters=[ReceivedRangeSerializer],
        responses={200: s.StatisticsOutputSerializer, 400: INVALID, **OFFICER_ERRORS},
    )
    def get(self, request):
        params = ReceivedRangeSerializer(data=request.query_params.dict())
        params.is_valid(raise_exception=True)
        day = clock.today()
        cases = filter_by_received(visible_cases(), params.validated_data).order_by()
        by_status = dict.fromkeys((st.value for st in Status if st != Status.UNCONFIRMED), 0)
        by_status.update(cases.values_list("status").annotate(n=Count("id")))
        by_type = dict.fromkeys(RequestType.values, 0)
        by_type.update(cases.values_list("request_type").annotate(n=Count("id")))
        is_open = Q(status__in=OPEN_STATUSES)
        totals = cases.with_closed_on().aggregate(
            open=Count("id", filter=is_open),
            overdue=Count("id", filter=is_open & Q(effective_due_date__lt=day)),
            closed=Count("id", filter=Q(status=Status.CLOSED)),
            on_time=Count("id", filter=ANSWERED_ON_TIME),
        )
        data = {
            "today": day,
            "total": sum(by_status.values()),
            "open": totals["open"],
            "overdue": totals["overdue"],
            "by_status": by_status,
            "by_type": by_type,
            "closed": {
                "total": totals["closed"],
                "on_time": totals["on_time"],
                "late": totals["closed"] - totals["on_time"],
                "on_time_rate": (
                    round(totals["on_time"] / totals["closed"], 4) if totals["closed"] else None
                ),
            },
        }
        return Response(s.StatisticsOutputSerializer(data).data)


# --- Letters (letters.services) ---------------------------------------------------------------

NO_LETTER = _error("No letter with this id (`not_found`).")


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the PDF itself is a FileResponse."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


def _letters():
    return Letter.objects.filter(case__in=Case.objects.requests()).select_related("case")


class CaseLetterListApi(APIView):
    name = "Letters"
    permission_classes = [CanViewLetters]

    @extend_schema(
        operation_id="cases_letters_list",
        summary="The letters generated for a case, newest first",
        tags=[LETTERS_TAG],
        responses={200: s.LetterOutputSerializer(many=True), 404: NO_CASE, **OFFICER_ERRORS},
    )
    def get(self, request, case_id: int):
        _visible_case_or_404(case_id)
        letters = _letters().filter(case_id=case_id).order_by("-generated_at", "-id")
        context = {"request": request}
        return Response(s.LetterOutputSerializer(letters, many=True, context=context).data)


class CaseLetterGenerateApi(APIView):
    name = "Generate a letter"
    permission_classes = [CanGenerateLetters]

    @extend_schema(
        operation_id="cases_letters_generate",
        summary="Generate a letter (PDF, archived as a new version)",
        description="Rendered at once; the letter is archived and put on the timeline, not "
        "sent. Problems in the parts come back as `fields.<part>`.",
        tags=[LETTERS_TAG],
        request=s.LetterGenerateInputSerializer,
        examples=[
            OpenApiExample(
                "An acknowledgement",
                request_only=True,
                value={"letter_type": "acknowledgement", "fields": {"note": ""}},
            )
        ],
        responses={
            201: s.LetterOutputSerializer,
            400: INVALID,
            404: NO_CASE,
            409: _error("This letter cannot be made for this case now (`unavailable`)."),
            **OFFICER_ERRORS,
        },
    )
    def post(self, request, case_id: int):
        case = visible_cases().filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("There is no request with this id."))
        serializer = s.LetterGenerateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        letter = letter_generate(
            case_id=case.pk,
            letter_type=data["letter_type"],
            language=data.get("language") or case.subject_language,
            fields=data["fields"],
            actor=Actor.staff(request.user),
        )
        letter = _letters().get(pk=letter.pk)
        download_url = request.build_absolute_uri(reverse("api:letter-download", args=[letter.pk]))
        return Response(
            s.LetterOutputSerializer(letter, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": download_url},
        )


class LetterDownloadApi(APIView):
    name = "Letter PDF"
    permission_classes = [CanViewLetters]
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="letters_download",
        summary="The letter's PDF, as archived",
        tags=[LETTERS_TAG],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (404, "application/json"): NO_LETTER,
            (410, "application/json"): _error(
                "The archived file is missing (`file_missing`) or no longer matches its "
                "SHA-256 (`file_changed`): tell the administrator."
            ),
            (401, "application/json"): UNAUTHENTICATED,
            (403, "application/json"): FORBIDDEN,
        },
    )
    def get(self, request, letter_id: int):
        letter = _letters().filter(pk=letter_id).first()
        if letter is None:
            raise NotFound(_("There is no letter with this id."))
        try:
            if not letter_files.file_matches(letter):
                logger.error("Letter %s of %s does not match its SHA-256", letter.pk, letter.case)
                raise Gone(_("The archived file of this letter was changed."), "file_changed")
            return letter_files.letter_file_response(letter, as_attachment=True)
        except FileNotFoundError:
            logger.error("Letter %s of %s: the file is missing", letter.pk, letter.case)
            raise Gone(_("The archived file of this letter is missing."), "file_missing") from None

    def finalize_response(self, request, response, *args, **kwargs):
        # An error is JSON, also for a client that asked for a PDF.
        if isinstance(response, Response) and isinstance(
            getattr(request, "accepted_renderer", None), PDFRenderer
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class LetterTypeListApi(APIView):
    name = "Letter types"
    permission_classes = [IsOfficer]

    @extend_schema(
        operation_id="letter_types_list",
        summary="The kinds of letter and the parts an officer can fill in",
        tags=[LETTERS_TAG],
        responses={200: s.LetterTypeOutputSerializer(many=True), **OFFICER_ERRORS},
    )
    def get(self, request):
        types = [
            {
                "type": spec.type,
                "label": str(spec.label),
                "is_reply": spec.is_reply,
                "request_types": list(spec.request_types),
                "fields": [
                    {
                        "name": field.name,
                        "label": str(field.label),
                        "kind": field.kind,
                        "required": field.required,
                        "choices": [str(value) for value, _label in field.choices],
                        "max_length": field.max_length,
                        "help_text": str(field.help_text),
                    }
                    for field in spec.fields
                ],
            }
            for spec in catalogue.LETTERS.values()
        ]
        return Response(s.LetterTypeOutputSerializer(types, many=True).data)


# --- The public submission (casework.actions.submit_web_request) ---------------------------


class PublicRequestSubmitApi(APIView):
    """The web form for organisations with a front end of their own: anonymous, limited per
    client address and per e-mail address by the web form's own counters (``submit_ip``,
    ``submit_email``: one rolling window for both interfaces), and the same flow: the
    request is stored unconfirmed and the subject gets an e-mail to confirm the address;
    only then does it count as received."""

    name = "Submit a request"
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        operation_id="public_requests_submit",
        summary="Submit a request as the data subject (the web form's equivalent)",
        tags=["public"],
        auth=[],
        request=s.PublicRequestInputSerializer,
        examples=[
            OpenApiExample(
                "An erasure request",
                request_only=True,
                value={
                    "request_type": "erasure",
                    "name": "Zoë de Vries",
                    "email": "zoe@example.org",
                    "description": "Verwijder alstublieft mijn klantaccount.",
                    "language": "nl",
                },
            )
        ],
        responses={202: s.PublicRequestOutputSerializer, 400: INVALID, 429: THROTTLED},
    )
    def post(self, request):
        serializer = s.PublicRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        wait = ratelimit.wait_before(
            ("submit_ip", ratelimit.client_ip(request)),
            ("submit_email", data["email"].lower()),
        )
        if wait is not None:
            raise Throttled(
                wait=wait,
                detail=_(
                    "Too many requests from this address or for this e-mail address. Please "
                    "try again later."
                ),
            )
        case = actions.submit_web_request(fields=data["case_fields"])
        logger.info(
            "Web request (case id %s) stored (API); waiting for the e-mail confirmation", case.pk
        )
        body = {
            "status": "confirmation_sent",
            "email": case.subject_email,
            "confirm_within_days": settings.DSAR_CONFIRMATION_MAX_AGE_DAYS,
            "message": _(
                "We sent an e-mail to %(email)s. Click the link in it within %(days)d days to "
                "confirm the request; we start handling it once it is confirmed."
            )
            % {"email": case.subject_email, "days": settings.DSAR_CONFIRMATION_MAX_AGE_DAYS},
        }
        return Response(s.PublicRequestOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)


# --- The entry point -----------------------------------------------------------------------


class ApiRootApi(APIView):
    """Where to start: the documentation and the main collections."""

    name = "DSAR tracker API"
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="api_root",
        summary="Links to the documentation and the main endpoints",
        tags=["api"],
        auth=[],
        responses={200: s.ApiRootOutputSerializer},
    )
    def get(self, request):
        links = {
            "docs": "api:docs",
            "schema": "api:schema",
            "cases": "api:case-list",
            "statistics": "api:statistics",
            "assignees": "api:assignee-list",
            "letter_types": "api:letter-type-list",
            "public_requests": "api:public-request",
        }
        data = {key: request.build_absolute_uri(reverse(name)) for key, name in links.items()}
        return Response(s.ApiRootOutputSerializer(data).data)


# --- Anything else under /api/ ----------------------------------------------------------------


@extend_schema(exclude=True)
class ApiNotFound(APIView):
    """A JSON 404 in the API's error format for any other address under /api/."""

    name = "Not found"
    permission_classes = [AllowAny]

    def _not_found(self, request, *args, **kwargs):
        message = _("There is no API endpoint at this address.")
        if not request.path.endswith("/"):
            try:
                match = resolve(request.path + "/")
            except Resolver404:
                match = None
            if match is not None and getattr(match.func, "view_class", None) is not ApiNotFound:
                message = _("API addresses end with a slash: %(path)s") % {
                    "path": request.path + "/"
                }
        raise NotFound(message)

    get = post = put = patch = delete = _not_found
