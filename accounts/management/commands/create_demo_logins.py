import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from accounts.roles import DPO, PRIVACY_OFFICER

# (username, first name, last name, role): who `make run` lets you log in as.
DEMO_LOGINS = [
    ("officer", "Demo", "Privacy officer", PRIVACY_OFFICER),
    ("dpo", "Demo", "DPO", DPO),
]


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo logins, a privacy officer and a DPO, each with a fresh "
        "random password, and print how to log in. For local demos only."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        lines = []
        for username, first, last, role in DEMO_LOGINS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                    "is_staff": True,
                },
            )
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.is_staff = True
            user.is_active = True
            user.save()
            user.groups.add(Group.objects.get(name=role))
            lines.append((role, username, password))
        credentials = settings.VAR_DIR / "demo-credentials.txt"
        credentials.parent.mkdir(parents=True, exist_ok=True)
        credentials.write_text(
            "".join(
                f"{role}: username {username}, password {password}\n"
                for role, username, password in lines
            )
        )
        credentials.chmod(0o600)
        self.stdout.write(f"Log in at {settings.SITE_URL}/admin/ (also in {credentials}):")
        for role, username, password in lines:
            self.stdout.write(
                self.style.SUCCESS(f"  {role}: username '{username}', password '{password}'")
            )
