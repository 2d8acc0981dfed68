from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from cases.public.admin import subject_file_download
from letters.views import status_letter

admin.site.site_header = settings.DSAR_ORGANISATION["name"] + " · AVG-verzoeken"
admin.site.site_title = "DSAR"
admin.site.index_title = "AVG-verzoeken"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # Files data subjects sent, for officers (before admin/, whose catch-all would take it).
    path(
        "admin/cases/subject-files/<int:pk>/",
        subject_file_download,
        name="subject_file_download",
    ),
    # The second step of the staff login, the DPO's export and retention pages (issue 7).
    path("admin/security/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # The REST API for officers and integrations (issue 6); docs/api.md.
    path("api/", include("cases.api.urls")),
    # A sent reply letter, downloaded from the subject's status page (issue 5).
    path(
        "status/<str:token>/letters/<int:letter_id>/",
        status_letter,
        name="letters_status_letter",
    ),
    # The data subject's pages at the site root: request form, confirmation, status page.
    path("", include("cases.public.urls")),
]
