"""Input and output serializers, one pair per operation (HackSoft style).

Input serializers only validate; the change is made by the matching service. Output
serializers only read: status, deadlines, identity, outcome and the timeline appear in
output serializers alone, so no request can write them.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from accounts import permissions
from cases import deadlines, services
from cases.models import (
    OPEN_STATUSES,
    AuthorityProof,
    CaseEvent,
    Channel,
    IdentityMethod,
    Language,
    NoticeMeans,
    Outcome,
    PauseReason,
    RequestType,
    Status,
)
from cases.text import clean_text
from casework import timeline
from casework.actions import available_actions
from casework.forms import RequestForm


def _today(serializer) -> datetime.date:
    return serializer.context["today"]


# --- Output --------------------------------------------------------------------------------


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class AssigneeOutputSerializer(UserOutputSerializer):
    is_me = serializers.SerializerMethodField()

    def get_is_me(self, user) -> bool:
        return user.pk == self.context["request"].user.pk


class CaseListOutputSerializer(serializers.Serializer):
    """A case as a row of the list."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="This case in the API.")
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    status = serializers.ChoiceField(
        choices=Status.choices, help_text="See the state diagram in docs/states.md."
    )
    # Method fields rather than source="get_status_display": DRF inspects the signature of a
    # callable source on every row, which costs more than the rest of the row together.
    status_display = serializers.SerializerMethodField()
    subject_name = serializers.CharField()
    subject_email = serializers.CharField()
    received_at = serializers.DateTimeField()
    received_on = serializers.DateField(help_text="The day the deadline counts from.")
    due_date = serializers.DateField(help_text="The legal deadline before any extension.")
    extended_due_date = serializers.DateField(allow_null=True)
    effective_due_date = serializers.DateField(
        help_text="The deadline that applies: the extended due date if any, else the due date."
    )
    days_left = serializers.SerializerMethodField(
        help_text="Calendar days until the effective due date (negative: overdue); "
        "null for a closed or withdrawn case."
    )
    overdue = serializers.SerializerMethodField()
    assignee = UserOutputSerializer(allow_null=True)
    outcome = serializers.CharField(help_text="Empty while the case is open.")
    closed_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, case) -> str:
        # cases/<id>/ under the list's address, reversed once per response, not per row.
        prefix = self.context.get("_cases_url")
        if prefix is None:
            prefix = self.context["request"].build_absolute_uri(reverse("api:case-list"))
            self.context["_cases_url"] = prefix
        return f"{prefix}{case.pk}/"

    def get_status_display(self, case) -> str:
        return case.get_status_display()

    def get_days_left(self, case) -> int | None:
        if case.status not in OPEN_STATUSES:
            return None
        return deadlines.days_left(case.effective_due_date, _today(self))

    def get_overdue(self, case) -> bool:
        return case.status in OPEN_STATUSES and case.effective_due_date < _today(self)


class PauseOutputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PauseReason.choices)
    note = serializers.CharField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class EventOutputSerializer(serializers.Serializer):
    """One entry of the audit trail."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    kind_display = serializers.SerializerMethodField()
    actor_type = serializers.CharField(help_text="user, system or subject")
    actor = serializers.CharField(source="actor_display", help_text="Name at the time.")
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    changes = serializers.SerializerMethodField()
    message = serializers.CharField(help_text="What a person wrote: a reason, a note, a message.")
    text = serializers.SerializerMethodField(
        help_text="The event in a sentence, in the language of the request (Accept-Language)."
    )

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, event: CaseEvent) -> dict:
        return event.changes

    def get_text(self, event: CaseEvent) -> str:
        return timeline.sentence(event)

    def get_kind_display(self, event: CaseEvent) -> str:
        return event.get_kind_display()


class CaseDetailOutputSerializer(CaseListOutputSerializer):
    """A case with its details, deadlines, pauses and timeline."""

    subject_phone = serializers.CharField()
    subject_address = serializers.CharField()
    subject_language = serializers.ChoiceField(choices=Language.choices)
    description = serializers.CharField()
    objection_direct_marketing = serializers.BooleanField()
    representative_name = serializers.CharField()
    representative_details = serializers.CharField()
    deadline_rule = serializers.CharField(help_text="four_weeks or gdpr_month")
    working_days_left = serializers.SerializerMethodField(
        help_text="Working days until the effective due date (for planning); null when closed."
    )
    urgency = serializers.SerializerMethodField(help_text="overdue, soon, ok; empty if closed.")
    can_extend = serializers.SerializerMethodField()
    extended_at = serializers.DateTimeField(allow_null=True)
    extension_reason = serializers.CharField()
    extension_notified_at = serializers.DateTimeField(
        allow_null=True, help_text="When the subject was told of the extension (Art 12(3))."
    )
    identity_verified_at = serializers.DateTimeField(allow_null=True)
    identity_verified_by = UserOutputSerializer(allow_null=True)
    identity_method = serializers.CharField()
    identity_note = serializers.CharField()
    outcome_reason = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    allowed_actions = serializers.SerializerMethodField(
        help_text="The action endpoints that you may call on this case now."
    )
    pauses = PauseOutputSerializer(many=True)
    timeline = EventOutputSerializer(many=True, source="events.all")

    def get_working_days_left(self, case) -> int | None:
        if case.status not in OPEN_STATUSES:
            return None
        return deadlines.working_days_left(case.effective_due_date, _today(self))

    def get_urgency(self, case) -> str:
        return case.urgency(_today(self))

    def get_can_extend(self, case) -> bool:
        return case.can_extend(_today(self))

    def get_allowed_actions(self, case) -> list[str]:
        user = self.context["request"].user
        return [
            action.name
            for action in available_actions(case, user=user, today=_today(self), api=True)
        ]


class CountsOutputSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time_rate = serializers.FloatField(
        allow_null=True, help_text="on_time / total, 0..1; null when nothing was closed."
    )


class StatisticsOutputSerializer(serializers.Serializer):
    today = serializers.DateField()
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text="Open cases past their (extended) due date today.")
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_type = serializers.DictField(child=serializers.IntegerField())
    closed = CountsOutputSerializer(
        help_text="Closed cases (withdrawn ones excluded): on time when closed on or before "
        "the effective due date, in the organisation's time zone."
    )


# --- Input ---------------------------------------------------------------------------------


class CleanCharField(serializers.CharField):
    """Text as a person typed it, cleaned as on the public form and in the admin
    (``cases.text.clean_text``: no control, invisible or direction characters) before the
    blank check and the length limit."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(**kwargs)

    def run_validation(self, data=empty):
        if isinstance(data, str):
            data = clean_text(data, multiline=self.multiline)
        return super().run_validation(data)


class CleanEmailField(serializers.EmailField):
    def run_validation(self, data=empty):
        if isinstance(data, str):
            data = clean_text(data)
        return super().run_validation(data)


class CaseCreateInputSerializer(serializers.Serializer):
    """A request received by e-mail, post, phone, in person or on another system."""

    request_type = serializers.ChoiceField(choices=RequestType.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_at = serializers.DateTimeField(
        help_text="When the request reached the organisation, read or not (EDPB 01/2022 "
        "§159); the deadline counts from its date in Europe/Amsterdam. Without a UTC offset "
        "the time is taken as Amsterdam time."
    )
    subject_name = CleanCharField(max_length=200)
    subject_email = CleanEmailField(max_length=254, required=False, allow_blank=True)
    subject_phone = CleanCharField(max_length=40, required=False, allow_blank=True)
    subject_address = CleanCharField(
        multiline=True, max_length=500, required=False, allow_blank=True
    )
    subject_language = serializers.ChoiceField(
        choices=Language.choices, required=False, default=Language.DUTCH
    )
    description = CleanCharField(multiline=True, max_length=10000, required=False, allow_blank=True)
    objection_direct_marketing = serializers.BooleanField(
        required=False,
        default=False,
        help_text="For an objection: it is against direct marketing. Such an objection "
        "cannot be closed as refused or partly_granted (GDPR Art 21(3)).",
    )
    representative_name = CleanCharField(max_length=200, required=False, allow_blank=True)
    representative_details = CleanCharField(
        multiline=True, max_length=1000, required=False, allow_blank=True
    )

    def validate_received_at(self, value):
        try:
            services.validate_received_at(value)
        except services.CaseActionError as error:
            raise serializers.ValidationError(error.message) from None
        return value


class CaseAssignInputSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=permissions.users_with(permissions.WORK),
        allow_null=True,
        help_text="The id of a staff user who may work cases (see /api/assignees/), or null "
        "to unassign.",
        error_messages={
            "does_not_exist": _("There is no active staff user with this id who may work cases.")
        },
    )


class CaseVerifyIdentityInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=IdentityMethod.choices)
    note = CleanCharField(
        multiline=True,
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Never record a BSN or keep a copy of the passport photo.",
    )

    def validate(self, data):
        if data["method"] == IdentityMethod.OTHER and not data["note"].strip():
            raise serializers.ValidationError(
                {"note": [_("Describe how the identity was verified.")]}
            )
        return data


class CaseRecordAuthorityInputSerializer(serializers.Serializer):
    proof = serializers.ChoiceField(choices=AuthorityProof.choices)
    note = CleanCharField(
        multiline=True, max_length=1000, required=False, allow_blank=True, default=""
    )

    def validate(self, data):
        if data["proof"] == AuthorityProof.OTHER and not data["note"].strip():
            raise serializers.ValidationError(
                {"note": [_("Describe what shows the representative's authority.")]}
            )
        return data


class CaseRecipientNoticeInputSerializer(serializers.Serializer):
    recipient = CleanCharField(max_length=300)
    notified_on = serializers.DateField(required=False, allow_null=True, default=None)
    means = serializers.ChoiceField(
        choices=NoticeMeans.choices, required=False, allow_blank=True, default=""
    )
    not_notified_reason = CleanCharField(
        multiline=True, max_length=2000, required=False, allow_blank=True, default=""
    )


class CasePauseInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=PauseReason.choices)
    note = CleanCharField(
        multiline=True,
        max_length=2000,
        help_text="What was asked of the data subject (quoted to them).",
    )


class CaseResumeInputSerializer(serializers.Serializer):
    note = CleanCharField(
        multiline=True, max_length=2000, required=False, allow_blank=True, default=""
    )


class CaseExtendInputSerializer(serializers.Serializer):
    reason = CleanCharField(
        multiline=True,
        max_length=4000,
        help_text="The subject must be told these reasons before the original deadline "
        "(GDPR Art 12(3)).",
    )


class CaseExtensionNoticeInputSerializer(serializers.Serializer):
    notified_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The date the subject was told (default: today); not in the future and "
        "not before the extension.",
    )

    def validate_notified_on(self, value):
        case = self.context.get("case")
        if value and case is not None and case.extended_at:
            extended_on = timezone.localtime(case.extended_at).date()
            if value < extended_on:
                raise serializers.ValidationError(
                    _("The subject cannot have been told before the extension (%(date)s).")
                    % {"date": extended_on.isoformat()}
                )
        return value


_OUTCOMES_NEEDING_REASON = (Outcome.PARTLY_GRANTED, Outcome.REFUSED, Outcome.NOT_VALID)


class CaseCloseInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[(v, label) for v, label in Outcome.choices if v != Outcome.WITHDRAWN]
    )
    reason = CleanCharField(
        multiline=True,
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for partly_granted, refused and not_valid (Art 12(4)).",
    )

    def validate(self, data):
        if data["outcome"] in _OUTCOMES_NEEDING_REASON and not data["reason"].strip():
            raise serializers.ValidationError({"reason": [_("Give the reasons for this outcome.")]})
        case = self.context.get("case")
        if (
            case is not None
            and case.is_direct_marketing_objection
            and data["outcome"] in services.OUTCOMES_REFUSING
        ):
            raise serializers.ValidationError({"outcome": [str(services.DIRECT_MARKETING_MESSAGE)]})
        return data


class CaseWithdrawInputSerializer(serializers.Serializer):
    reason = CleanCharField(
        multiline=True,
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="How the subject withdrew the request.",
    )


# --- Letters (letters.services) ---------------------------------------------------------------


class LetterOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    letter_type = serializers.CharField()
    letter_type_display = serializers.CharField(source="get_letter_type_display")
    language = serializers.ChoiceField(choices=Language.choices)
    version = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    generated_by = serializers.CharField(source="generated_by_label")
    sent_at = serializers.DateTimeField(allow_null=True, help_text="Null until it is sent.")
    filename = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField(help_text="Of the archived PDF, as generated.")
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, letter) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:letter-download", args=[letter.pk])
        )


class LetterGenerateInputSerializer(serializers.Serializer):
    letter_type = serializers.CharField(max_length=30, help_text="A type from /api/letter-types/.")
    language = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="Default: the data subject's preferred language.",
    )
    fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000, trim_whitespace=False),
        required=False,
        default=dict,
        help_text="The letter's free-text parts by name (see /api/letter-types/); those left "
        "out get their pre-filled text.",
    )


class LetterFieldOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="text (several lines), line or choice")
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField())
    max_length = serializers.IntegerField()
    help_text = serializers.CharField()


class LetterTypeOutputSerializer(serializers.Serializer):
    type = serializers.CharField()
    label = serializers.CharField()
    is_reply = serializers.BooleanField(
        help_text="An answer to the request (attached to the closure notice)."
    )
    request_types = serializers.ListField(
        child=serializers.CharField(), help_text="Meant for these request types; empty: any."
    )
    fields = LetterFieldOutputSerializer(many=True)


# --- The public submission (public) -----------------------------------------------------


class PublicRequestInputSerializer(serializers.Serializer):
    """The web form's fields; validated by the web form itself (public.forms)."""

    request_type = serializers.ChoiceField(choices=RequestType.choices)
    name = CleanCharField(max_length=200, help_text="Who makes the request.")
    email = CleanEmailField(
        max_length=254, help_text="Receives the confirmation link, then every reply."
    )
    phone = CleanCharField(max_length=40, required=False, allow_blank=True)
    on_behalf = serializers.ChoiceField(
        choices=[("self", "self"), ("other", "other")],
        required=False,
        default="self",
        help_text="`other`: made for someone else; then behalf_name and behalf_relationship "
        "are required.",
    )
    behalf_name = CleanCharField(max_length=200, required=False, allow_blank=True)
    behalf_relationship = CleanCharField(max_length=500, required=False, allow_blank=True)
    description = CleanCharField(
        multiline=True,
        max_length=5000,
        required=False,
        allow_blank=True,
        help_text="Required for rectification, erasure, restriction and objection.",
    )
    language = serializers.ChoiceField(
        choices=Language.choices, required=False, default=Language.DUTCH
    )

    def validate(self, data):
        form = RequestForm(data={k: v for k, v in data.items() if v is not None})
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): list(messages)
                    for name, messages in form.errors.items()
                }
            )
        data["case_fields"] = form.case_fields()
        return data


class PublicRequestOutputSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="Always `confirmation_sent`.")
    email = serializers.CharField()
    confirm_within_days = serializers.IntegerField()
    message = serializers.CharField()


class ApiRootOutputSerializer(serializers.Serializer):
    docs = serializers.URLField(help_text="Swagger UI.")
    schema = serializers.URLField(help_text="OpenAPI 3 schema (YAML; JSON with ?format=json).")
    cases = serializers.URLField()
    statistics = serializers.URLField()
    assignees = serializers.URLField()
    letter_types = serializers.URLField()
    public_requests = serializers.URLField()
