"""The API key: from the environment (which wins) or the OS keyring. Never from a file.

Nothing here logs, prints or raises with the key in the message.
"""

from __future__ import annotations

import os

KEYRING_SERVICE = "batch-studio"
KEYRING_USER = "atlas-cloud-api-key"
ENV_VARIABLES = ("ATLASCLOUD_API_KEY", "ATLAS_CLOUD_API_KEY")


class KeyringUnavailable(RuntimeError):
    pass


def key_from_environment() -> str | None:
    for name in ENV_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def _keyring():
    """(keyring module, its error class), or (None, None) where keyring cannot even be imported."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None, None
    return keyring, KeyringError


def _read_keyring(user: str) -> str | None:
    keyring, keyring_error = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user) or None
    except (RuntimeError, keyring_error):
        return None


def key_from_keyring() -> str | None:
    return _read_keyring(KEYRING_USER)


def api_key() -> tuple[str | None, str]:
    """(key, where it came from): the environment first, then the keyring."""
    key = key_from_environment()
    if key:
        return key, "environment"
    key = key_from_keyring()
    if key:
        return key, "keyring"
    return None, "none"


def store_key(key: str) -> None:
    try:
        import keyring
        from keyring.errors import KeyringError, NoKeyringError
    except ImportError:
        raise KeyringUnavailable("the keyring package is not installed") from None
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
    except NoKeyringError:
        raise KeyringUnavailable("no system keyring is available on this machine; set ATLASCLOUD_API_KEY in the "
                                 "environment instead") from None
    except KeyringError as exc:
        raise KeyringUnavailable(f"the system keyring refused to store the key ({type(exc).__name__}); set "
                                 "ATLASCLOUD_API_KEY in the environment instead") from None
    # Some backends (the null one, a locked fail-safe one) accept the call and keep nothing.
    if key_from_keyring() != key:
        raise KeyringUnavailable("no system keyring is available on this machine (the key would not be kept); "
                                 "set ATLASCLOUD_API_KEY in the environment instead")


def masked(key: str | None) -> str:
    if not key:
        return "(none)"
    return f"{key[:7]}…{key[-4:]}" if len(key) > 14 else "…"


WEBHOOK_SECRET_USER = "webhook-secret"


def webhook_secret() -> str | None:
    """The webhook signing secret: BATCH_STUDIO_WEBHOOK_SECRET, else the keyring."""
    value = os.environ.get("BATCH_STUDIO_WEBHOOK_SECRET", "").strip()
    return value or _read_keyring(WEBHOOK_SECRET_USER)
