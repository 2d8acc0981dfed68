"""Issue an API token for a staff user from the command line (for scripted installs; the
admin's "API tokens" page does the same): ``manage.py issue_api_token USERNAME [--by NAME]``.
Prints the token once, alone on standard output; only its digest is stored. Recorded in the
security log. ``--revoke-all`` revokes the user's tokens instead (rotation: revoke, then issue)."""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from accounts.api_tokens import api_token_issue, api_token_revoke


class Command(BaseCommand):
    help = "Issue an API token for a staff user (printed once), or revoke all of theirs."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff account the token acts as.")
        parser.add_argument(
            "--revoke-all", action="store_true", help="Revoke every token of the user instead."
        )
        parser.add_argument(
            "--by",
            default="",
            help="Who issued it, for the security log. Default: the operating-system user.",
        )

    def handle(self, *args, username, revoke_all, by, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        label = f"{by.strip() or getpass.getuser()} (manage.py)"
        if revoke_all:
            revoked = api_token_revoke(
                tokens=AuthToken.objects.filter(user=user).select_related("user"),
                actor_label=label,
            )
            self.stderr.write(f"Revoked {revoked} token(s) of {user.get_username()}.")
            return
        if not (user.is_active and user.is_staff):
            raise CommandError(f"{username!r} is not an active staff account.")
        row, token = api_token_issue(user=user, actor_label=label)
        self.stderr.write(
            f"Token for {user.get_username()}, valid until {row.expiry:%Y-%m-%d %H:%M %Z}. "
            "It is shown only now:"
        )
        self.stdout.write(token)
