"""Test data, made through the services so that tests see what the app would produce."""

import datetime
import itertools
import zoneinfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from accounts.roles import PRIVACY_OFFICER, ROLES, grant
from cases import filecrypt, services
from cases.audit import Actor
from cases.models import Channel, RequestType
from casework import actions

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")
_seq = itertools.count(1)


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    """A moment in Amsterdam time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMS)


def ensure_roles():
    """The role groups come from data migrations; a transactional test's flush empties them,
    so tests that run after one recreate them the way the post-migrate handler does."""
    if not Group.objects.filter(name=PRIVACY_OFFICER).exists():
        grant(Group, Permission, ROLES)


def officer(username=None, **extra):
    """A staff user in the Privacy officer group."""
    ensure_roles()
    username = username or f"officer{next(_seq)}"
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests", is_staff=True, **extra
    )
    user.groups.add(Group.objects.get(name="Privacy officer"))
    return user


def case(*, received_at=None, actor=None, now=None, **fields):
    """A new case registered by an officer (or the system)."""
    defaults = {
        "request_type": RequestType.ACCESS,
        "channel": Channel.POST,
        "subject_name": "Zoë de Vries",
        "subject_email": "zoe@example.org",
    }
    defaults.update(fields)
    received_at = received_at or at(2026, 3, 5)
    # A web request not confirmed yet is stored as the form stores it: nobody is told yet.
    register = services.case_create if defaults.get("unconfirmed") else actions.register
    return register(
        actor=actor or Actor.system(),
        received_at=received_at,
        now=now or max(received_at, at(2026, 11, 22)),
        **defaults,
    )


# --- Reports (issue 8) ----------------------------------------------------------------------


def answered_case(
    *,
    actor,
    received_at,
    closed_at,
    outcome="granted",
    reason="",
    extended_at=None,
    assignee=None,
    **fields,
):
    """A case registered at ``received_at`` and closed at ``closed_at`` through the services:
    assigned to ``assignee`` and extended at ``extended_at`` when given, the identity verified
    an hour after receipt when the outcome grants the request. ``actor`` must be a staff
    Actor (only staff verify identities)."""
    created = case(received_at=received_at, actor=actor, now=received_at, **fields)
    steps = {"case_id": created.pk, "actor": actor}
    if assignee is not None:
        services.case_assign(**steps, assignee=assignee, now=received_at)
    if outcome in ("granted", "partly_granted"):
        services.case_verify_identity(
            **steps, method="known_contact", now=received_at + datetime.timedelta(hours=1)
        )
    if extended_at is not None:
        actions.extend(**steps, reason="Gegevens in meerdere systemen.", now=extended_at)
    if outcome == "withdrawn":
        actions.withdraw(**steps, reason=reason, now=closed_at)
    else:
        actions.close(**steps, outcome=outcome, reason=reason, now=closed_at)
    created.refresh_from_db()
    return created


# --- Security: roles and two-factor login (issue 7) -------------------------------------------


def staff_in_role(role, username=None, **extra):
    """A staff user in the group ``role`` ("Privacy officer", "DPO", "Auditor"); ``role=None``:
    staff with no group at all."""
    username = username or f"staff{next(_seq)}"
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests", is_staff=True, **extra
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def totp_code(device, *, offset_steps: int = 0) -> str:
    """The code an authenticator app shows now (``offset_steps`` periods later or earlier)
    for a django-otp TOTP device, computed from its key as the app would."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def subject_upload(case_id, *, now, name="paspoort.pdf", message=""):
    """The data subject sends a (tiny) PDF and a message through the status page, as the
    correspondence stores a reply (a case waiting for them resumes). Returns the
    ``SubjectSubmission``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from correspondence.services import subject_reply

    upload = SimpleUploadedFile(name, b"%PDF-1.4\n% identity document\n", "application/pdf")
    reply = subject_reply(
        case_id=case_id, message=message, files=[(upload, "application/pdf")], now=now
    )
    return reply.submission


def archived_letter(
    case,
    *,
    user,
    at,
    fields=None,
    letter_type="access_answer",
    content=b"%PDF-1.7\n% stand-in letter\n",
):
    """The one factory for an archived letter in tests that need a letter but not its
    rendering: a small stand-in PDF under PRIVATE_FILES_ROOT, recorded as the letter service
    records it (rendering a real one takes a second; tests/letters renders real ones through
    the ``make_letter`` fixture)."""
    import hashlib
    import uuid
    from pathlib import Path

    from django.conf import settings

    from letters.models import Letter

    relative = f"letters/{case.reference}/{letter_type}-{uuid.uuid4().hex}.pdf"
    path = Path(settings.PRIVATE_FILES_ROOT) / relative
    filecrypt.write_bytes(path, content, mode=0o440)  # as the letter service stores it
    return Letter.objects.create(
        case=case,
        letter_type=letter_type,
        language="nl",
        version=Letter.objects.filter(case=case, letter_type=letter_type).count() + 1,
        template_name=f"letters/{letter_type}.nl.html",
        template_version="test",
        fields=fields or {},
        file_path=relative,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        generated_by=user,
        generated_by_label=user.get_username(),
        generated_at=at,
    )
