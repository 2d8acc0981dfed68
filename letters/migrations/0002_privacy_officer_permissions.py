"""Privacy officers make, see and send letters, and keep the organisation profile."""

from django.db import migrations

GROUP = "Privacy officer"
PERMISSIONS = [
    ("letter", ["view_letter", "add_letter", "send_letter"]),
    ("organisationprofile", ["view_organisationprofile", "change_organisationprofile"]),
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so that
    # the group gets them on a fresh database too.
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("letters")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    for model, codenames in PERMISSIONS:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="letters",
                content_type__model=model,
                codename__in=codenames,
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="letters",
                codename__in=[c for _model, codenames in PERMISSIONS for c in codenames],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("letters", "0001_initial"),
        ("cases", "0002_privacy_officer_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
