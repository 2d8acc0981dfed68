"""The roles: groups of permissions, created by the migration ``accounts/0002_roles`` and kept
complete by :func:`grant_role_permissions` after every ``migrate``.

============== =============================================================================
Privacy officer works requests (created by cases/migrations/0002; other apps add theirs)
DPO             everything on requests, letters and the outbox; the register and dashboard;
                exports; the retention purge; unlocking accounts; users and groups read-only
Auditor         reads everything, the audit trail and the security log included; changes
                nothing, runs no action; no identity documents
============== =============================================================================

Permissions are named by ``app_label.codename``. A permission whose app is not installed or
not migrated yet is skipped; the post-migrate handler adds it once it exists. The handler only
adds: permissions an administrator removed by hand from a group come back at the next
``migrate``, and permissions added by hand stay.
"""

from django.apps import apps as global_apps

PRIVACY_OFFICER = "Privacy officer"
DPO = "DPO"
AUDITOR = "Auditor"

# What the auditor and the DPO may read.
_READ = [
    "cases.view_case",
    "cases.view_caseevent",
    "cases.view_casepause",
    "notifications.view_outboundemail",
    "letters.view_letter",
    "letters.view_organisationprofile",
    "reports.view_register",
    "accounts.view_securityevent",
    "axes.view_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
    "auth.view_user",
    "auth.view_group",
]

# In the order the migrations create the groups (cases/0002, then accounts/0002), so that a
# test database flushed and filled again by the post-migrate handler gets the same ids.
ROLES: dict[str, list[str]] = {
    # Works requests. Its permissions come from the migrations of cases, notifications and
    # letters; listed here too so that the group is complete after any migrate or flush.
    PRIVACY_OFFICER: [
        "cases.add_case",
        "cases.change_case",
        "cases.view_case",
        "cases.work_case",
        "cases.extend_case",
        "cases.close_case",
        "cases.view_caseevent",
        "cases.view_casepause",
        "cases.view_subjectsubmission",
        "cases.view_subjectfile",
        "notifications.view_outboundemail",
        "notifications.retry_outboundemail",
        "letters.view_letter",
        "letters.add_letter",
        "letters.send_letter",
        "letters.view_organisationprofile",
        "letters.change_organisationprofile",
    ],
    DPO: [
        *_READ,
        "cases.add_case",
        "cases.change_case",
        "cases.work_case",
        "cases.extend_case",
        "cases.close_case",
        "cases.view_subjectsubmission",
        "cases.view_subjectfile",
        "notifications.retry_outboundemail",
        "letters.add_letter",
        "letters.send_letter",
        "letters.change_organisationprofile",
        "accounts.export_case",
        "accounts.run_retention_purge",
        # Unlocking an account blocked after failed logins = deleting its failed attempts.
        "axes.delete_accessattempt",
    ],
    AUDITOR: list(_READ),
}


def grant(Group, Permission, roles: dict[str, list[str]]) -> None:
    """Create the groups and add the permissions that exist (idempotent)."""
    for name, perms in roles.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = {tuple(p.split(".", 1)) for p in perms}
        labels = {app_label for app_label, _codename in wanted}
        found = [
            perm
            for perm in Permission.objects.filter(content_type__app_label__in=labels).values_list(
                "pk", "content_type__app_label", "codename"
            )
            if (perm[1], perm[2]) in wanted
        ]
        group.permissions.add(*[pk for pk, _app, _codename in found])


def grant_role_permissions(
    sender, *, apps=global_apps, using="default", plan=None, **kwargs
) -> None:
    """post_migrate (sent for this app, after every app's tables exist): make sure every
    app's permissions exist, then give the roles theirs.

    Only after ``migrate`` (which passes its ``plan``, a list even when there was nothing to
    migrate), not after ``flush``: a flushed test database is refilled from its serialized
    copy (``serialized_rollback``), whose groups must not exist already."""
    if plan is None:
        return
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    try:
        Group = apps.get_model("auth", "Group")
        Permission = apps.get_model("auth", "Permission")
    except LookupError:
        return  # auth not migrated (a partial migrate)
    grant(Group, Permission, ROLES)
