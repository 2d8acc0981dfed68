"""Reset a staff member's lost second factor: ``manage.py reset_two_factor USERNAME
--reason "phone lost" [--by DPO-USERNAME]``. At the next login the user sets up a new
authenticator app. Recorded in the security log (who, when, why)."""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import two_factor


class Command(BaseCommand):
    help = "Remove a staff user's two-factor devices (lost phone); the reset is logged."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The account whose second factor is reset.")
        parser.add_argument(
            "--reason", required=True, help="Why, for the security log (e.g. 'phone lost')."
        )
        parser.add_argument(
            "--by",
            default="",
            help="Who asked for or did the reset: a staff user name, or a name for the log. "
            "Default: the operating-system user running the command.",
        )

    def handle(self, *args, username, reason, by, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not reason.strip():
            raise CommandError("Give a reason with --reason.")
        by = by.strip() or getpass.getuser()
        actor = User.objects.filter(**{User.USERNAME_FIELD: by}, is_staff=True).first()
        removed = two_factor.reset_two_factor(
            user=user, reason=reason, actor=actor, actor_label=f"{by} (manage.py)"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} two-factor device(s) of {user.get_username()}; "
                "they set up a new authenticator app at their next login."
            )
        )
