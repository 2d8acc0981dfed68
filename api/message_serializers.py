"""Input and output of the message endpoints (``correspondence``): the thread of a case and
sending a message or question to the data subject."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from correspondence.models import MAX_LENGTH, OFFICER_KINDS, Direction, MessageKind

from .serializers import CleanCharField


class MessageFileOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    kind = serializers.ChoiceField(choices=MessageKind.choices)
    sent_at = serializers.DateTimeField()
    sent_by = serializers.CharField(
        source="sent_by_label", help_text="The officer's username; empty for a reply."
    )
    language = serializers.CharField()
    reply_by = serializers.DateField(
        allow_null=True, help_text="A question's: the date the subject is asked to answer by."
    )
    text = serializers.CharField(help_text="The officer's message, or the subject's reply.")
    files = serializers.SerializerMethodField(
        help_text="A reply's files; listed only for users who may see what subjects send."
    )

    @extend_schema_field(MessageFileOutputSerializer(many=True))
    def get_files(self, message) -> list[dict]:
        if not message.submission_id or not self.context.get("may_view_files"):
            return []
        return MessageFileOutputSerializer(message.submission.files.all(), many=True).data


class MessageSendInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in OFFICER_KINDS],
        default=MessageKind.MESSAGE,
        help_text="`identity_question` and `clarification_question` pause the request until "
        "the subject answers.",
    )
    body = CleanCharField(
        multiline=True,
        max_length=MAX_LENGTH,
        help_text="Shown on the subject's status page, in their language; never in an e-mail.",
    )
    reply_by = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Questions only: the date to answer by (default: DSAR_QUESTION_REPLY_DAYS "
        "from today).",
    )
