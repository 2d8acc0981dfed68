"""Forms for the officers' screens. They only validate input; the change itself is made by
the action's function (``casework.actions.OFFICER_ACTIONS``). :data:`ACTION_FORMS` gives each
action that takes input its form, whose fields are the action's ``inputs``."""

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from cases import clock
from cases.models import AuthorityProof, Case, IdentityMethod, NoticeMeans, Outcome, PauseReason
from cases.services import CREATE_FIELDS, CaseActionError, validate_received_at
from casework.forms import CleanCharField, CleanEmailField
from correspondence import models as correspondence_models


def _staff_users():
    """Whom a case can be assigned to: staff who may work cases (``casework.actions.assign``
    refuses anyone else too)."""
    return permissions.users_with(permissions.WORK).order_by("username")


class CaseAdminForm(forms.ModelForm):
    """Registering a request received by e-mail, post, phone or in person, or correcting one."""

    class Meta:
        model = Case
        fields = ("received_at", *CREATE_FIELDS)
        # What a person typed is cleaned as on the public form and in the API.
        field_classes = {
            "received_at": forms.SplitDateTimeField,
            "subject_name": CleanCharField,
            "subject_email": CleanEmailField,
            "subject_phone": CleanCharField,
            "subject_address": CleanCharField,
            "description": CleanCharField,
            "representative_name": CleanCharField,
            "representative_details": CleanCharField,
        }
        widgets = {
            "received_at": AdminSplitDateTime,
            "subject_address": forms.Textarea(attrs={"rows": 3}),
            "representative_details": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "received_at": _(
                "When the request reached the organisation, read or not (EDPB 01/2022 §159). "
                "The deadline counts from this date."
            ),
        }

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at:
            try:
                validate_received_at(received_at)
            except CaseActionError as error:
                raise forms.ValidationError(error.message) from None
        return received_at


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=_staff_users(),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff_users()


class VerifyIdentityForm(forms.Form):
    method = forms.ChoiceField(label=_("How was the identity verified?"), choices=IdentityMethod)
    note = CleanCharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never record a BSN or keep a copy of the passport photo."),
    )

    def clean(self):
        data = super().clean()
        if data.get("method") == IdentityMethod.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Describe how the identity was verified."))
        return data


class RecordAuthorityForm(forms.Form):
    proof = forms.ChoiceField(
        label=_("What shows that the representative may act for the subject?"),
        choices=AuthorityProof,
    )
    note = CleanCharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the date of the authorisation. Internal: not sent to anyone."),
    )

    def clean(self):
        data = super().clean()
        if data.get("proof") == AuthorityProof.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("Describe what shows the representative's authority."))
        return data


class RecipientNoticeForm(forms.Form):
    recipient = CleanCharField(
        label=_("Recipient"),
        max_length=300,
        help_text=_("The organisation (or person) to whom the data was disclosed."),
    )
    notified_on = forms.DateField(
        label=_("Told on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    means = forms.ChoiceField(
        label=_("How"), required=False, choices=[("", "—"), *NoticeMeans.choices]
    )
    not_notified_reason = CleanCharField(
        label=_("Or: why not (impossible or disproportionate effort)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed in the letter to the subject when the recipient was not told."),
    )

    def clean(self):
        data = super().clean()
        told = data.get("notified_on")
        reason = data.get("not_notified_reason", "").strip()
        if told and reason:
            self.add_error(
                "not_notified_reason",
                _("Either the date the recipient was told, or why they were not; not both."),
            )
        elif told and not data.get("means"):
            self.add_error("means", _("Say how the recipient was told."))
        elif told and told > timezone.localdate():
            self.add_error("notified_on", _("This date is in the future."))
        elif not told and not reason:
            self.add_error(
                "notified_on",
                _(
                    "Give the date the recipient was told, or why telling them proved "
                    "impossible or would take disproportionate effort (Art 19)."
                ),
            )
        return data


class PauseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Waiting for"), choices=PauseReason)
    note = CleanCharField(
        label=_("What was asked of the data subject"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResumeForm(forms.Form):
    note = CleanCharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(forms.Form):
    reason = CleanCharField(
        label=_("Reasons for the extension"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The subject must be told these reasons before the original deadline "
            "(GDPR Art 12(3)). That a request takes effort does not make it complex."
        ),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(v, label) for v, label in Outcome.choices if v != Outcome.WITHDRAWN],
    )
    reason = CleanCharField(
        label=_("Reasons"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Required for a partial or full refusal (Art 12(4)): the reply letter states them."
        ),
    )

    def clean(self):
        data = super().clean()
        needs_reason = data.get("outcome") in (
            Outcome.PARTLY_GRANTED,
            Outcome.REFUSED,
            Outcome.NOT_VALID,
        )
        if needs_reason and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reasons for this outcome."))
        return data


class WithdrawForm(forms.Form):
    reason = CleanCharField(
        label=_("How did the subject withdraw the request?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtensionNoticeForm(forms.Form):
    notified_on = forms.DateField(
        label=_("Date the subject was told"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("By e-mail, letter or phone, with the reasons and the new date."),
    )

    def clean_notified_on(self):
        notified_on = self.cleaned_data["notified_on"]
        if notified_on > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        return notified_on


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "assign": AssignForm,
    "verify_identity": VerifyIdentityForm,
    "record_authority": RecordAuthorityForm,
    "record_recipient_notice": RecipientNoticeForm,
    "pause": PauseForm,
    "resume": ResumeForm,
    "extend": ExtendForm,
    "record_extension_notice": ExtensionNoticeForm,
    "close": CloseForm,
    "withdraw": WithdrawForm,
}


class MessageForm(forms.Form):
    """A message or question to the data subject (``correspondence.services.message_send``
    sends it and checks it again)."""

    kind = forms.ChoiceField(
        label=_("What is it"),
        choices=[(kind.value, kind.label) for kind in correspondence_models.OFFICER_KINDS],
        widget=forms.RadioSelect,
        initial=correspondence_models.MessageKind.MESSAGE,
        help_text=_(
            "A question about identity or a clarification pauses the request until the data "
            "subject answers; they are reminded once before the reply-by date."
        ),
    )
    body = CleanCharField(
        label=_("Message"),
        multiline=True,
        max_length=correspondence_models.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
    )
    reply_by = forms.DateField(
        label=_("Reply by (questions only)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        question = data.get("kind") in correspondence_models.QUESTION_PAUSE_REASONS
        if not question:
            data["reply_by"] = None
        elif data.get("reply_by") and data["reply_by"] <= clock.today():
            self.add_error("reply_by", _("The reply-by date must lie in the future."))
        return data
