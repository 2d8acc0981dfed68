"""The register of requests as an admin "model": a proxy of ``cases.Case`` with no table of its
own. It exists to carry the ``reports.view_register`` permission and to give the register its
admin page, without touching the cases app's models or migrations."""

from django.utils.translation import gettext_lazy as _

from cases.models import Case


class RegisterEntry(Case):
    class Meta:
        proxy = True
        verbose_name = _("register entry")
        verbose_name_plural = _("register of requests")
        # Only the one permission that means something here: seeing and exporting the register.
        default_permissions = ()
        permissions = [("view_register", _("Can view and export the register of requests"))]
