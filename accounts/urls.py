"""Under /admin/security/ (included from dsar/urls.py before the admin's own URLs): the second
step of the staff login and the backup codes."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # Reachable after the password, before the code (RequireStaffTwoFactorMiddleware).
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    # Behind both factors, like the rest of the admin.
    path(
        "two-factor/backup-codes/",
        admin.site.admin_view(views.backup_codes),
        name="backup_codes",
    ),
]
