"""The DPO's tools and the officers' pages beside the case page: the export of one request,
the retention purge, the files a data subject sent and writing to the subject. Each view
checks its right (``accounts.permissions``) itself; all sit behind the admin's login and
second factor."""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.permissions import WORK, may
from cases import clock, uploads
from cases.audit import Actor
from cases.models import Case, SubjectFile
from cases.services import CaseActionError
from casework import export
from casework import retention as purge
from correspondence.models import QUESTION_PAUSE_REASONS
from correspondence.services import default_reply_by, message_send

from .forms import MessageForm

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
    except uploads.UnreadableFile:  # changed or cut short on disk: never served
        logger.error("Case %s: stored file %s fails its check", found.submission.case.reference, pk)
        raise Http404 from None


@never_cache
@require_http_methods(["GET", "POST"])
def message_compose(request, case_id: int):
    """Write to the data subject: the form, then a preview of what the subject will read on
    the status page (in their language), then sending. Needs the right to work requests."""
    _require(request, WORK)
    case = get_object_or_404(Case.objects.requests(), pk=case_id)
    case_url = reverse("admin:cases_case_change", args=[case.pk])
    if not case.is_open:
        messages.error(request, _("%(reference)s is closed.") % {"reference": case.reference})
        return HttpResponseRedirect(case_url)
    step = request.POST.get("step") if request.method == "POST" else None
    form = MessageForm(request.POST if step else None)
    if not form.is_bound:
        form = MessageForm(initial={"reply_by": default_reply_by(clock.today())})
    preview = None
    if step in ("preview", "send") and form.is_valid():
        data = form.cleaned_data
        if step == "send":
            try:
                message_send(
                    case_id=case.pk,
                    actor=Actor.staff(request.user),
                    body=data["body"],
                    kind=data["kind"],
                    reply_by=data["reply_by"],
                )
            except CaseActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Your message was sent to the data subject's status page."),
                )
                if not case.subject_email:
                    messages.warning(
                        request,
                        _(
                            "The data subject has no e-mail address, so nobody tells them "
                            "there is a message: let them know by post or phone."
                        ),
                    )
                return HttpResponseRedirect(case_url)
        else:
            preview = _preview(case, data)
    context = admin.site.each_context(request)
    context.update(
        title=_("Write to the data subject"),
        opts=Case._meta,
        case=case,
        form=form,
        preview=preview,
        subject_language=case.get_subject_language_display(),
        goes_to_subject=_goes_to_subject(case),
    )
    return TemplateResponse(request, "admin/correspondence/compose.html", context)


def _goes_to_subject(case: Case) -> str:
    """The warning above the form in the subject's language (the page repeats it in the
    officer's)."""
    with translation.override(case.subject_language):
        return _("This goes to the data subject")


def _preview(case: Case, data: dict) -> dict:
    """What the subject will read, with the labels of the status page in their language."""
    with translation.override(case.subject_language):
        reply_by = ""
        if data["reply_by"]:
            reply_by = _("Please answer by %(date)s.") % {
                "date": date_format(data["reply_by"], "l j F Y")
            }
        return {
            "language": case.subject_language,
            "org": settings.DSAR_ORGANISATION["name"],
            "question": _("Question") if data["kind"] in QUESTION_PAUSE_REASONS else "",
            "reply_by": reply_by,
            "body": data["body"],
        }
