"""The embedded e-mail backend: every message a file of its own under ``EMAIL_FILE_PATH``.

Django's file backend writes every message sent over one connection into one ``.log`` file.
Delivery sends a batch over one connection (notifications/delivery.py), so a developer would
find twenty e-mails run together in one file. This backend writes each message as a complete
``.eml`` file (RFC 5322, as a mail client opens it), first under a hidden temporary name, then
renamed: a reader never sees half a message. Selected when ``EMAIL_URL`` is unset or
``filemail://`` (dsar/settings/base.py).
"""

import datetime
import os
import uuid

from django.core.mail.backends import filebased


class EmailBackend(filebased.EmailBackend):
    def open(self):
        return False  # nothing to keep open: each message opens its own file

    def close(self):
        pass

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages or ():
            if not message.recipients():
                continue
            self._write(message.message().as_bytes())
            sent += 1
        return sent

    def _write(self, data: bytes) -> None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        temporary = os.path.join(self.file_path, f".{name}.tmp")
        try:
            with open(temporary, "wb") as file:
                file.write(data)
            os.replace(temporary, os.path.join(self.file_path, name))
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
