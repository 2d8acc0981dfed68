"""Who may use the API: the same permissions as the officers' admin (cases/admin.py).

Reading needs an active staff account with ``cases.view_case`` (the "Privacy officer" group
has it; superusers have every permission). Each action needs the permission of the matching
admin action as well. A request without valid credentials gets 401; a user without the
permission gets 403, and neither gets any data.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from cases.states import TRANSITIONS


class IsOfficer(BasePermission):
    """Active staff with ``cases.view_case``."""

    required_perms: tuple[str, ...] = ("cases.view_case",)
    message = _("You do not have permission to use the requests API.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and user.has_perms(self.required_perms)
        )


class CanRegisterCases(IsOfficer):
    required_perms = ("cases.view_case", "cases.add_case")
    message = _("You do not have permission to register requests.")


class CanWorkCases(IsOfficer):
    """Assign, verify identity, pause and resume (the admin's "work" actions)."""

    required_perms = ("cases.view_case", "cases.work_case")
    message = _("You do not have permission to work on requests.")


class CanExtendCases(IsOfficer):
    required_perms = ("cases.view_case", "cases.extend_case")
    message = _("You do not have permission to extend deadlines.")


class CanCloseCases(IsOfficer):
    required_perms = ("cases.view_case", "cases.close_case")
    message = _("You do not have permission to close or withdraw requests.")


# The action endpoints: name -> (permission, state-machine action, further condition). The
# same conditions as the admin's OfficerActions, so that a case offers the same actions in
# both places.
ACTIONS = {
    "assign": (CanWorkCases, "assign", None),
    "start_identity_check": (CanWorkCases, "start_identity_check", None),
    "verify_identity": (
        CanWorkCases,
        "verify_identity",
        lambda case, today: case.identity_verified_at is None,
    ),
    "pause": (CanWorkCases, "pause", None),
    "resume": (CanWorkCases, "resume", None),
    "extend": (CanExtendCases, "extend", lambda case, today: case.can_extend(today)),
    "record_extension_notice": (
        CanExtendCases,
        "extend",
        lambda case, today: case.is_extended and not case.extension_notified_at,
    ),
    "close": (CanCloseCases, "close", None),
    "withdraw": (CanCloseCases, "withdraw", None),
}


def allowed_actions(case, request, today) -> list[str]:
    """The actions this user may take on this case now."""
    names = []
    for name, (permission, state_action, available) in ACTIONS.items():
        if case.status not in TRANSITIONS[state_action].sources:
            continue
        if available is not None and not available(case, today):
            continue
        if permission().has_permission(request, None):
            names.append(name)
    return names


class CanViewLetters(IsOfficer):
    required_perms = ("cases.view_case", "letters.view_letter")
    message = _("You do not have permission to see letters.")


class CanGenerateLetters(IsOfficer):
    required_perms = ("cases.view_case", "letters.view_letter", "letters.add_letter")
    message = _("You do not have permission to generate letters.")
