"""The DPO's tools and the officers' file downloads in the admin: the export of one request,
the retention purge, and the files a data subject sent. Each view checks its right
(``accounts.permissions``) itself; all sit behind the admin's login and second factor."""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.permissions import may
from cases import uploads
from cases.models import Case, SubjectFile
from casework import export
from casework import retention as purge

logger = logging.getLogger(__name__)


def _require(request, right: str) -> None:
    if not may(request.user, right):
        raise PermissionDenied


@never_cache
@require_http_methods(["GET"])
def case_export(request, case_id: int, fmt: str):
    """Everything about one request as a download (JSON or PDF); logged."""
    _require(request, "export_case")
    if fmt not in ("json", "pdf"):
        raise Http404
    case = get_object_or_404(Case.objects.requests(), pk=case_id)
    if fmt == "json":
        content, content_type = export.export_json(case), "application/json"
    else:
        content, content_type = export.export_pdf(case), "application/pdf"
    export.record_export(case=case, fmt=fmt, user=request.user, reason=_("Export in the admin"))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename(case, fmt)}"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def retention(request):
    """What the retention purge would do now, and a button to do it."""
    _require(request, "run_retention_purge")
    if request.method == "POST":
        report = purge.purge_expired(user=request.user, reason=_("Started in the admin"))
        messages.success(
            request,
            _(
                "Retention purge done: %(unconfirmed)d unconfirmed request(s) deleted, "
                "%(documents)d identity document(s) deleted, %(anonymised)d closed "
                "request(s) anonymised."
            )
            % {
                "unconfirmed": report.unconfirmed_deleted,
                "documents": report.identity_documents_deleted,
                "anonymised": len(report.anonymised),
            },
        )
        return HttpResponseRedirect(reverse("officers:retention"))
    report = purge.purge_expired(dry_run=True)
    context = admin.site.each_context(request)
    context.update(
        title=_("Retention of personal data"),
        report=report,
        unconfirmed_days=settings.DSAR_UNCONFIRMED_RETENTION_DAYS,
        document_days=settings.DSAR_IDENTITY_DOCUMENT_RETENTION_DAYS,
        case_days=settings.DSAR_CASE_RETENTION_DAYS,
    )
    return TemplateResponse(request, "admin/accounts/retention.html", context)


@never_cache
@require_http_methods(["GET", "HEAD"])
def subject_file_download(request, pk: int):
    """An officer downloads a file the subject sent (identity documents, say). Needs
    ``cases.view_subjectfile``, which the Privacy officer group has."""
    _require(request, "view_subject_files")
    found = (
        SubjectFile.objects.select_related("submission__case")
        .filter(pk=pk, submission__case__in=Case.objects.requests())
        .first()
    )
    if found is None:
        raise Http404
    logger.info(
        "Case %s: %s downloaded the subject's file %s",
        found.submission.case.reference,
        request.user.get_username(),
        found.pk,
    )
    try:
        return uploads.file_response(found)
    except FileNotFoundError:
        logger.error("Case %s: stored file %s is missing", found.submission.case.reference, pk)
        raise Http404 from None
