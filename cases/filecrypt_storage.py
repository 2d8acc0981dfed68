"""The private files as a Django storage (``storages["private"]``), for code that stores
through a storage rather than through ``cases.uploads``: everything it saves is encrypted at
rest (``cases.filecrypt``) and everything it opens is decrypted, in chunks."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

from . import filecrypt


@deconstructible(path="letters.models.PrivateFileStorage")  # the path older migrations name
class PrivateFileStorage(FileSystemStorage):
    """Files under settings.PRIVATE_FILES_ROOT, read at each use (tests change it). No URL:
    private files are served only by views that check who asks."""

    def __init__(self, **kwargs):
        super().__init__(file_permissions_mode=0o640, directory_permissions_mode=0o750)

    @property
    def base_location(self):
        return settings.PRIVATE_FILES_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL.")


@deconstructible(path="cases.filecrypt_storage.EncryptedPrivateStorage")
class EncryptedPrivateStorage(PrivateFileStorage):
    """The private files, encrypted."""

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Private files are written whole by save(), never opened to write.")
        return File(filecrypt.open_decrypted(Path(self.path(name))), name=name)

    def _save(self, name, content):
        name = self.get_available_name(name)
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        if hasattr(content, "seek"):
            content.seek(0)
        filecrypt.write(path, content.chunks(filecrypt.CHUNK), mode=0o640)
        return name

    def size(self, name):
        return filecrypt.plaintext_size(os.path.getsize(self.path(name)))
