"""The outbox in the admin: a read-only list with filters, a retry action for failed
e-mails (through the service), and a panel on each case page listing its e-mails."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases.admin_mixins import ReadOnlyAdmin
from cases.audit import Actor

from . import planning
from .models import OutboundEmail, State


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("planned_at", "kind", "case_link", "to", "state", "attempts", "sent_at")
    list_filter = ("state", "kind")
    list_select_related = ("case",)
    list_per_page = 50
    show_full_result_count = False
    search_fields = ("case__reference",)
    search_help_text = _("Search by reference (DSAR-2026-00001, or its beginning).")
    ordering = ("-planned_at", "-id")
    actions = ["retry_failed"]
    fields = (
        "kind",
        "case_link",
        "to",
        "recipient_user",
        "language",
        "state",
        "planned_at",
        "attempts",
        "last_error",
        "sent_at",
        "subject",
        "body",
        "attachments",
        "context",
        "dedupe_key",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description=_("request"), ordering="case__reference")
    def case_link(self, email):
        if not email.case_id:
            return "—"
        if not email.case.reference:  # an unconfirmed web request: not in the case list
            return str(email.case)
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cases_case_change", args=[email.case_id]),
            email.case.reference,
        )

    def get_search_results(self, request, queryset, search_term):
        """References by prefix, through the case's unique index."""
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(case__reference__startswith=term), False

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.retry_outboundemail")

    @admin.action(description=_("Retry the selected failed e-mails"), permissions=["retry"])
    def retry_failed(self, request, queryset):
        ids = list(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
        skipped = queryset.count() - len(ids)
        count = planning.email_retry_failed(email_ids=ids, actor=Actor.staff(request.user))
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail will be sent again.",
                    "%(count)d e-mails will be sent again.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext("Only failed e-mails can be retried; %(count)d left as they were.")
                % {"count": skipped},
                messages.WARNING,
            )
