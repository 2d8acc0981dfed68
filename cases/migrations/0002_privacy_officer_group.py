"""The "Privacy officer" group: everything needed to work requests, nothing more."""

from django.db import migrations

GROUP = "Privacy officer"
PERMISSIONS = [
    ("cases", "case", ["add_case", "change_case", "view_case", "work_case", "extend_case",
                       "close_case"]),
    ("cases", "caseevent", ["view_caseevent"]),
    ("cases", "casepause", ["view_casepause"]),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so that
    # the group gets them on a fresh database too.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codenames in PERMISSIONS:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=codenames,
            )
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
