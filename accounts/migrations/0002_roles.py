"""The roles "DPO" and "Auditor" (docs/security.md). "Privacy officer" comes from
cases/migrations/0002 and the other apps' migrations.

The permission lists are a snapshot as of this migration; ``accounts.roles`` keeps the
current lists and adds what later apps bring after every ``migrate``.
"""

from django.db import migrations

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
ROLES = {
    "DPO": [
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
        "axes.delete_accessattempt",
    ],
    "Auditor": list(_READ),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so that
    # the groups get them on a fresh database too.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = {tuple(p.split(".", 1)) for p in perms}
        for perm in Permission.objects.filter(
            content_type__app_label__in={app for app, _codename in wanted}
        ).select_related("content_type"):
            if (perm.content_type.app_label, perm.codename) in wanted:
                group.permissions.add(perm)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0004_public_pages"),
        ("notifications", "0002_privacy_officer_permissions"),
        ("letters", "0002_privacy_officer_permissions"),
        ("reports", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
