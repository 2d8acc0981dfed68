"""The officers' pages outside the ModelAdmins, under /admin/ (included from dsar/urls.py before
the admin's own URLs, whose catch-all would take them). All behind the admin's login."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "officers"

urlpatterns = [
    # Files data subjects sent (identity documents among them).
    path(
        "cases/subject-files/<int:pk>/",
        admin.site.admin_view(views.subject_file_download),
        name="subject_file_download",
    ),
    # Writing to the data subject (correspondence).
    path(
        "cases/<int:case_id>/messages/new/",
        admin.site.admin_view(views.message_compose),
        name="message_compose",
    ),
    # The DPO's export of one request and the retention purge.
    path(
        "security/cases/<int:case_id>/export.<str:fmt>",
        admin.site.admin_view(views.case_export),
        name="case_export",
    ),
    path("security/retention/", admin.site.admin_view(views.retention), name="retention"),
]
