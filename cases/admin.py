"""The officers' main screen: the request queue, the case page and its actions.

Declarative ``ModelAdmin``s; every action calls a function in ``cases.services``, which
checks the state machine and writes the audit trail.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import deadlines, services
from .audit import Actor
from .forms import (
    AssignForm,
    CaseAdminForm,
    CloseForm,
    ExtendForm,
    ExtensionNoticeForm,
    PauseForm,
    ResumeForm,
    VerifyIdentityForm,
    WithdrawForm,
)
from .models import OPEN_STATUSES, Case, CaseEvent, Status
from .states import allowed_actions

ALL = "all"
OPEN = "open"


def today() -> datetime.date:
    return services.local_date(timezone.now())


# --- Filters ------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Open requests by default: the queue an officer works from."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            (OPEN, _("Open")),
            *[(s.value, s.label) for s in Status if s != Status.UNCONFIRMED],
            (ALL, _("All")),
        ]

    def value(self):
        return super().value() or OPEN

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == OPEN:
            return queryset.filter(status__in=OPEN_STATUSES)
        if value == ALL:
            return queryset
        return queryset.filter(status=value)


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        return [
            ("me", _("Assigned to me")),
            ("none", _("Unassigned")),
            *[(str(u.pk), u.get_full_name() or u.get_username()) for u in staff],
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            ("week", _("Due this week")),
            ("soon", _("Due within 5 working days")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        now = today()
        open_cases = queryset.filter(status__in=OPEN_STATUSES)
        if value == "overdue":
            return open_cases.filter(effective_due_date__lt=now)
        if value == "today":
            return open_cases.filter(effective_due_date=now)
        if value == "week":
            sunday = now + datetime.timedelta(days=6 - now.weekday())
            return open_cases.filter(effective_due_date__gte=now, effective_due_date__lte=sunday)
        if value == "soon":
            limit = now
            for _i in range(5):
                limit = deadlines.next_working_day(limit + datetime.timedelta(days=1))
            return open_cases.filter(effective_due_date__gte=now, effective_due_date__lte=limit)
        return queryset


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


# --- Actions and panels ---------------------------------------------------------------------
# Other apps add their own actions and case-page panels through register_officer_action() and
# register_case_panel() (in their AppConfig.ready()), so this module need not know them.


@dataclass(frozen=True)
class OfficerAction:
    """One thing an officer can do to a case: its form, its permission and its service."""

    name: str
    label: Any
    permission: str  # "work", "extend" or "close": has_<permission>_permission on the admin
    form_class: type[forms.Form] | None
    run: Callable  # (case_id, actor, cleaned_data, request) -> Any; raises CaseActionError
    # The state-machine action it performs (cases.states.TRANSITIONS); None: any state.
    state_action: str | None = None
    # Further condition for offering it on a case page, e.g. "not extended yet".
    available: Callable[[Case, HttpRequest], bool] | None = None

    def needs_form(self) -> bool:
        return self.form_class is not None

    def offered_for(self, case: Case, request: HttpRequest) -> bool:
        if self.state_action and self.state_action not in allowed_actions(case.status):
            return False
        return self.available is None or self.available(case, request)


@dataclass(frozen=True)
class CasePanel:
    """A section of the case page: a template and the context it needs."""

    template: str
    get_context: Callable[[HttpRequest, Case], dict]


OFFICER_ACTIONS: dict[str, OfficerAction] = {}
CASE_PANELS: list[CasePanel] = []


def register_officer_action(action: OfficerAction) -> None:
    OFFICER_ACTIONS[action.name] = action


def register_case_panel(panel: CasePanel) -> None:
    CASE_PANELS.append(panel)


for _action in (
    OfficerAction(
        "assign_to_me",
        _("Assign to me"),
        "work",
        None,
        lambda cid, actor, data, request: services.case_assign(
            case_id=cid, actor=actor, assignee=request.user
        ),
        state_action="assign",
        available=lambda case, request: case.assignee_id != request.user.pk,
    ),
    OfficerAction(
        "assign",
        _("Assign to…"),
        "work",
        AssignForm,
        lambda cid, actor, data, request: services.case_assign(
            case_id=cid, actor=actor, assignee=data["assignee"]
        ),
        state_action="assign",
    ),
    OfficerAction(
        "start_identity_check",
        _("Start identity check"),
        "work",
        None,
        lambda cid, actor, data, request: services.case_start_identity_check(
            case_id=cid, actor=actor
        ),
        state_action="start_identity_check",
    ),
    OfficerAction(
        "verify_identity",
        _("Mark identity verified"),
        "work",
        VerifyIdentityForm,
        lambda cid, actor, data, request: services.case_verify_identity(
            case_id=cid, actor=actor, method=data["method"], note=data["note"]
        ),
        state_action="verify_identity",
        available=lambda case, request: case.identity_verified_at is None,
    ),
    OfficerAction(
        "pause",
        _("Wait for the data subject"),
        "work",
        PauseForm,
        lambda cid, actor, data, request: services.case_pause(
            case_id=cid, actor=actor, reason=data["reason"], note=data["note"]
        ),
        state_action="pause",
    ),
    OfficerAction(
        "resume",
        _("Resume"),
        "work",
        ResumeForm,
        lambda cid, actor, data, request: services.case_resume(
            case_id=cid, actor=actor, note=data["note"]
        ),
        state_action="resume",
    ),
    OfficerAction(
        "extend",
        _("Extend by two months"),
        "extend",
        ExtendForm,
        lambda cid, actor, data, request: services.case_extend(
            case_id=cid, actor=actor, reason=data["reason"]
        ),
        state_action="extend",
        available=lambda case, request: case.can_extend(today()),
    ),
    OfficerAction(
        "record_extension_notice",
        _("Record that the subject was told of the extension"),
        "extend",
        ExtensionNoticeForm,
        lambda cid, actor, data, request: services.case_record_extension_notice(
            case_id=cid, actor=actor, notified_on=data["notified_on"]
        ),
        state_action="extend",
        available=lambda case, request: case.is_extended and not case.extension_notified_at,
    ),
    OfficerAction(
        "close",
        _("Close with outcome"),
        "close",
        CloseForm,
        lambda cid, actor, data, request: services.case_close(
            case_id=cid, actor=actor, outcome=data["outcome"], reason=data["reason"]
        ),
        state_action="close",
    ),
    OfficerAction(
        "withdraw",
        _("Withdrawn by the subject"),
        "close",
        WithdrawForm,
        lambda cid, actor, data, request: services.case_withdraw(
            case_id=cid, actor=actor, reason=data["reason"]
        ),
        state_action="withdraw",
    ),
):
    register_officer_action(_action)


def _make_changelist_action(action: OfficerAction):
    def changelist_action(modeladmin, request, queryset):
        return modeladmin.run_officer_action(request, action, list(queryset), bulk=True)

    changelist_action.__name__ = action.name
    changelist_action.short_description = action.label
    changelist_action.allowed_permissions = (action.permission,)
    return changelist_action


# --- The case admin -----------------------------------------------------------------------


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    form = CaseAdminForm
    list_display = (
        "reference",
        "request_type",
        "subject_name",
        "status",
        "received",
        "due_badge",
        "assignee",
    )
    list_display_links = ("reference", "subject_name")
    list_filter = (
        StatusFilter,
        "request_type",
        "channel",
        AssigneeFilter,
        DueFilter,
        ("received_on", ReceivedRangeFilter),
    )
    list_select_related = ("assignee",)
    list_per_page = 50
    # The paginator counts the filtered list once; the unfiltered total is not counted again.
    show_full_result_count = False
    search_fields = ("reference", "subject_name", "subject_email")
    search_help_text = _("Search by reference, name or e-mail address.")
    ordering = ("effective_due_date", "reference_year", "reference_number")
    date_hierarchy = None
    change_form_template = "admin/cases/case/change_form.html"
    fieldsets = (
        (
            _("Request"),
            {"fields": ("request_type", "channel", "received_at", "description")},
        ),
        (
            _("Data subject"),
            {
                "fields": (
                    "subject_name",
                    "subject_email",
                    "subject_phone",
                    "subject_address",
                    "subject_language",
                )
            },
        ),
        (
            _("Representative"),
            {
                "classes": ("collapse",),
                "fields": ("representative_name", "representative_details"),
            },
        ),
    )

    class Media:
        css = {"all": ("cases/admin.css",)}

    # Queue ------------------------------------------------------------------------------

    def get_queryset(self, request):
        # Web requests whose e-mail address is unconfirmed are not requests yet.
        return super().get_queryset(request).exclude(status=Status.UNCONFIRMED)

    def get_search_results(self, request, queryset, search_term):
        """Match references and e-mail addresses exactly (indexed); names by substring."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.upper().startswith("DSAR-"):
            return queryset.filter(reference__startswith=term.upper()), False
        if "@" in term:
            return queryset.filter(subject_email__iexact=term), False
        return queryset.filter(subject_name__icontains=term), False

    @admin.display(description=_("received"), ordering="received_at")
    def received(self, case):
        return date_format(case.received_on, "j M Y")

    @admin.display(description=_("due"), ordering="effective_due_date")
    def due_badge(self, case):
        day = date_format(case.effective_due_date, "j M Y")
        if not case.is_open:
            return day
        now = getattr(self, "_today", None) or today()
        urgency = case.urgency(now)
        return format_html(
            '{} <span class="dsar-badge dsar-badge-{}">{}</span>',
            day,
            urgency,
            deadlines.describe_days_left(case.effective_due_date, now),
        )

    def changelist_view(self, request, extra_context=None):
        self._today = today()
        return super().changelist_view(request, extra_context)

    # Permissions --------------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        # An anonymised request is kept for the statistics only; nothing is typed back in.
        if obj is not None and obj.anonymised_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Requests are never deleted by hand; the retention purge anonymises them.
        return False

    def has_work_permission(self, request):
        return request.user.has_perm("cases.work_case")

    def has_extend_permission(self, request):
        return request.user.has_perm("cases.extend_case")

    def has_close_permission(self, request):
        return request.user.has_perm("cases.close_case")

    # Saving goes through the services ------------------------------------------------------

    def save_model(self, request, obj, form, change):
        actor = Actor.staff(request.user)
        if change:
            changes = {f: form.cleaned_data[f] for f in form.changed_data}
            services.case_update(case_id=obj.pk, actor=actor, changes=changes)
            return
        fields = {f: form.cleaned_data[f] for f in services.CREATE_FIELDS}
        case = services.case_create(
            actor=actor, received_at=form.cleaned_data["received_at"], **fields
        )
        for field in Case._meta.concrete_fields:
            setattr(obj, field.attname, getattr(case, field.attname))
        obj._state.adding = False

    # The case page ---------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:case_id>/do/<str:action_name>/",
                self.admin_site.admin_view(self.action_view),
                name="cases_case_do",
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        for action in OFFICER_ACTIONS.values():
            func = _make_changelist_action(action)
            actions[action.name] = (func, action.name, action.label)
        return self._permitted_actions(request, actions)

    def _permitted_actions(self, request, actions):
        return {
            name: entry
            for name, entry in actions.items()
            if all(
                getattr(self, f"has_{perm}_permission")(request)
                for perm in getattr(entry[0], "allowed_permissions", ())
            )
        }

    def available_actions(self, request, case):
        return [
            action
            for action in OFFICER_ACTIONS.values()
            if getattr(self, f"has_{action.permission}_permission")(request)
            and action.offered_for(case, request)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if case is not None:
            now = today()
            extra_context.update(
                case=case,
                today=now,
                days_left_text=deadlines.describe_days_left(case.effective_due_date, now),
                working_days_left=deadlines.working_days_left(case.effective_due_date, now),
                urgency=case.urgency(now),
                pauses=list(case.pauses.all()),
                events=list(case.events.all()),
                officer_actions=self.available_actions(request, case),
                case_panels=[
                    {"template": p.template, **p.get_context(request, case)} for p in CASE_PANELS
                ],
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def action_view(self, request, case_id, action_name):
        case = get_object_or_404(self.get_queryset(request), pk=case_id)
        action = OFFICER_ACTIONS.get(action_name)
        if action is None:
            raise PermissionDenied
        return self.run_officer_action(request, action, [case], bulk=False)

    def _preview(self, action: OfficerAction, cases) -> str:
        """What the action will do, where that is worth saying before it is done."""
        if action.name == "extend" and len(cases) == 1:
            case = cases[0]
            new_date = deadlines.extended_due_date(case.received_on, case.deadline_rule)
            return gettext("The due date moves from %(old)s to %(new)s.") % {
                "old": date_format(case.due_date, "l j F Y"),
                "new": date_format(new_date, "l j F Y"),
            }
        return ""

    def run_officer_action(self, request, action: OfficerAction, cases, *, bulk: bool):
        """Show the action's form for the chosen cases, then apply it to each through the
        service; every refusal is reported with its reason, nothing is applied half."""
        if not getattr(self, f"has_{action.permission}_permission")(request):
            raise PermissionDenied
        form = None
        if action.needs_form():
            submitted = request.method == "POST" and "apply" in request.POST
            form = action.form_class(request.POST if submitted else None)
            if not submitted or not form.is_valid():
                return TemplateResponse(
                    request,
                    "admin/cases/case/action_form.html",
                    {
                        **self.admin_site.each_context(request),
                        "opts": self.opts,
                        "title": action.label,
                        "action": action,
                        "cases": cases,
                        "form": form,
                        "bulk": bulk,
                        "preview": self._preview(action, cases),
                        "action_checkbox_name": ACTION_CHECKBOX_NAME,
                        "media": self.media + form.media,
                    },
                )
        elif request.method != "POST":
            raise PermissionDenied  # state changes only through POST (CSRF-protected)

        actor = Actor.staff(request.user)
        data = form.cleaned_data if form else {}
        done = 0
        for case in cases:
            try:
                action.run(case.pk, actor, data, request)
                done += 1
            except services.CaseActionError as error:
                self.message_user(request, error.message, messages.ERROR)
        if done:
            self.message_user(
                request,
                gettext("%(action)s: done for %(count)d request(s).")
                % {"action": action.label, "count": done},
                messages.SUCCESS,
            )
        if bulk:
            return None
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[cases[0].pk]))


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    """The audit trail across all cases: read-only, for the DPO and auditors."""

    list_display = ("at", "case", "kind", "actor_display", "from_status", "to_status")
    list_filter = ("kind", "actor_type")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    show_full_result_count = False
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(case__reference__startswith=term), False
