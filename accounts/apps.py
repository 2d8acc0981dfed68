from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff accounts: two-factor login, lockout, roles and rights (``accounts.permissions``),
    the security log."""

    name = "accounts"
    verbose_name = _("Security")

    def ready(self):
        from . import roles, schema  # noqa: F401  (schema registers its extension, its way)

        # Roles get the permissions of apps migrated after this app's data migration.
        post_migrate.connect(roles.grant_role_permissions, dispatch_uid="accounts-roles")
