"""The register of requests: every request ever received, one line each, read-only.

An ordinary admin list (filters, sorting, pages) over the ``RegisterEntry`` proxy, with CSV and
XLSX exports of exactly what the filters select. Only users with ``reports.view_register`` see
it. It shows no name, address or request text, so anonymised requests stay in it unchanged.
"""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases import clock
from cases.admin_mixins import ReadOnlyAdmin, ReceivedRangeFilter

from . import selectors, views
from .models import RegisterEntry


class OnTimeFilter(admin.SimpleListFilter):
    title = _("timeliness")
    parameter_name = "on_time"

    def lookups(self, request, model_admin):
        return [
            ("yes", _("Yes")),
            ("no", _("No, or already past the due date")),
            ("pending", _("Open, within the due date")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "yes":
            return queryset.filter(on_time=True)
        if value == "no":
            return queryset.filter(on_time=False)
        if value == "pending":
            return queryset.filter(on_time__isnull=True, closed_at__isnull=True)
        return queryset


def _day(value) -> str:
    # ISO dates: unambiguous in both languages, narrow, and the same as in the exports.
    return value.isoformat() if value else ""


@admin.register(RegisterEntry)
class RegisterAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "reference_link",
        "request_type",
        "channel",
        "received",
        "due",
        "extended_to",
        "closed",
        "outcome_display",
        "on_time_display",
        "days_taken_display",
    )
    list_display_links = None
    list_filter = (
        "request_type",
        "channel",
        "outcome",
        ("received_on", ReceivedRangeFilter),
        OnTimeFilter,
    )
    list_per_page = 100
    show_full_result_count = False
    search_fields = ("reference",)
    search_help_text = _("Search by reference.")
    ordering = ("-reference_year", "-reference_number")
    actions = None
    change_list_template = "admin/reports/registerentry/change_list.html"

    class Media:
        css = {"all": ("reports/dashboard.css",)}

    # Permissions: look, never touch.

    def has_view_permission(self, request, obj=None):
        return views.can_see_register(request.user)

    def get_urls(self):
        # Only the list and its exports: no change page, which would show personal data.
        wrap = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("", wrap(self.changelist_view), name=f"{prefix}_changelist"),
            path(
                "export.csv",
                wrap(lambda request: views.export_csv(request, self)),
                name=f"{prefix}_export_csv",
            ),
            path(
                "export.xlsx",
                wrap(lambda request: views.export_xlsx(request, self)),
                name=f"{prefix}_export_xlsx",
            ),
        ]

    def get_queryset(self, request):
        return selectors.register(today=clock.today(), model=self.model)

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(reference__startswith=term), False

    def changelist_view(self, request, extra_context=None):
        query = request.GET.copy()
        for key in ("p", "e"):
            query.pop(key, None)
        encoded = query.urlencode()
        extra_context = {
            **(extra_context or {}),
            "title": _("Register of requests"),
            # Ten columns need the width: no app menu on the left here.
            "is_nav_sidebar_enabled": False,
            "export_query": f"?{encoded}" if encoded else "",
            "dashboard_url": reverse("admin:index"),
        }
        return super().changelist_view(request, extra_context)

    # Columns

    @admin.display(description=_("reference"), ordering="reference")
    def reference_link(self, entry):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cases_case_change", args=[entry.pk]),
            entry.reference,
        )

    @admin.display(description=_("received"), ordering="received_on")
    def received(self, entry):
        return _day(entry.received_on)

    @admin.display(description=_("due"), ordering="due_date")
    def due(self, entry):
        return _day(entry.due_date)

    @admin.display(description=_("extended to"), ordering="extended_due_date")
    def extended_to(self, entry):
        return _day(entry.extended_due_date)

    @admin.display(description=_("closed on"), ordering="closed_at")
    def closed(self, entry):
        return _day(entry.closed_on)

    @admin.display(description=_("outcome"), ordering="outcome")
    def outcome_display(self, entry):
        if entry.outcome:
            return entry.get_outcome_display()
        return format_html('<span class="dsar-quiet">{}</span>', entry.get_status_display())

    @admin.display(description=_("on time"), ordering="on_time")
    def on_time_display(self, entry):
        if entry.on_time is None:
            return ""
        if entry.on_time:
            return format_html('<span class="dsar-yes">{}</span>', _("yes"))
        return format_html('<span class="dsar-no">{}</span>', _("no"))

    @admin.display(description=_("days taken"), ordering="days_taken")
    def days_taken_display(self, entry):
        return "" if entry.days_taken is None else entry.days_taken
