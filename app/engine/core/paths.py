"""Where bundled resources live, in a source checkout and in an installed copy alike."""

from __future__ import annotations

from pathlib import Path

_APP = Path(__file__).resolve().parents[2]
_CHECKOUT_RESOURCES = _APP.parent / "resources"
# An installed wheel carries the same tree as app/resources (see pyproject.toml).
_INSTALLED_RESOURCES = _APP / "resources"


def resources_dir() -> Path:
    return _CHECKOUT_RESOURCES if _CHECKOUT_RESOURCES.is_dir() else _INSTALLED_RESOURCES


def catalog_dir() -> Path:
    return resources_dir() / "catalog"


def schema_file_name(model_id: str) -> str:
    """Model ids contain slashes; the snapshot stores one schema file per id."""
    return model_id.replace("/", "__") + ".json"
