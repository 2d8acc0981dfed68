"""Who may use the API: DRF permission classes over the rights of ``accounts.permissions``, the
same ones the officers' admin asks, so that a user may do the same things in both places.

A request without valid credentials gets 401; a user without the right gets 403, and neither
gets any data. The action endpoints take the right of their action in the table of officer
actions (``casework.actions.OFFICER_ACTIONS``).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.permissions import may


class HasRight(BasePermission):
    """Grants what ``accounts.permissions.may(user, right)`` grants."""

    right = "view_cases"
    message = _("You do not have permission to use the requests API.")

    def has_permission(self, request, view) -> bool:
        return may(request.user, self.right)


def requires(right: str, message) -> type[HasRight]:
    """A permission class for ``right``, with the message a refused user reads."""
    return type(f"Requires_{right}", (HasRight,), {"right": right, "message": message})


IsOfficer = HasRight
CanRegisterCases = requires("register_cases", _("You do not have permission to register requests."))
CanViewLetters = requires("view_letters", _("You do not have permission to see letters."))
CanGenerateLetters = requires(
    "generate_letters", _("You do not have permission to generate letters.")
)
# What an officer action's endpoint answers a user without its right.
ACTION_MESSAGES = {
    "work": _("You do not have permission to work on requests."),
    "extend": _("You do not have permission to extend deadlines."),
    "close": _("You do not have permission to close or withdraw requests."),
}
