"""No personal data in the logs: a whole request's life — submitted on the web form, confirmed,
registered by an officer in the admin, worked through every action, documents uploaded, a
letter generated and e-mailed, e-mails delivered by the Celery task, searched for in the admin
and the API, exported, purged — with the project's loggers at DEBUG and Django's, Celery's and
django-axes' at INFO. The captured log text must not contain the subject's name, e-mail
address, phone number or request text anywhere."""

import datetime
import logging
import re
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.audit import Actor
from cases.models import Case, Status
from casework import retention
from letters import services as letter_services
from notifications.models import OutboundEmail, State
from notifications.tasks import deliver_email
from tests import factories

pytestmark = pytest.mark.django_db

NAME = "Zoë Logscan-Testpersoon"
EMAIL = "zoe.logscan@example.org"
PHONE = "06-98765432"
TEXT = "Geheime omschrijving over mijn scheiding"
SECOND_NAME = "Bram Logscan-Tweede"
SECOND_EMAIL = "bram.logscan@example.org"
SECRETS = [NAME, "Logscan", "logscan", EMAIL, SECOND_NAME, SECOND_EMAIL, PHONE, "scheiding"]

DEBUG_LOGGERS = ["cases", "notifications", "letters", "accounts", "dsar"]
INFO_LOGGERS = ["django", "celery", "kombu", "axes", "weasyprint", "django_otp"]


@pytest.fixture
def captured_logs(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"logscan-{uuid.uuid4().hex}",
        }
    }
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))  # message, arguments and traceback

    handler = Capture(level=logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    levels = {}
    for name in DEBUG_LOGGERS + INFO_LOGGERS:
        logger = logging.getLogger(name)
        levels[name] = logger.level
        logger.setLevel(logging.DEBUG if name in DEBUG_LOGGERS else logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def deliver_all():
    """What the Celery worker does: the delivery task, once per pending e-mail."""
    for pk in OutboundEmail.objects.filter(state=State.PENDING).values_list("pk", flat=True):
        deliver_email(pk)


def link(message, prefix):
    return re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[^\s]*)", message.body)[1]


def test_a_whole_request_leaves_no_personal_data_in_the_logs(
    captured_logs, settings, tmp_path, monkeypatch
):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    monkeypatch.setattr("notifications.planning.enqueue_delivery", lambda *a, **k: True)
    start = factories.at(2026, 3, 2, 9)
    visitor = Client(REMOTE_ADDR="203.0.113.5")
    officer_user = factories.staff_in_role("DPO", "dora")

    with time_machine.travel(start, tick=False):
        # 1. The subject submits the web form, gets the e-mail, confirms.
        response = visitor.post(
            "/",
            {
                "request_type": "access",
                "name": NAME,
                "email": EMAIL,
                "phone": PHONE,
                "on_behalf": "self",
                "description": TEXT,
                "language": "nl",
                "website": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
        deliver_all()
        confirm = link(mail.outbox[-1], "/confirm/")
        response = visitor.post(confirm)
        assert response.status_code == 302
        status_page = response["Location"]
        web_case = Case.objects.get(subject_email=EMAIL)
        assert web_case.status == Status.NEW

        # 2. An officer logs in (password, then a wrong and a right code) and registers a
        #    second request from a letter.
        officer = Client(headers={"accept-language": "en"}, REMOTE_ADDR="192.0.2.20")
        officer.post("/admin/login/", {"username": "dora", "password": "wrong", "next": "/admin/"})
        officer.force_login(officer_user)
        response = officer.post(
            "/admin/cases/case/add/",
            {
                "request_type": "erasure",
                "channel": "post",
                "received_at_0": "2026-03-02",
                "received_at_1": "08:00",
                "description": TEXT,
                "subject_name": SECOND_NAME,
                "subject_email": SECOND_EMAIL,
                "subject_phone": PHONE,
                "subject_address": "Logscanstraat 1\n1234 AB Utrecht",
                "subject_language": "nl",
                "representative_name": "",
                "representative_details": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        posted = Case.objects.get(subject_email=SECOND_EMAIL)

        # 3. Every action on the web request, through the admin.
        def do(case, action, **data):
            url = f"/admin/cases/case/{case.pk}/do/{action}/"
            response = officer.post(url, {**data, "apply": "1"} if data else {})
            assert response.status_code == 302, response.content.decode()[:500]

        do(web_case, "assign_to_me")
        do(web_case, "start_identity_check")
        do(web_case, "pause", reason="identity", note=f"ID van {NAME} nodig")
        deliver_all()
        response = visitor.post(
            status_page.rstrip("/") + "/upload/",
            {
                "message": f"Hier is mijn paspoort, {NAME}",
                "files": [
                    SimpleUploadedFile("paspoort-logscan.pdf", b"%PDF-1.4\n%\n", "application/pdf")
                ],
            },
        )
        assert response.status_code == 302, response.content.decode()[:500]
        do(web_case, "verify_identity", method="document", note=f"Paspoort {NAME} gezien")
        do(web_case, "extend", reason=f"Veel systemen voor {NAME}")
        do(web_case, "send_status_link")
        # The search box and the API, with the name and the address as search terms.
        assert officer.get("/admin/cases/case/", {"q": EMAIL}).status_code == 200
        assert officer.get("/admin/cases/case/", {"q": "Logscan"}).status_code == 200
        api = officer.get("/api/cases/", {"search": EMAIL}, headers={"accept": "application/json"})
        assert api.status_code in (200, 400)
        assert officer.get("/api/cases/999999/").status_code == 404

        # 4. A letter, generated and e-mailed; all e-mails delivered by the task.
        letter = letter_services.letter_generate(
            case_id=web_case.pk,
            letter_type="acknowledgement",
            language="nl",
            fields={},
            actor=Actor.staff(officer_user),
        )
        letter_services.letter_send(letter_id=letter.pk, actor=Actor.staff(officer_user))
        deliver_all()
        do(web_case, "close", outcome="partly_granted", reason=f"Deels: {NAME} vroeg te veel")
        do(posted, "close", outcome="not_valid", reason=f"Geen persoonsgegevens van {SECOND_NAME}")
        deliver_all()

        # 5. The DPO exports it.
        assert officer.get(f"/admin/security/cases/{web_case.pk}/export.json").status_code == 200

    # 6. Years later the purge anonymises both.
    with time_machine.travel(start + datetime.timedelta(days=800), tick=False):
        report = retention.purge_expired()
        assert sorted(report.anonymised) == sorted([web_case.reference, posted.reference])

    text = "\n".join(captured_logs)
    assert len(captured_logs) > 20  # the flow did log (planned, sent, generated, ...)
    assert "email" in text and "sent" in text
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), (
            secret,
            [line for line in captured_logs if secret.lower() in line.lower()][:3],
        )
