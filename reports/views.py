"""The DPO's dashboard (on the admin index) and the register's CSV and XLSX exports.

The dashboard is shown to staff with ``cases.view_case``; the register and its exports need
``reports.view_register`` (docs/reports.md). Nothing here writes a case.
"""

import csv
import datetime
import io
import logging
import tempfile
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.permissions import may
from cases import clock, deadlines
from cases.models import OPEN_STATUSES, Channel, Outcome, RequestType, Status
from cases.text import spreadsheet_cell

from . import charts, selectors

logger = logging.getLogger(__name__)


def can_see_dashboard(user) -> bool:
    return may(user, "view_cases")


def can_see_register(user) -> bool:
    return may(user, "view_register")


# --- The dashboard -------------------------------------------------------------------------


def _case_list(**params) -> str:
    return reverse("admin:cases_case_changelist") + "?" + urlencode(params)


def monthly_figures_key(months: list[datetime.date]) -> str:
    return f"dsar-dashboard-monthly:{months[0].isoformat()}:{months[-1].isoformat()}"


def monthly_figures(months: list[datetime.date]) -> tuple[dict, list, datetime.datetime | None]:
    """Requests received and answered per month, and when they were counted (``None``: just
    now). These two aggregates over twelve months are the dashboard's costly part (about
    0.2 and 0.4 s at a million cases) and change only when a request is registered or
    answered, so they are kept ``DSAR_DASHBOARD_CACHE_SECONDS`` in the shared cache; the
    tiles of open work are always counted afresh."""
    seconds = settings.DSAR_DASHBOARD_CACHE_SECONDS

    def count():
        return (
            selectors.received_by_month(months=months),
            selectors.answered_by_month(months=months),
        )

    if seconds <= 0:
        return (*count(), None)
    key = monthly_figures_key(months)
    try:
        cached = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache that is down must not take the dashboard along
        logger.warning("Dashboard figures counted afresh: the cache is unavailable")
        return (*count(), None)
    if cached is None:
        cached = (*count(), timezone.now())
        try:
            cache.set(key, cached, seconds)
        except Exception:  # noqa: BLE001
            logger.warning("Dashboard figures not kept: the cache is unavailable")
    return cached


def dashboard_context(request) -> dict:
    """Everything the dashboard shows: three aggregate queries, whatever the number of cases
    (one when the monthly figures come from the cache)."""
    day = clock.today()
    months = selectors.last_months(day)
    work = selectors.workload(today=day, user=request.user)
    received, answers, counted_at = monthly_figures(months)
    comparison = selectors.compare_periods(answers)
    recent_answered, recent_on_time, recent_share = comparison.recent_figures
    before_answered, _before_on_time, before_share = comparison.before_figures
    change = comparison.change
    if change is None:
        trend = ""
    elif round(change) > 0:
        trend = "better"
    elif round(change) < 0:
        trend = "worse"
    else:
        trend = "same"
    statuses = {s.value: s.label for s in Status}
    return {
        "today": day,
        "tiles": [
            _tile(
                "overdue",
                _("Overdue"),
                _("open requests past their due date"),
                work.overdue,
                _case_list(due="overdue"),
                alert=work.overdue > 0,
            ),
            _tile(
                "7days",
                ngettext("Due within %(days)d day", "Due within %(days)d days", deadlines.NEXT_DAYS)
                % {"days": deadlines.NEXT_DAYS},
                _("due from today up to and including %(date)s")
                % {"date": date_format(deadlines.last_of_next_days(day), "l j F")},
                work.due_next_days,
                _case_list(due="7days"),
            ),
            _tile(
                "mine",
                _("My requests"),
                _("open and assigned to you"),
                work.mine,
                _case_list(assignee="me"),
            ),
            _tile(
                "open",
                _("Open"),
                _("all open requests"),
                work.open_total,
                _case_list(status="open"),
            ),
        ],  # fmt: skip
        "by_status": [
            {
                "status": s.value,
                "label": statuses[s.value],
                "count": work.open_by_status[s.value],
                "count_display": charts.count_label(work.open_by_status[s.value]),
                "url": _case_list(status=s.value),
            }
            for s in OPEN_STATUSES
        ],
        "on_time": {
            "recent_months": _period_label(comparison.recent),
            "recent_answered": recent_answered,
            "recent_on_time": recent_on_time,
            "recent_late": recent_answered - recent_on_time,
            "recent_share": charts.percent(recent_share),
            "before_months": _period_label(comparison.before),
            "before_answered": before_answered,
            "before_share": charts.percent(before_share),
            "change": abs(round(change)) if change is not None else None,
            "trend": trend,
            "late_12_months": sum(a.late for a in answers),
        },
        "charts": [
            charts.on_time_per_month(answers),
            charts.open_by_age(work.by_age),
            charts.handling_time_per_month(answers),
            charts.received_per_month(months, received),
        ],
        "monthly_counted_at": counted_at and timezone.localtime(counted_at),
        "monthly_refresh_minutes": max(1, round(settings.DSAR_DASHBOARD_CACHE_SECONDS / 60)),
        "can_see_register": can_see_register(request.user),
        "register_url": reverse("admin:reports_registerentry_changelist"),
    }


def _tile(key, label, help_text, count, url, *, alert=False) -> dict:
    """One of the dashboard's numbers: a link to the case list filtered to exactly those."""
    return {
        "key": key,
        "label": label,
        "help": help_text,
        "count": count,
        "count_display": charts.count_label(count),
        "url": url,
        "alert": alert,
    }


def _period_label(answers) -> str:
    if not answers:
        return ""
    first, last = answers[0].month, answers[-1].month
    if first.year == last.year:
        return f"{date_format(first, 'M')}–{date_format(last, 'M Y')}"
    return f"{date_format(first, 'M Y')}–{date_format(last, 'M Y')}"


# --- The register's exports ----------------------------------------------------------------

EXPORT_FIELDS = (
    "reference",
    "request_type",
    "channel",
    "status",
    "received_on",
    "due_date",
    "extended_due_date",
    "closed_on",
    "outcome",
    "on_time",
    "days_taken",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
)


def export_headers() -> list[str]:
    return [
        _("Reference"),
        _("Type"),
        _("Channel"),
        _("Status"),
        _("Received"),
        _("Due"),
        _("Extended to"),
        _("Closed on"),
        _("Outcome"),
        _("On time"),
        _("Days taken"),
        _("Handled by"),
    ]


def _labels() -> dict:
    """Choice labels in the current language, resolved once before streaming begins."""
    return {
        "type": {c.value: str(c.label) for c in RequestType},
        "channel": {c.value: str(c.label) for c in Channel},
        "status": {c.value: str(c.label) for c in Status},
        "outcome": {c.value: str(c.label) for c in Outcome},
        "yes": _("yes"),
        "no": _("no"),
    }


def export_rows(queryset, labels: dict):
    """The register's rows as Python values (dates stay dates, empty cells are None), read
    from the database in chunks."""
    for row in queryset.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000):
        (reference, request_type, channel, status, received, due, extended, closed, outcome,
         on_time, days, first_name, last_name, username) = row  # fmt: skip
        yield [
            reference,
            labels["type"].get(request_type, request_type),
            labels["channel"].get(channel, channel),
            labels["status"].get(status, status),
            received,
            due,
            extended,
            _as_date(closed),
            labels["outcome"].get(outcome, outcome),
            None if on_time is None else labels["yes"] if on_time else labels["no"],
            days,
            f"{first_name or ''} {last_name or ''}".strip() or username or None,
        ]


def _as_date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _filtered_register(request, model_admin):
    """The register as the list shows it with the same filters and order, on every page."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    request.GET = request.GET.copy()
    request.GET.pop("p", None)  # every row, not one page
    changelist = model_admin.get_changelist_instance(request)
    return changelist.queryset


def _filename(extension: str) -> str:
    name = _("register-of-requests")  # a file name: ASCII, no spaces
    return f"{name}-{clock.today().isoformat()}.{extension}"


def _log_export(request, kind: str) -> None:
    # The user's id and the names of the filters used, not their values: a search term could
    # be anything a user typed, even a name.
    logger.info(
        "register exported as %s by user %s, filtered by %s",
        kind,
        request.user.pk,
        ", ".join(sorted(request.GET)) or "nothing",
    )


CSV_BATCH = 1000


def export_csv(request, model_admin):
    """The register as CSV for Dutch spreadsheet programs: UTF-8 with a byte order mark (so that
    Excel reads ë and ij correctly) and ``;`` between fields (Excel's list separator when the
    decimal separator is a comma). Streamed: rows are read and sent in batches."""
    try:
        queryset = _filtered_register(request, model_admin)
    except IncorrectLookupParameters:
        return HttpResponseRedirect(reverse("admin:reports_registerentry_changelist") + "?e=1")
    language = translation.get_language()
    headers = export_headers()
    labels = _labels()

    def lines():
        with translation.override(language):
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
            buffer.write("\ufeff")
            writer.writerow([spreadsheet_cell(v) for v in headers])
            for count, row in enumerate(export_rows(queryset, labels), start=1):
                writer.writerow(["" if v is None else spreadsheet_cell(v) for v in row])
                if count % CSV_BATCH == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

    _log_export(request, "CSV")
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


XLSX_WIDTHS = (18, 26, 14, 26, 12, 12, 12, 12, 22, 9, 10, 24)


def export_xlsx(request, model_admin):
    """The register as an Excel workbook: one sheet, dates as real dates, the header row
    frozen. Written with openpyxl in write-only mode, which keeps memory flat."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    try:
        queryset = _filtered_register(request, model_admin)
    except IncorrectLookupParameters:
        return HttpResponseRedirect(reverse("admin:reports_registerentry_changelist") + "?e=1")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Register")[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for text in export_headers():
        cell = WriteOnlyCell(sheet, value=spreadsheet_cell(text))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in export_rows(queryset, _labels()):
        # Dates get openpyxl's yyyy-mm-dd date format; text that looks like a formula is
        # written as text (openpyxl would store "=..." as a live formula).
        sheet.append([spreadsheet_cell(v) for v in row])
    output = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    _log_export(request, "XLSX")
    return FileResponse(
        output,
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
