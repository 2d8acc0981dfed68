"""Two-factor login for staff (django-otp): a TOTP app on the phone, plus single-use backup
codes for when the phone is lost.

The flow (docs/security.md): the ordinary admin login checks the password; then
``RequireStaffTwoFactorMiddleware`` sends a staff user to enrolment (no confirmed device yet)
or to the verify page, until a code from the app or a backup code marks the session as
verified (``django_otp.login``), and the session gets a new key.

Backup codes are stored as keyed digests (:func:`backup_code_digest`), not as the codes: a copy
of the database alone does not log anyone in. The app keys (TOTP secrets) are stored as
django-otp keeps them; docs/security.md says why.
"""

import logging
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .log import record_security_event
from .models import SecurityEventKind

logger = logging.getLogger(__name__)

TOTP_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10


def needs_two_factor(user) -> bool:
    """Every active staff account must use a second factor."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed app device being set up, created on first use; the same secret is
    shown until the user confirms it with a code (reloading the page changes nothing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The secret in base32 in groups of four, for typing into an app without a camera."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The provisioning URI as an inline SVG QR code: made here, no outside service."""
    qr = segno.make(provisioning_uri(device), error="m")
    # No width/height, a viewBox: the style sheet sizes it. A 4-module quiet zone, as scanners
    # expect, on white also in the admin's dark theme.
    svg = qr.svg_inline(
        scale=5, border=4, dark="#000", light="#fff", omitsize=True, title="QR code"
    )
    # segno's output holds only the QR code's path: no text from a user.
    return mark_safe(svg)  # noqa: S308


def normalise_code(code: str) -> str:
    return "".join(str(code or "").split()).replace("-", "").lower()


def backup_code_digest(code: str, *, secret: str | None = None) -> str:
    """What is stored of a backup code: an HMAC keyed with SECRET_KEY (or ``secret``),
    cut to the 16 characters of django-otp's token field (64 bits; a code has 40)."""
    return salted_hmac(
        "accounts.two_factor.backup_code", normalise_code(code), secret=secret, algorithm="sha256"
    ).hexdigest()[:16]


def _backup_code_digests(code: str) -> list[str]:
    """The digests ``code`` may be stored under: SECRET_KEY's, then those of the keys in
    SECRET_KEY_FALLBACKS (codes made before the key was rotated)."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [backup_code_digest(code, secret=secret) for secret in secrets]


def _new_backup_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=backup_code_digest(code)) for code in codes
    )
    return codes


def _verified(request, device) -> None:
    """Mark the session verified by ``device``, under a new session key: a key that someone
    learnt before the second step (a fixed or stolen cookie) is worth nothing after it."""
    otp_login(request, device)
    request.session.cycle_key()


def enrolment_throttled(user) -> bool:
    """True while wrong first codes make the pending device wait before the next try."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device is not None and not device.verify_is_allowed()[0]


@transaction.atomic
def confirm_enrolment(*, request, code: str) -> list[str] | None:
    """Confirm the pending app device with a first code from the app. On success the session
    is verified, backup codes are made and returned (to show once); None if the code is wrong."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(normalise_code(code)):
        logger.info("two-factor: enrolment code refused for user %s", user.pk)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Other pending devices of this user (another browser tab) are of no use any more.
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    backup, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": BACKUP_NAME, "confirmed": True}
    )
    codes = _new_backup_codes(backup)
    _verified(request, device)
    record_security_event(SecurityEventKind.TWO_FACTOR_ENROLLED, actor=user, account=user)
    logger.info("two-factor: user %s set up an authenticator app", user.pk)
    return codes


def verify(*, request, code: str):
    """Check a code from the app or a backup code; on success mark the session verified and
    return the device, else None. Wrong codes slow further tries down (django-otp throttling)."""
    user = request.user
    code = normalise_code(code)
    if not code:
        return None
    for device in list(devices_for_user(user, confirmed=True)):
        token = code
        if isinstance(device, StaticDevice):
            # The stored digest of the code, under whichever key made it; a miss still goes to
            # the device, which counts it towards its throttling.
            digests = _backup_code_digests(code)
            token = device.token_set.filter(token__in=digests).values_list("token", flat=True)
            token = token.first() or digests[0]
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            _verified(request, verified)
            if isinstance(verified, StaticDevice):
                logger.info("two-factor: user %s used a backup code", user.pk)
            return verified
    logger.info("two-factor: code refused for user %s", user.pk)
    return None


def is_throttled(user) -> bool:
    """True while wrong codes have made every device of the user wait before the next try."""
    devices = list(devices_for_user(user, confirmed=True))
    return bool(devices) and all(not d.verify_is_allowed()[0] for d in devices)


@transaction.atomic
def renew_backup_codes(*, user) -> list[str]:
    backup, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": BACKUP_NAME, "confirmed": True}
    )
    codes = _new_backup_codes(backup)
    record_security_event(SecurityEventKind.BACKUP_CODES_RENEWED, actor=user, account=user)
    return codes


def remaining_backup_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset_two_factor(*, user, reason: str, actor=None, actor_label: str = "") -> int:
    """Remove every second-factor device of ``user`` (a lost phone): at the next login the
    user sets up a new app. Recorded in the security log with who, when and why. Returns
    the number of devices removed."""
    if not reason.strip():
        raise ValueError("A reason is required.")
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        _total, per_model = model.objects.filter(user=user).delete()
        removed += per_model.get(model._meta.label, 0)
    record_security_event(
        SecurityEventKind.TWO_FACTOR_RESET,
        actor=actor,
        actor_label=actor_label,
        account=user,
        reason=reason.strip(),
        details={"devices_removed": removed},
    )
    logger.info("two-factor: devices of user %s reset", user.pk)
    return removed
