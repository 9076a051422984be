"""Validation and pricing remembered per job *shape*, so 50,000 rows of a few kinds cost a few checks.

A big job set is mostly the same job with another prompt: the schema check, the x- rules and the
price of a row do not read a prompt's words (a plain text field with no limits), nor do prices read
the price-neutral fields. So a row's problems are keyed by its model, its inputs with such free text
left out, and the few other things ``validate_job`` reads; its price by the price-relevant inputs.
A row that names a local file is checked afresh each time: whether the file exists is not in its shape.
"""

from __future__ import annotations

import json

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.atlas.pricing import PRICE_NEUTRAL_FIELDS, Cost, PriceTable, price_key
from app.engine.atlas.shapes import FieldShape, Kind, classify, is_remote_media
from app.engine.jobs.spec import JobSpec, validate_job

# A string field with any of these can refuse some text, so its words are part of the shape.
# (minLength and maxLength are kept: only the length's side of them is part of the shape.)
_TEXT_LIMITS = frozenset({"enum", "const", "pattern", "format", "anyOf", "oneOf", "allOf", "not", "if",
                          "x-max-pixels", "x-min-side", "x-max-side"})
# A rule tying fields together (if x then y) may read any value of the fields it names: those are kept.
_SCHEMA_RULES = frozenset({"allOf", "anyOf", "oneOf", "if", "not", "dependencies", "dependentRequired",
                           "dependentSchemas"})
# The estimate reads these by name whatever their schema says (app/engine/atlas/pricing.py).
_PRICED_NAMES = frozenset({"num_images", "max_images", "num_outputs", "n", "duration", "resolution",
                           "generate_audio", "sound", "bgm"})
_FREE_TEXT = ("free text",)
# Past this many shapes the set is not "a few kinds"; start over rather than grow without end.
MAX_SHAPES = 100_000


def _frozen(value: object) -> object:
    """Hashable and exact: 1, 1.0 and True are different inputs to a schema."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return type(value), value
    return object, json.dumps(value, sort_keys=True, default=str)


def price_shape(spec: JobSpec) -> tuple:
    """What prices a job (and picks its draft), hashable and exact: jobs of one shape cost the
    same whatever their prompt or seed. Faster than ``price_key`` by a few times, for a key that
    only this process keeps. ``spec.inputs`` must be a dict."""
    return (spec.model, bool(spec.image_from),
            tuple((name, _frozen(value)) for name, value in spec.inputs.items() if name not in PRICE_NEUTRAL_FIELDS))


def _named_in_rules(schema: dict) -> set:
    """Every input name a schema's cross-field rules mention anywhere inside them."""
    names: set = set()
    stack = [schema[key] for key in _SCHEMA_RULES if key in schema]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("properties", "dependencies", "dependentRequired", "dependentSchemas") \
                        and isinstance(item, dict):
                    names.update(item)
                elif key == "required" and isinstance(item, list):
                    names.update(n for n in item if isinstance(n, str))
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value)
    return names


class _ModelShapes:
    """What one model's schema says about each input name, read once."""

    def __init__(self, model: ModelInfo):
        self.properties = model.properties
        schema = model.input_schema
        self._ruled = _named_in_rules(schema) if isinstance(schema, dict) else set()
        self._fields: dict[str, FieldShape] = {}
        self._free: dict[str, tuple | None] = {}

    def field(self, name: str) -> FieldShape:
        shape = self._fields.get(name)
        if shape is None:
            prop = self.properties.get(name)
            shape = self._fields[name] = classify(str(name), prop if isinstance(prop, dict) else {})
        return shape

    def text_shape(self, name: str, value: str) -> tuple | None:
        """What of a free text's value the checks read (its length against the limits), or None
        when the field is not free text and the value itself is part of the shape."""
        if name not in self._free:
            prop = self.properties.get(name)
            free = (name not in self._ruled and isinstance(prop, dict) and prop.get("type") == "string"
                    and not (_TEXT_LIMITS & prop.keys()) and name not in _PRICED_NAMES
                    and self.field(name).kind in (Kind.PROMPT, Kind.TEXT))
            self._free[name] = (prop.get("minLength"), prop.get("maxLength")) if free else None
        limits = self._free[name]
        if limits is None:
            return None
        low, high = limits
        length = len(value)
        # Too short reads "must not be empty"; too long names the length.
        return (_FREE_TEXT, isinstance(low, int) and length < low,
                length if isinstance(high, int) and length > high else None)


class ShapeChecks:
    """Problems and prices of job specs against one catalog, remembered by shape."""

    def __init__(self, catalog: Catalog, prices: PriceTable):
        self.catalog = catalog
        self.prices = prices
        self._models: dict[str, _ModelShapes] = {}
        self._problems: dict[tuple, list[str]] = {}
        self._prices: dict[tuple, tuple[str, Cost]] = {}

    def clear(self) -> None:
        """After a schema changed under the same catalog."""
        self._models.clear()
        self._problems.clear()
        self._prices.clear()

    def _shapes(self, model: ModelInfo) -> _ModelShapes:
        shapes = self._models.get(model.model_id)
        if shapes is None:
            shapes = self._models[model.model_id] = _ModelShapes(model)
        return shapes

    def problems(self, spec: JobSpec) -> list[str]:
        """``validate_job``'s messages for this spec (a fresh list: callers may add to it)."""
        key = self._problem_key(spec)
        if key is None:
            return [p.message for p in validate_job(spec, self.catalog)]
        found = self._problems.get(key)
        if found is None:
            if len(self._problems) >= MAX_SHAPES:
                self._problems.clear()
            found = self._problems[key] = [p.message for p in validate_job(spec, self.catalog)]
        return list(found)

    def _problem_key(self, spec: JobSpec) -> tuple | None:
        """None when the answer may depend on more than the spec (a local file)."""
        model = self.catalog.get(spec.model)
        if model is None or not model.schema_loaded or not isinstance(spec.inputs, dict):
            return None
        shapes = self._shapes(model)
        parts = []
        for name, value in spec.inputs.items():
            shape = shapes.field(name)
            if shape.is_media:
                for item in (value if isinstance(value, list) else [value]):
                    if isinstance(item, str) and item and not is_remote_media(item, shape.media):
                        return None  # whether the file exists is not the spec's
            elif isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, dict) for v in value)):
                return None  # files may sit inside (subjects: [{images: [...]}])
            text = shapes.text_shape(name, value) if isinstance(value, str) else None
            parts.append((name, text if text is not None else _frozen(value)))
        name_ok = isinstance(spec.name, str) and bool(spec.name.strip())
        return spec.model, name_ok, spec.output_subfolder, bool(spec.image_from), tuple(parts)

    def price(self, spec: JobSpec, model: ModelInfo) -> tuple[str, Cost]:
        """(the key a live quote is kept under, the local estimate) for a spec of a known model."""
        if not isinstance(spec.inputs, dict):
            return price_key(spec.quote_body(model)), self.prices.estimate(model, spec.inputs)
        key = price_shape(spec)
        found = self._prices.get(key)
        if found is None:
            if len(self._prices) >= MAX_SHAPES:
                self._prices.clear()
            found = self._prices[key] = (price_key(spec.quote_body(model)), self.prices.estimate(model, spec.inputs))
        return found
