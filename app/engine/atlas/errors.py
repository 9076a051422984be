"""What can go wrong talking to Atlas Cloud, sorted by what the caller must do about it.

Every message carries the server's request id when there was one, and never the API key.
"""

from __future__ import annotations


class AtlasError(Exception):
    """Base class. ``status`` is the HTTP status (None for network trouble)."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, request_id: str | None = None):
        self.message = message
        self.status = status
        self.request_id = request_id
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{message}{suffix}")


class RetryableError(AtlasError):
    """Transient: waiting and trying again is safe (5xx on a poll, 429, network loss)."""

    retryable = True


class ProtocolError(RetryableError):
    """The reply does not have the documented shape (a garbled reply may not repeat)."""


class RateLimitedError(RetryableError):
    """429: nothing was created."""


class FatalError(AtlasError):
    """The request is wrong or not allowed; retrying cannot help (400, 403, 404, 413, 422, 451)."""


class NotFoundError(FatalError):
    """404. Right after a submit it can mean the prediction is not visible yet."""


class AuthError(FatalError):
    """401: a bad key (or a mistyped path). Stop the whole batch and ask for a key."""


class InsufficientBalanceError(FatalError):
    """402: pause everything and tell the user."""


class ModerationError(FatalError):
    """error_code 1039: the input was rejected by content moderation. Do not retry."""


class UnknownOutcomeError(AtlasError):
    """A submit whose result we never saw (timeout, reset after sending, 5xx).

    The task may exist and be billed; resubmitting automatically could charge twice.
    """


class DownloadError(RetryableError):
    """A download broke off or came up short; the output URL may still be good."""


class OutputExpiredError(FatalError):
    """The output URL answered 404: it expired before we fetched it."""
