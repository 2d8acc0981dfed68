"""Query parameters of the case list and the statistics: validated by a serializer (a bad
value is a 400, never a silently ignored filter) and applied to a queryset here."""

import datetime

from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Case, Channel, RequestType, Status

OPEN = "open"
FINAL = "final"
STATUS_FILTER_CHOICES = [
    (OPEN, _("Open (new, identity check, in progress, waiting)")),
    (FINAL, _("Closed or withdrawn")),
    *[(s.value, s.label) for s in Status if s != Status.UNCONFIRMED],
]

# Whitelisted sort keys: what a client names -> the columns, with a unique tie-breaker last
# so that pages never overlap. The default is the most urgent first, as in the admin's queue.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "effective_due_date": ("effective_due_date", "id"),
    "received_at": ("received_at", "id"),
    "reference": ("reference_year", "reference_number"),
    "status": ("status", "effective_due_date", "id"),
    "request_type": ("request_type", "effective_due_date", "id"),
    "closed_at": ("closed_at", "id"),
    "updated_at": ("updated_at", "id"),
}
DEFAULT_ORDERING = "effective_due_date"
ORDERING_CHOICES = [*ORDERINGS, *(f"-{name}" for name in ORDERINGS)]


def visible_cases() -> QuerySet:
    """Every case an officer can see: the requests (as in the admin)."""
    return Case.objects.requests()


class ReceivedRangeSerializer(serializers.Serializer):
    received_after = serializers.DateField(
        required=False, help_text="Received on or after this date (YYYY-MM-DD)."
    )
    received_before = serializers.DateField(
        required=False, help_text="Received on or before this date (YYYY-MM-DD)."
    )


class CaseFilterSerializer(ReceivedRangeSerializer):
    status = serializers.ChoiceField(
        choices=STATUS_FILTER_CHOICES,
        required=False,
        help_text="A status, or `open` (the officers' queue) or `final` (closed or withdrawn). "
        "Default: every status.",
    )
    request_type = serializers.ChoiceField(choices=RequestType.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    assignee = serializers.CharField(
        required=False,
        max_length=18,
        validators=[
            RegexValidator(r"^(me|none|[0-9]{1,18})$", _("Use a user id, 'me' or 'none'."))
        ],
        help_text="A user id, `me` (assigned to you) or `none` (unassigned).",
    )
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="true: open cases past their (extended) due date; false: all others.",
    )
    due_after = serializers.DateField(
        required=False, help_text="Due (extended due date if any) on or after this date."
    )
    due_before = serializers.DateField(
        required=False, help_text="Due (extended due date if any) on or before this date."
    )
    search = serializers.CharField(
        required=False,
        max_length=200,
        help_text="A reference in any form (`DSAR-2026-00042`, `2026-00042`, `00042` for that "
        "number in any year, or the beginning of one), or part of the subject's name or e-mail "
        "address, regardless of case and accents (`ozturk` finds `Öztürk`).",
    )
    ordering = serializers.ChoiceField(
        choices=ORDERING_CHOICES,
        required=False,
        help_text="Sort key; `-` in front sorts descending. Default: `effective_due_date` "
        "(most urgent first).",
    )


def filter_by_received(queryset: QuerySet, filters: dict) -> QuerySet:
    if filters.get("received_after"):
        queryset = queryset.filter(received_on__gte=filters["received_after"])
    if filters.get("received_before"):
        queryset = queryset.filter(received_on__lte=filters["received_before"])
    return queryset


def filter_cases(queryset: QuerySet, *, filters: dict, request, today: datetime.date) -> QuerySet:
    """Apply validated :class:`CaseFilterSerializer` data, then the ordering."""
    status = filters.get("status")
    if status == OPEN:
        queryset = queryset.open()
    elif status == FINAL:
        queryset = queryset.final()
    elif status:
        queryset = queryset.filter(status=status)
    if filters.get("request_type"):
        queryset = queryset.filter(request_type=filters["request_type"])
    if filters.get("channel"):
        queryset = queryset.filter(channel=filters["channel"])
    assignee = filters.get("assignee")
    if assignee == "me":
        queryset = queryset.filter(assignee=request.user)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee:
        queryset = queryset.filter(assignee_id=int(assignee))
    overdue = filters.get("overdue")
    if overdue is True:
        queryset = queryset.overdue(today)
    elif overdue is False:
        queryset = queryset.not_overdue(today)
    if filters.get("due_after"):
        queryset = queryset.filter(effective_due_date__gte=filters["due_after"])
    if filters.get("due_before"):
        queryset = queryset.filter(effective_due_date__lte=filters["due_before"])
    queryset = filter_by_received(queryset, filters)
    queryset = queryset.search(filters.get("search") or "")
    ordering = filters.get("ordering") or DEFAULT_ORDERING
    columns = ORDERINGS[ordering.lstrip("-")]
    if ordering.startswith("-"):
        columns = tuple(f"-{column}" for column in columns)
    return queryset.order_by(*columns)
