"""The security log in the admin: read-only, for the DPO and the auditor."""

from django.contrib import admin
from django.utils.html import format_html_join

from cases.admin_mixins import ReadOnlyAdmin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("at", "kind", "actor_display", "account_label", "reason")
    list_filter = ("kind",)
    search_fields = ("actor_label", "account_label")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = ("at", "kind", "actor_display", "account_label", "reason", "details_table")
    readonly_fields = fields

    @admin.display(description=SecurityEvent._meta.get_field("actor").verbose_name)
    def actor_display(self, event):
        return event.actor_display

    @admin.display(description=SecurityEvent._meta.get_field("details").verbose_name)
    def details_table(self, event):
        return format_html_join(
            "\n", "<div><strong>{}</strong>: {}</div>", sorted(event.details.items())
        )
