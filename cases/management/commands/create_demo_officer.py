import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from cases.demo import OFFICER_GROUP


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo privacy officer account with a fresh random password "
        "and print how to log in. For local demos only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="officer")

    def handle(self, *args, username, **options):
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": "Demo",
                "last_name": "Privacy officer",
                "email": f"{username}@example.org",
                "is_staff": True,
            },
        )
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.is_active = True
        user.save()
        user.groups.add(Group.objects.get(name=OFFICER_GROUP))
        credentials = settings.VAR_DIR / "demo-credentials.txt"
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(f"username: {username}\npassword: {password}\n")
        credentials.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Log in at {settings.SITE_URL}/admin/ as '{username}' with password "
                f"'{password}' (also in {credentials})."
            )
        )
