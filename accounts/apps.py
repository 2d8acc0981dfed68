from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff accounts' security and the accountability features of issue 7: two-factor
    login, lockout, roles, the security log, and the admin side of retention and export."""

    name = "accounts"
    verbose_name = _("Security")

    def ready(self):
        from cases import export

        from . import roles, schema  # noqa: F401  (schema registers its extension)

        # Roles get the permissions of apps migrated after this app's data migration.
        post_migrate.connect(roles.grant_role_permissions, dispatch_uid="accounts-roles")
        export.register_case_panel_for_export()
