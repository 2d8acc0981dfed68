"""The embedded e-mail backend (dsar/mail.py): one complete .eml file per message, even when a
batch goes over one connection as delivery sends it."""

import email
import os

import pytest
from django.core import mail
from django.core.mail import EmailMessage


def test_a_batch_over_one_connection_is_one_file_per_message(tmp_path):
    connection = mail.get_connection("dsar.mail.EmailBackend", file_path=str(tmp_path))
    messages = [
        EmailMessage(f"Onderwerp {n}", f"Tekst {n}", "privacy@example.nl", [f"s{n}@example.org"])
        for n in range(3)
    ]
    connection.open()
    assert connection.send_messages(messages) == 3
    connection.close()

    files = sorted(tmp_path.iterdir())
    assert [path.suffix for path in files] == [".eml"] * 3  # no temporary file left over
    parsed = [email.message_from_bytes(path.read_bytes()) for path in files]
    assert sorted(message["Subject"] for message in parsed) == [f"Onderwerp {n}" for n in range(3)]
    assert len({message["Message-ID"] for message in parsed}) == 3


def test_a_message_without_recipients_writes_nothing(tmp_path):
    connection = mail.get_connection("dsar.mail.EmailBackend", file_path=str(tmp_path))
    assert connection.send_messages([EmailMessage("Leeg", "x", "privacy@example.nl", [])]) == 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(bool(os.environ.get("EMAIL_URL")), reason="EMAIL_URL is set")
def test_the_embedded_defaults_use_it():
    from dsar.settings import base

    assert base.EMAIL_BACKEND == "dsar.mail.EmailBackend"
