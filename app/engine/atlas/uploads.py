"""Local media files: uploaded once through uploadMedia, then referred to by URL.

Every media field counts, single or listed, nested in objects too (``images: [...]``,
``subjects: [{images: [...]}]``). The same file (by content) is uploaded once per batch
even when many jobs, or many fields of one job, refer to it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from app.engine.core.fileio import file_sha256
from app.engine.atlas.errors import AtlasError, RetryableError, UnknownOutcomeError
from app.engine.atlas.shapes import MediaValue, is_remote_media, media_values, replaced_at


class UploadFailed(Exception):
    """An upload that failed: the field it was for (``images[2]``), the file, and the cause
    (an AtlasError from the API, or an OSError when the file went away after validation)."""

    def __init__(self, item: MediaValue, cause: Exception):
        self.item = item
        self.cause = cause
        self.file = Path(str(item.value)).name
        self.reason = (cause.strerror or str(cause)) if isinstance(cause, OSError) else str(cause)
        super().__init__(f"{item.label} ({self.file}) could not be uploaded: {self.reason}")


# An upload creates nothing that is billed, so unlike a submit it may be sent again after a
# 429, a dropped connection or a reply that never came.
UPLOAD_ATTEMPTS = 4


class UploadCache:
    def __init__(self, client, backoff=None):
        self.client = client
        self.backoff = backoff
        self._urls: dict[str, str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._digests: dict[tuple, str] = {}
        self._guard = threading.Lock()
        self.uploaded = 0  # how many uploads this batch really made

    def _digest(self, path: Path) -> str:
        """Hashed once per file version: a reference image used by 500 jobs is read once."""
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        with self._guard:
            known = self._digests.get(key)
        if known is None:
            known = file_sha256(path)
            with self._guard:
                self._digests[key] = known
        return known

    def url_for(self, path: Path, wait=None) -> str:
        """``wait(seconds)`` between tries (the runner's, which a cancel interrupts); without
        one a failed upload is not tried again."""
        digest = self._digest(path)
        with self._guard:
            lock = self._locks.setdefault(digest, threading.Lock())
        with lock:  # two jobs with one image: the second waits for the first upload
            if digest not in self._urls:
                self._urls[digest] = self._upload(path, wait)
                self.uploaded += 1
            return self._urls[digest]

    def _upload(self, path: Path, wait) -> str:
        for attempt in range(UPLOAD_ATTEMPTS):
            try:
                return self.client.upload(path)
            except (RetryableError, UnknownOutcomeError):
                if attempt == UPLOAD_ATTEMPTS - 1 or self.backoff is None or wait is None:
                    raise
                wait(self.backoff.delay(attempt))
        raise AssertionError("unreachable")

    def replace_local_media(self, body: dict, properties: dict, wait=None) -> dict:
        """``body`` with every local media file replaced by its uploaded URL; the body passed
        in (and anything nested in it) is left as it was. Raises UploadFailed."""
        replaced = body
        for item in media_values(body, properties):
            value = item.value
            if not isinstance(value, str) or not value or is_remote_media(value, item.media):
                continue
            if value.startswith("data:"):
                continue  # inline data of another kind: validation names it; nothing to upload
            try:
                url = self.url_for(Path(value).expanduser(), wait)
            except (AtlasError, OSError) as exc:
                raise UploadFailed(item, exc) from exc
            replaced = replaced_at(replaced, item.path, url)
        return replaced
