"""The engine's reasons and errors, shown in the interface language.

The engine writes its reasons in English into the store, the manifest and webhooks, and
the app matches some of them (a rejected key, an empty balance), so they are translated
only when shown. Each template below is an engine sentence with its values as {names};
a shown reason that matches one is translated with the same values, and the parts named
error or reason are translated in turn (an error wrapped in "…; nothing was charged").
Text that matches nothing (an API's own error detail) shows as sent.
"""

from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

CONTEXT = "EngineReason"
_NESTED = ("error", "reason")

TEMPLATES = (
    QT_TRANSLATE_NOOP("EngineReason", "all jobs ended"),
    QT_TRANSLATE_NOOP("EngineReason", "paused by the user"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled by the user"),
    QT_TRANSLATE_NOOP("EngineReason", "held back"),
    QT_TRANSLATE_NOOP("EngineReason", "dropped by the user"),
    QT_TRANSLATE_NOOP("EngineReason", "a reopened batch starts paused: jobs that were already submitted are being "
                                      "checked and downloaded, nothing new is submitted. Press Run to continue the "
                                      "queue"),
    QT_TRANSLATE_NOOP("EngineReason", "the app was closed; reopen the folder to continue"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled before it was submitted; nothing was charged"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled by the user; nothing was charged"),
    QT_TRANSLATE_NOOP("EngineReason", "cancelled by the user; Atlas Cloud has no cancel call, so the submitted task "
                                      "still runs and its charge stands"),
    QT_TRANSLATE_NOOP("EngineReason", "{count} job(s) are held back or wait for a held job"),
    QT_TRANSLATE_NOOP("EngineReason", 'the spend cap of ${cap} would be crossed by "{name}" ({cost}); spent so far '
                                      "${spent}"),
    QT_TRANSLATE_NOOP("EngineReason", 'the daily cap of ${cap} would be crossed by "{name}" ({cost}); spent today '
                                      "${spent}"),
    QT_TRANSLATE_NOOP("EngineReason", '{model}: rate limited, now {limit} at a time'),
    QT_TRANSLATE_NOOP("EngineReason", 'its start image comes from "{name}", which ended as {state} ({reason}); '
                                      "nothing was charged"),
    QT_TRANSLATE_NOOP("EngineReason", "{field} ({file}) could not be uploaded: {error}"),
    QT_TRANSLATE_NOOP("EngineReason", "still not finished after {minutes} min (the limit for this model); the "
                                      "prediction {id} is kept so it can be checked again later"),
    QT_TRANSLATE_NOOP("EngineReason", "polling stopped because the key was rejected; the task was submitted as {id} "
                                      "and can be checked again with a valid key"),
    QT_TRANSLATE_NOOP("EngineReason", "rejected by content moderation: {reason}"),
    QT_TRANSLATE_NOOP("EngineReason", "the task ended as {status}"),
    QT_TRANSLATE_NOOP("EngineReason", "Atlas Cloud reported the task complete but sent no output"),
    QT_TRANSLATE_NOOP("EngineReason", "the output could not be downloaded after {count} tries; its URL stays valid "
                                      "for a while: retry the download"),
    QT_TRANSLATE_NOOP("EngineReason", "the batch stopped while this job was being submitted: Atlas Cloud may have "
                                      "created (and billed) it. Check the dashboard, then resubmit or drop it."),
    QT_TRANSLATE_NOOP("EngineReason", "internal error: {error}"),
    QT_TRANSLATE_NOOP("EngineReason", "the batch stopped on an internal error: {error}"),
    QT_TRANSLATE_NOOP("EngineReason", "the batch process ended unexpectedly ({detail}); what it did is kept: reopen "
                                      "the folder to continue"),
    QT_TRANSLATE_NOOP("EngineReason", "the batch process could not start ({detail}); its jobs are still queued in the "
                                      "folder: press Run or reopen the folder to try again"),
    # The client's errors.
    QT_TRANSLATE_NOOP("EngineReason", "the submit may or may not have reached Atlas Cloud ({error}); it was not "
                                      "resent, so it cannot be charged twice"),
    QT_TRANSLATE_NOOP("EngineReason", "rate limited (429): nothing was created"),
    QT_TRANSLATE_NOOP("EngineReason", "rate limited (429)"),
    QT_TRANSLATE_NOOP("EngineReason", "Atlas Cloud answered {status} to the submit ({detail}); the task may exist and "
                                      "be billed, so it was not resent"),
    QT_TRANSLATE_NOOP("EngineReason", "the submit reply has no task id; the task may exist, so it was not resent"),
    QT_TRANSLATE_NOOP("EngineReason", "Atlas Cloud answered {status} to a poll"),
    QT_TRANSLATE_NOOP("EngineReason", "Atlas Cloud answered {status}"),
    QT_TRANSLATE_NOOP("EngineReason", "the poll reply has no status"),
    QT_TRANSLATE_NOOP("EngineReason", "the upload reply has no download_url"),
    QT_TRANSLATE_NOOP("EngineReason", "{file} is {size} MB; uploads are limited to {limit} MB"),
    QT_TRANSLATE_NOOP("EngineReason", "the output URL answered 404: it has expired or never existed"),
    QT_TRANSLATE_NOOP("EngineReason", "the output server answered {status}"),
    QT_TRANSLATE_NOOP("EngineReason", "the output URL answered {status}"),
    QT_TRANSLATE_NOOP("EngineReason", "the download came up short: {received} of {expected} bytes"),
    QT_TRANSLATE_NOOP("EngineReason", "the download broke off: {error}"),
    QT_TRANSLATE_NOOP("EngineReason", "polling failed: {error}"),
    QT_TRANSLATE_NOOP("EngineReason", "cannot reach {url}: {error}"),
    QT_TRANSLATE_NOOP("EngineReason", "the request timed out"),
    QT_TRANSLATE_NOOP("EngineReason", "the connection failed or was dropped"),
    QT_TRANSLATE_NOOP("EngineReason", "no API key is set: add one in Settings or set ATLASCLOUD_API_KEY"),
    QT_TRANSLATE_NOOP("EngineReason", "Atlas Cloud rejected the API key (401: {detail}); enter a valid key"),
    QT_TRANSLATE_NOOP("EngineReason", "insufficient balance (402: {detail}); top up your Atlas Cloud account"),
    QT_TRANSLATE_NOOP("EngineReason", "not found (404: {detail})"),
    QT_TRANSLATE_NOOP("EngineReason", "the request is too large (413: {detail}); upload the file instead of "
                                      "inlining it"),
    QT_TRANSLATE_NOOP("EngineReason", "not available in this region (451: {detail})"),
    QT_TRANSLATE_NOOP("EngineReason", "Atlas Cloud refused the request ({status}: {detail})"),
    # Wrappers around another reason.
    QT_TRANSLATE_NOOP("EngineReason", "{error}. Check the Atlas Cloud dashboard, then resubmit or drop this job."),
    QT_TRANSLATE_NOOP("EngineReason", "{error}; the task was paid but its output is gone"),
    QT_TRANSLATE_NOOP("EngineReason", "{error}; nothing was charged"),
    QT_TRANSLATE_NOOP("EngineReason", "{error}; retrying in {seconds} s"),
    QT_TRANSLATE_NOOP("EngineReason", "{error}; downloading again"),
    QT_TRANSLATE_NOOP("EngineReason", "{reason} (refunded automatically)"),
    QT_TRANSLATE_NOOP("EngineReason", "{error} (request id {id})"),
    # Celery workers store these without a translator; the app translates them when shown.
    # A fleet job whose worker died mid-submit, settled from the account's history: {reason}
    # is the history's verdict (found as a task, absent, or unreadable).
    QT_TRANSLATE_NOOP("EngineReason", "the worker submitting this job stopped answering before Atlas Cloud's reply "
                                      "was saved; {reason}. Check the dashboard, then resubmit or drop it."),
    QT_TRANSLATE_NOOP("EngineReason", "the worker submitting this job stopped answering before Atlas Cloud's reply "
                                      "was saved; {reason}; submitting it once more"),
    QT_TRANSLATE_NOOP("EngineReason", "the worker submitting this job stopped answering before Atlas Cloud's reply "
                                      "was saved; {reason}"),
    QT_TRANSLATE_NOOP("EngineReason", "another worker began submitting this job and stopped answering: Atlas Cloud "
                                      "may have created (and billed) it. Check the dashboard, then resubmit or drop "
                                      "it."),
    QT_TRANSLATE_NOOP("EngineReason", "its worker stopped answering; another worker takes it over"),
)


@lru_cache(maxsize=None)
def _patterns() -> tuple[tuple[re.Pattern, str], ...]:
    """Most literal text first: "the task ended as failed (refunded automatically)" is the
    refund wrapper around "the task ended as {status}", not a status of "failed (refunded…)"."""
    compiled = []
    for template in TEMPLATES:
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        compiled.append((len("".join(parts[::2])), re.compile(f"^{regex}$", re.DOTALL), template))
    compiled.sort(key=lambda item: -item[0])
    return tuple((pattern, template) for _, pattern, template in compiled)


def shown(reason: str | None, _depth: int = 0) -> str:
    """``reason`` in the interface language where the catalogue knows it."""
    if not reason or _depth > 4:
        return reason or ""
    for pattern, template in _patterns():
        match = pattern.match(reason)
        if match is None:
            continue
        translated = QCoreApplication.translate(CONTEXT, template)
        values = {name: shown(value, _depth + 1) if name in _NESTED else value
                  for name, value in match.groupdict().items()}
        return translated.format(**values) if values else translated
    return reason
