"""The officers' main screen: the request queue, the case page and its actions.

Declarative ``ModelAdmin``s. The actions come from the one table of officer actions
(``casework.actions.OFFICER_ACTIONS``): each becomes an ``@admin.action`` with the right it
needs, and a button on the case page when it applies to the case; every one calls its function
there, which changes the case through ``cases.services`` and plans what follows.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from cases import clock, deadlines, services
from cases.admin_mixins import ReadOnlyAdmin, ReceivedRangeFilter
from cases.audit import Actor
from cases.models import Case, CaseEvent, Status
from cases.services import CaseActionError
from casework import actions
from casework.actions import OFFICER_ACTIONS, OfficerAction
from casework.timeline import entries as timeline_entries
from casework.timeline import sentence as timeline_sentence
from correspondence import selectors as correspondence
from letters import services as letter_services
from letters.forms import SUBJECT_LANGUAGE, BatchLetterForm

from .forms import ACTION_FORMS, CaseAdminForm
from .panels import CASE_PANELS, what_now

ALL = "all"
OPEN = "open"


# --- Filters ------------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    """Open requests by default: the queue an officer works from. A search looks through all
    requests unless a status is chosen: a reference typed in should find its case, closed or
    not."""

    title = _("status")
    parameter_name = "status"

    def __init__(self, request, params, model, model_admin):
        self.searching = bool(request.GET.get(SEARCH_VAR, "").strip())
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [
            (OPEN, _("Open")),
            *[(s.value, s.label) for s in Status if s != Status.UNCONFIRMED],
            (ALL, _("All")),
        ]

    def value(self):
        return super().value() or (ALL if self.searching else OPEN)

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
            return queryset.open()
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
        days = settings.DSAR_DUE_SOON_WORKING_DAYS
        return [
            ("overdue", _("Overdue")),
            ("today", _("Due today")),
            (
                "7days",  # the dashboard's tile of that name links here
                ngettext("Due within %(days)d day", "Due within %(days)d days", deadlines.NEXT_DAYS)
                % {"days": deadlines.NEXT_DAYS},
            ),
            (
                # What the orange "soon" badge marks (Case.urgency), from the same setting.
                "soon",
                ngettext(
                    "Due within %(days)d working day", "Due within %(days)d working days", days
                )
                % {"days": days},
            ),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        today = clock.today()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "today":
            return queryset.due_between(today, today)
        if value == "7days":
            return queryset.due_between(today, deadlines.last_of_next_days(today))
        if value == "soon":
            return queryset.due_within(settings.DSAR_DUE_SOON_WORKING_DAYS, today)
        return queryset


class WaitingForUsFilter(admin.SimpleListFilter):
    """Open requests on which the data subject had the last word (correspondence)."""

    title = _("messages")
    parameter_name = "reply"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting for us"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return correspondence.waiting_for_us(queryset)
        return queryset


# --- Actions --------------------------------------------------------------------------------


def _admin_action(action: OfficerAction):
    """An officer action as an admin list action, with the right it needs."""

    def run(modeladmin, request, queryset):
        return modeladmin.run_officer_action(request, action, list(queryset), bulk=True)

    run.__name__ = action.name
    return admin.action(description=action.label, permissions=[action.right])(run)


def enqueue_letter(*, case_id: int, actor: Actor, letter_type: str, language: str) -> None:
    """The list's "generate a letter" action: one background render per selected request.
    What would fail in the worker is said now, per request."""
    case = Case.objects.get(pk=case_id)
    language = case.subject_language if language == SUBJECT_LANGUAGE else language
    try:
        letter_services.letter_prepare(
            case=case, letter_type=letter_type, language=language, fields={}
        )
    except letter_services.LetterError as exc:
        raise CaseActionError(f"{case.reference}: {exc.message}", code=exc.code) from exc
    # A row first, the Celery message after commit: the sweep re-finds a lost one.
    letter_services.letter_request_generation(
        case_id=case_id, letter_type=letter_type, language=language, actor=actor
    )


# A list action only: on the case page the letters panel does this, with a preview.
LETTERS_BATCH = OfficerAction(
    "letters_batch",
    _("Generate a letter in the background…"),
    "generate_letters",
    enqueue_letter,
    inputs=("letter_type", "language"),
    condition=lambda case, today, user: False,
    in_api=False,
)
FORMS = {**ACTION_FORMS, LETTERS_BATCH.name: BatchLetterForm}


# --- The case admin -----------------------------------------------------------------------


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    form = CaseAdminForm
    list_display = (
        "summary",  # reference, type and date of receipt
        "subject_name",
        "status",
        "due_badge",
        "assignee",
        "reply_marker",
    )
    list_display_links = ("summary", "subject_name")
    list_filter = (
        StatusFilter,
        "request_type",
        "channel",
        AssigneeFilter,
        DueFilter,
        ("received_on", ReceivedRangeFilter),
        WaitingForUsFilter,
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
            {
                "fields": (
                    "request_type",
                    "channel",
                    "received_at",
                    "description",
                    "objection_direct_marketing",
                )
            },
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

    actions = [*(_admin_action(a) for a in OFFICER_ACTIONS.values()), _admin_action(LETTERS_BATCH)]

    class Media:
        css = {"all": ("cases/admin.css",)}

    # Queue ------------------------------------------------------------------------------

    def get_queryset(self, request):
        return correspondence.with_reply_waiting(super().get_queryset(request).requests())

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    @admin.display(description=_("messages"))
    def reply_marker(self, case):
        if not correspondence.is_reply_waiting(case):
            return ""
        marker = _("reply received")
        return format_html('<span class="dsar-badge dsar-badge-soon">{}</span>', marker)

    @admin.display(description=_("request"), ordering="received_at")
    def summary(self, case):
        """The reference, with the type and the date of receipt under it: three columns in
        one, so that the queue fits a laptop screen (static/cases/queue.css)."""
        return format_html(
            '{}<span class="dsar-queue-detail">{}</span><span class="dsar-queue-detail">{}</span>',
            case.reference,
            case.get_request_type_display(),
            gettext("received %(date)s") % {"date": date_format(case.received_on, "j M Y")},
        )

    @admin.display(description=_("due"), ordering="effective_due_date")
    def due_badge(self, case):
        day = date_format(case.effective_due_date, "j M Y")
        if not case.is_open:
            return day
        now = clock.today()
        urgency = case.urgency(now)
        return format_html(
            '{} <span class="dsar-badge dsar-badge-{}">{}</span>',
            day,
            urgency,
            deadlines.describe_days_left(case.effective_due_date, now),
        )

    # Permissions --------------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        # An anonymised request is kept for the statistics only; nothing is typed back in.
        if obj is not None and obj.anonymised_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Requests are never deleted by hand; the retention purge anonymises them.
        return False

    # The rights the actions name (``admin.action(permissions=[...])``), decided in one place.

    def has_work_permission(self, request):
        return permissions.may(request.user, permissions.WORK)

    def has_extend_permission(self, request):
        return permissions.may(request.user, permissions.EXTEND)

    def has_close_permission(self, request):
        return permissions.may(request.user, permissions.CLOSE)

    def has_generate_letters_permission(self, request):
        return permissions.may(request.user, "generate_letters")

    # Saving goes through the services ------------------------------------------------------

    def save_model(self, request, obj, form, change):
        actor = Actor.staff(request.user)
        if change:
            changes = {f: form.cleaned_data[f] for f in form.changed_data}
            services.case_update(case_id=obj.pk, actor=actor, changes=changes)
            return
        fields = {f: form.cleaned_data[f] for f in services.CREATE_FIELDS}
        case = actions.register(actor=actor, received_at=form.cleaned_data["received_at"], **fields)
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

    def offered_actions(self, request, case) -> list[dict]:
        """The buttons on the case page: the actions this user may take on it now."""
        return [
            {"name": action.name, "label": action.label, "needs_form": action.name in FORMS}
            for action in actions.available_actions(case, user=request.user, today=clock.today())
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if case is not None:
            now = clock.today()
            offered = self.offered_actions(request, case)
            extra_context.update(
                case=case,
                today=now,
                days_left_text=deadlines.describe_days_left(case.effective_due_date, now),
                working_days_left=deadlines.working_days_left(case.effective_due_date, now),
                urgency=case.urgency(now),
                pauses=list(case.pauses.all()),
                timeline=timeline_entries(case.events.all()),
                officer_actions=offered,
                next_steps=what_now(request, case, offered),
                case_panels=[
                    {"template": p.template, **p.context(request, case)} for p in CASE_PANELS
                ],
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def action_view(self, request, case_id, action_name):
        case = get_object_or_404(self.get_queryset(request), pk=case_id)
        action = OFFICER_ACTIONS.get(action_name)
        if action is None:  # the batch letter action is a list action only
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
        if not action.allowed(request.user):
            raise PermissionDenied
        form = None
        form_class = FORMS.get(action.name)
        if form_class is not None:
            submitted = request.method == "POST" and "apply" in request.POST
            form = form_class(request.POST if submitted else None)
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
                action.run(case_id=case.pk, actor=actor, **{k: data[k] for k in action.inputs})
                done += 1
            except CaseActionError as error:
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
class CaseEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The audit trail across all cases: read-only, for the DPO and auditors."""

    list_display = ("at", "case", "kind", "what_happened", "actor_display")
    list_filter = ("kind", "actor_type")
    list_select_related = ("case",)
    search_fields = ("case__reference",)
    show_full_result_count = False
    date_hierarchy = "at"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        return queryset.filter(case__reference__startswith=term), False

    @admin.display(description=_("what happened"))
    def what_happened(self, event):
        # No lookups per row: events older than issue 19 that name a letter only by its id
        # say "a letter" here; the case page names it.
        return timeline_sentence(event, letters={})
