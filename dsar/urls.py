from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = settings.DSAR_ORGANISATION["name"] + " · AVG-verzoeken"
admin.site.site_title = "DSAR"
admin.site.index_title = "AVG-verzoeken"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
