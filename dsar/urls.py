from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = settings.DSAR_ORGANISATION["name"] + " · AVG-verzoeken"
admin.site.site_title = "DSAR"
admin.site.index_title = "AVG-verzoeken"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The officers' pages beside the ModelAdmins: files the subject sent, the DPO's export and
    # retention pages (before admin/, whose catch-all would take them).
    path("admin/", include("officers.urls")),
    # The second step of the staff login and the backup codes.
    path("admin/security/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    # The REST API for officers and integrations; docs/api.md.
    path("api/", include("api.urls")),
    # The data subject's pages at the site root: request form, confirmation, status page,
    # and the downloads of what was sent to them.
    path("", include("portal.urls")),
]
