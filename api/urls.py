"""The API under /api/ (included from dsar/urls.py). Documented in docs/api.md; the schema
is at /api/schema/ and the Swagger UI at /api/docs/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"

urlpatterns = [
    path("", views.ApiRootApi.as_view(), name="root"),
    path("cases/", views.CaseListApi.as_view(), name="case-list"),
    path("cases/create/", views.CaseCreateApi.as_view(), name="case-create"),
    path("cases/<int:case_id>/", views.CaseDetailApi.as_view(), name="case-detail"),
    # One endpoint per officer action the API offers (casework.actions.OFFICER_ACTIONS).
    *(
        path(
            f"cases/<int:case_id>/{views.ACTION_DOCS[name]['path']}/",
            view.as_view(),
            name=f"case-{views.ACTION_DOCS[name]['path']}",
        )
        for name, view in views.ACTION_VIEWS.items()
    ),
    path("cases/<int:case_id>/messages/", views.CaseMessageListApi.as_view(), name="message-list"),
    path(
        "cases/<int:case_id>/messages/send/",
        views.CaseMessageSendApi.as_view(),
        name="message-send",
    ),
    path("cases/<int:case_id>/letters/", views.CaseLetterListApi.as_view(), name="letter-list"),
    path(
        "cases/<int:case_id>/letters/generate/",
        views.CaseLetterGenerateApi.as_view(),
        name="letter-generate",
    ),
    path(
        "letters/<int:letter_id>/download/",
        views.LetterDownloadApi.as_view(),
        name="letter-download",
    ),
    path("letter-types/", views.LetterTypeListApi.as_view(), name="letter-type-list"),
    path("public/requests/", views.PublicRequestSubmitApi.as_view(), name="public-request"),
    path("assignees/", views.AssigneeListApi.as_view(), name="assignee-list"),
    path("statistics/", views.StatisticsApi.as_view(), name="statistics"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script from ?script: no inline script (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Everything else, control characters included ("." alone stops at a line feed, and
    # Django's HTML 404 would answer): the API's JSON 404.
    re_path(r"^[\s\S]*\Z", views.ApiNotFound.as_view(), name="not-found"),
]
