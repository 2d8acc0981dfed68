"""Who may do what: the one place where a right is decided.

A *right* is what the interfaces ask about ("may this user extend deadlines?"); each is a set
of Django permissions. The roles (``accounts.roles``) give groups those permissions; the
officers' admin, the API, the reports, the letters and the DPO's tools all ask :func:`may`,
so the same user gets the same answer everywhere. Only active staff accounts have rights:
data subjects never log in.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

WORK = "work"
EXTEND = "extend"
CLOSE = "close"

RIGHTS: dict[str, tuple[str, ...]] = {
    # Requests: see them (queue, case page, API, dashboard), register, and the three kinds of
    # officer action (casework.actions.OFFICER_ACTIONS names which one each needs).
    "view_cases": ("cases.view_case",),
    "register_cases": ("cases.view_case", "cases.add_case"),
    WORK: ("cases.view_case", "cases.work_case"),  # assign, identity, pause, resume
    EXTEND: ("cases.view_case", "cases.extend_case"),
    CLOSE: ("cases.view_case", "cases.close_case"),
    # What the subject sent (identity documents among it).
    "view_subject_files": ("cases.view_case", "cases.view_subjectfile"),
    # Letters.
    "view_letters": ("cases.view_case", "letters.view_letter"),
    "generate_letters": ("cases.view_case", "letters.view_letter", "letters.add_letter"),
    "send_letters": ("cases.view_case", "letters.view_letter", "letters.send_letter"),
    # The outbox.
    "view_emails": ("notifications.view_outboundemail",),
    "retry_emails": ("notifications.retry_outboundemail",),
    # The DPO's register and tools.
    "view_register": ("reports.view_register",),
    "export_case": ("cases.view_case", "accounts.export_case"),
    "run_retention_purge": ("accounts.run_retention_purge",),
}


def may(user, right: str) -> bool:
    """Whether ``user`` has ``right`` (a key of :data:`RIGHTS`)."""
    perms = RIGHTS[right]  # an unknown right is a programming error: KeyError
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perms(perms)
    )


def users_with(right: str):
    """The users :func:`may` grants ``right``, as a queryset (the choice of assignees): active
    staff who are superusers or hold each of the right's permissions, directly or through a
    group, as Django's ``ModelBackend`` decides ``has_perms``."""
    user_model = get_user_model()
    held = Q()
    for perm in RIGHTS[right]:
        app_label, codename = perm.split(".", 1)
        direct = user_model.user_permissions.through.objects.filter(
            **{user_model.user_permissions.field.m2m_field_name(): OuterRef("pk")},
            permission__content_type__app_label=app_label,
            permission__codename=codename,
        )
        through_group = user_model.groups.through.objects.filter(
            **{user_model.groups.field.m2m_field_name(): OuterRef("pk")},
            group__permissions__content_type__app_label=app_label,
            group__permissions__codename=codename,
        )
        held &= Q(Exists(direct)) | Q(Exists(through_group))
    return user_model.objects.filter(is_active=True, is_staff=True).filter(
        Q(is_superuser=True) | held
    )
