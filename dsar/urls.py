from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.cache import patch_cache_control

admin.site.site_header = settings.DSAR_ORGANISATION["name"] + " · AVG-verzoeken"
admin.site.site_title = "DSAR"
admin.site.index_title = "AVG-verzoeken"


def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links to (a PDF, an error page); the icon
    is a static file (static/favicon.ico), linked from every page as well. Its URL is looked
    up per request: the hashed name exists only once collectstatic has run."""
    response = HttpResponseRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


urlpatterns = [
    path("favicon.ico", favicon),
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
