"""What kind of input each schema property is, in one place for the engine, the form and
the simulator.

The live catalog has no single convention for media: a start image may be ``image``,
``image_url``, ``first_image`` or ``end_image``; reference models take ``images``,
``reference_images`` or ``videos`` as lists; some fields are objects or lists of objects
(``loras``, ``subjects``). Deciding this per call site let each one guess differently, so a
list of local files went out as paths in one place and as a string in another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(str, Enum):
    TEXT = "text"
    PROMPT = "prompt"
    ENUM = "enum"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    MEDIA = "media"              # one URL (or a local file, uploaded at run time)
    MEDIA_LIST = "media_list"    # a list of them
    OBJECT = "object"
    OBJECT_LIST = "object_list"
    LIST = "list"                # a list of plain values
    UNKNOWN = "unknown"          # no type we understand: edited as JSON


MEDIA_KINDS = ("image", "video", "audio")
# Names seen in Atlas's catalog and clients; the singular form decides the media type.
_MEDIA_NAME = re.compile(
    r"^(?:(?:first|last|end|start|tail|reference|ref|input|source|init|mask|face|subject|style|driving|control)_)?"
    r"(image|video|audio)s?(?:_urls?|_list)?$")
_MEDIA_WORD = re.compile(r"\b(image|video|audio)s?\b", re.IGNORECASE)
_URL_WORDS = re.compile(r"\b(url|urls|uri|link|upload|file)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FieldShape:
    name: str
    kind: Kind
    media: str | None = None     # image, video or audio for MEDIA and MEDIA_LIST
    min_items: int | None = None
    max_items: int | None = None

    @property
    def is_media(self) -> bool:
        return self.kind in (Kind.MEDIA, Kind.MEDIA_LIST)

    @property
    def is_list(self) -> bool:
        return self.kind in (Kind.MEDIA_LIST, Kind.OBJECT_LIST, Kind.LIST)


def _types(prop: dict) -> set[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return {str(k) for k in kind if k != "null"}
    if kind:
        return {str(kind)}
    for key in ("anyOf", "oneOf"):
        if isinstance(prop.get(key), list):
            return {t for option in prop[key] if isinstance(option, dict) for t in _types(option)}
    if "enum" in prop:
        return {_json_type(v) for v in prop["enum"]}
    return set()


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def media_kind(name: str, prop: dict) -> str | None:
    """image, video or audio when the property takes media URLs, by hint first, then name."""
    hint = prop.get("x-input-kind") or prop.get("x-media-type")
    items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
    hint = hint or items.get("x-input-kind") or items.get("x-media-type")
    if hint in MEDIA_KINDS:
        return hint
    match = _MEDIA_NAME.match(name.lower())
    if match:
        return match[1]
    # "format: uri" on a field whose description speaks of an image is a media field too.
    formats = {prop.get("format"), items.get("format")}
    described = str(prop.get("description", ""))
    if formats & {"uri", "url", "binary", "data-url"}:
        word = _MEDIA_WORD.search(described) or _MEDIA_WORD.search(name)
        if word:
            return word[1].lower()
    if name.lower().endswith(("_url", "_urls")) and _URL_WORDS.search(described):
        word = _MEDIA_WORD.search(described)
        if word:
            return word[1].lower()
    return None


def classify(name: str, prop: dict) -> FieldShape:
    prop = prop if isinstance(prop, dict) else {}
    types = _types(prop)
    media = media_kind(name, prop)
    if "array" in types:
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        item_types = _types(items)
        limits = dict(min_items=prop.get("minItems"), max_items=prop.get("maxItems"))
        if media and (not item_types or item_types <= {"string"}):
            return FieldShape(name, Kind.MEDIA_LIST, media, **limits)
        if "object" in item_types:
            return FieldShape(name, Kind.OBJECT_LIST, **limits)
        return FieldShape(name, Kind.LIST, **limits)
    if "object" in types:
        return FieldShape(name, Kind.OBJECT)
    if "enum" in prop:
        return FieldShape(name, Kind.ENUM)
    if media and (not types or types <= {"string"}):
        return FieldShape(name, Kind.MEDIA, media)
    if types == {"boolean"}:
        return FieldShape(name, Kind.BOOLEAN)
    if types == {"integer"}:
        return FieldShape(name, Kind.INTEGER)
    if types <= {"number", "integer"} and types:
        return FieldShape(name, Kind.NUMBER)
    if types == {"string"}:
        return FieldShape(name, Kind.PROMPT if "prompt" in name.lower() else Kind.TEXT)
    return FieldShape(name, Kind.UNKNOWN)


def shapes_of(input_schema: dict) -> dict[str, FieldShape]:
    properties = input_schema.get("properties", {}) if isinstance(input_schema, dict) else {}
    return {name: classify(name, prop) for name, prop in properties.items()}


def is_remote_media(value: str, media: str | None = None) -> bool:
    """A URL the provider fetches itself (or inline data, of the ``media`` kind when given):
    nothing to upload."""
    return value.startswith(("http://", "https://", f"data:{media}/" if media else "data:"))


@dataclass(frozen=True)
class MediaValue:
    """One media reference inside a body: where it sits, what it must be, what it is."""
    path: tuple            # keys and list indices from the top of the inputs
    media: str             # image, video or audio
    value: object

    @property
    def label(self) -> str:
        return location(self.path)


def location(path) -> str:
    """``subjects[0].images[2]``: how a user finds a value in a job."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def media_values(inputs: dict, properties: dict) -> list[MediaValue]:
    """Every media reference in ``inputs``, nested ones included (``subjects: [{images: [...]}]``),
    read through the schema so a plain text list is never mistaken for files."""
    found: list[MediaValue] = []
    for name, value in inputs.items():
        prop = properties.get(name) if isinstance(properties, dict) else None
        _collect(value, str(name), prop if isinstance(prop, dict) else {}, (name,), found)
    return found


def _collect(value: object, name: str, prop: dict, path: tuple, found: list[MediaValue]) -> None:
    shape = classify(name, prop)
    if shape.is_media:
        if isinstance(value, list):
            found.extend(MediaValue((*path, i), shape.media, item) for i, item in enumerate(value))
        elif value is not None:
            found.append(MediaValue(path, shape.media, value))
        return
    if isinstance(value, dict):
        _collect_object(value, prop, path, found)
    elif isinstance(value, list):
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        for index, item in enumerate(value):
            if isinstance(item, dict):
                _collect_object(item, items, (*path, index), found)


def _collect_object(value: dict, prop: dict, path: tuple, found: list[MediaValue]) -> None:
    properties = prop.get("properties") if isinstance(prop.get("properties"), dict) else {}
    for key, item in value.items():
        sub = properties.get(key)
        _collect(item, str(key), sub if isinstance(sub, dict) else {}, (*path, key), found)


def replaced_at(document: dict, path: tuple, value: object) -> dict:
    """A copy of ``document`` with ``value`` at ``path``; only the containers on the path are
    copied, so the original (a job's own inputs) is never touched."""
    def rebuilt(container, steps):
        if not steps:
            return value
        copy = list(container) if isinstance(container, list) else dict(container)
        copy[steps[0]] = rebuilt(container[steps[0]], steps[1:])
        return copy

    return rebuilt(document, tuple(path))
