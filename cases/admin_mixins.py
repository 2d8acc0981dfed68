"""Building blocks for the admins of every app (the case admin itself is in ``officers``)."""

import datetime

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class ReadOnlyAdmin:
    """An admin that lists and shows rows but never adds, changes or deletes them: audit
    trails, the outbox, the security log, the register. Rows are written by services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReceivedRangeFilter(admin.FieldListFilter):
    """Received between two dates (inclusive), as two date inputs."""

    template = "admin/cases/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_gte = f"{field_path}__gte"
        self.lookup_lte = f"{field_path}__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = _("received between")
        self.values = {}
        for key in (self.lookup_gte, self.lookup_lte):
            raw = self.used_parameters.get(key) or ""
            raw = raw[-1] if isinstance(raw, list) else raw
            try:
                self.values[key] = datetime.date.fromisoformat(raw) if raw else None
            except ValueError:
                self.values[key] = None  # a mistyped date is ignored, not an error page

    def expected_parameters(self):
        return [self.lookup_gte, self.lookup_lte]

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        filters = {k: v for k, v in self.values.items() if v is not None}
        return queryset.filter(**filters) if filters else queryset

    def choices(self, changelist):
        yield {
            "gte_name": self.lookup_gte,
            "lte_name": self.lookup_lte,
            "gte": self.values[self.lookup_gte] or "",
            "lte": self.values[self.lookup_lte] or "",
            "other_params": {
                k: v
                for k, v in changelist.get_filters_params().items()
                if k not in (self.lookup_gte, self.lookup_lte)
            },
            "clear_url": changelist.get_query_string(remove=[self.lookup_gte, self.lookup_lte]),
        }
