"""Local start images: uploaded once through uploadMedia, then referred to by URL.

The same file (by content) is uploaded once per batch even when many jobs fan out from it.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from app.engine.jobs import is_remote_image


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class UploadCache:
    def __init__(self, client):
        self.client = client
        self._urls: dict[str, str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def url_for(self, path: Path) -> str:
        digest = file_sha256(path)
        with self._guard:
            lock = self._locks.setdefault(digest, threading.Lock())
        with lock:  # two jobs with one image: the second waits for the first upload
            if digest not in self._urls:
                self._urls[digest] = self.client.upload(path)
            return self._urls[digest]

    def replace_local_images(self, body: dict, fields: list[str]) -> dict:
        replaced = dict(body)
        for name in fields:
            value = body.get(name)
            if isinstance(value, str) and value and not is_remote_image(value):
                replaced[name] = self.url_for(Path(value).expanduser())
        return replaced
