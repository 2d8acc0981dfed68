"""The officers' side of the public pages: the "Send status link" action, the case-page
panel with what the subject sent, and the permission-checked download of those files.

Imported from ``CasesConfig.ready()``; importing it registers the action, the panel, the
e-mail link providers and (through ``tasks``) the purge task.
"""

import logging

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from cases.admin import CasePanel, OfficerAction, register_case_panel, register_officer_action
from cases.models import Status, SubjectFile, SubjectSubmission

from . import checks, links, services, tasks  # noqa: F401  (checks, tasks: register themselves)
from .views import file_response

logger = logging.getLogger(__name__)

VIEW_FILES_PERMISSION = "cases.view_subjectfile"

send_status_link = OfficerAction(
    "send_status_link",
    _("Send status link"),
    "work",
    None,
    lambda case_id, actor, data, request: services.case_send_status_link(
        case_id=case_id, actor=actor
    ),
    available=lambda case, request: bool(case.subject_email),
)


def subject_uploads_context(request, case) -> dict:
    may_view = request.user.has_perm(VIEW_FILES_PERMISSION)
    submissions = list(
        SubjectSubmission.objects.filter(case=case).prefetch_related("files").order_by("-id")
    )
    return {
        "submissions": submissions,
        "may_view_files": may_view,
    }


@admin.site.admin_view
def subject_file_download(request, pk: int):
    """An officer downloads a file the subject sent (identity documents, say). Needs
    ``cases.view_subjectfile``, which the Privacy officer group has."""
    if not request.user.has_perm(VIEW_FILES_PERMISSION):
        raise PermissionDenied
    found = (
        SubjectFile.objects.select_related("submission__case")
        .filter(pk=pk)
        .exclude(submission__case__status=Status.UNCONFIRMED)
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
        return file_response(found)
    except FileNotFoundError:
        logger.error("Case %s: stored file %s is missing", found.submission.case.reference, pk)
        raise Http404 from None


register_officer_action(send_status_link)
register_case_panel(CasePanel("admin/cases/case/_subject_uploads.html", subject_uploads_context))
links.register()
