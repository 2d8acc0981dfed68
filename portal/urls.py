from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.start, name="start"),
    path("sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("status/<str:token>/", views.status, name="status"),
    path("status/<str:token>/upload/", views.upload, name="upload"),
    path("status/<str:token>/files/<int:file_id>/", views.subject_file, name="subject_file"),
    # A sent reply letter, downloaded from the status page.
    path(
        "status/<str:token>/letters/<int:letter_id>/",
        views.status_letter,
        name="status_letter",
    ),
]
