"""Every schema shape through the inputs form: a body shown by the form comes back exactly
(same JSON types: lists stay lists, objects stay objects, "5" stays "5")."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft7Validator
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFileDialog, QSpinBox

from app.engine.atlas.catalog import Catalog, ModelInfo
from app.engine.jobs.spec import MEDIA_SUFFIXES
from app.engine.atlas.shapes import Kind, classify
from app.ui.fieldeditors import (EnumBox, JsonEditor, MediaListEditor, MediaPicker, ObjectTableEditor, Unsettable,
                                 integer_range, media_filter)
from app.ui.schemaform import SchemaForm

NOTHING = object()
URL = "https://cdn.example.com/{name}-{index}.{suffix}"
SUFFIX = {"image": "png", "video": "mp4", "audio": "mp3"}


# --- a model per shape family ----------------------------------------------------------
def _model(model_id: str, kind: str, properties: dict, required=("prompt",), **extra) -> ModelInfo:
    schema = {"type": "object", "properties": properties, "required": list(required), **extra}
    return ModelInfo(model_id, kind, model_id, (), "", schema, {"model": model_id, "type": kind})


PROMPT = {"type": "string", "minLength": 1}
SHAPE_MODELS = [
    _model("test/media", "Image", {
        "prompt": PROMPT,
        "images": {"type": "array", "items": {"type": "string", "format": "uri"}, "minItems": 1, "maxItems": 10},
        "reference_images": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "videos": {"type": "array", "items": {"type": "string"}},
        "image_url": {"type": "string", "description": "URL of the input image"},
        "end_image": {"type": "string", "x-input-kind": "image"},
        "audio": {"type": "string"},
        "size": {"type": "string", "enum": ["1024*1024", "1280*720", "720*1280"], "default": "1024*1024"},
    }, required=("prompt", "images")),
    _model("test/structures", "Image", {
        "prompt": PROMPT,
        "loras": {"type": "array", "maxItems": 3, "items": {
            "type": "object", "required": ["path"],
            "properties": {"path": {"type": "string"}, "scale": {"type": "number", "minimum": 0, "maximum": 4}}}},
        "subjects": {"type": "array", "items": {
            "type": "object", "properties": {"name": {"type": "string"},
                                             "images": {"type": "array", "items": {"type": "string"}}}}},
        "optimize_prompt_options": {"type": "object", "properties": {
            "mode": {"type": "string", "enum": ["standard", "fast"]}}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "weights": {"type": "array", "items": {"type": "number"}, "minItems": 2},
        "anything": {"description": "no type we understand"},
        "text_or_number": {"type": ["string", "integer"]},
        "negative_prompt": {"type": "string", "default": ""},
        "size": {"type": "string", "pattern": "^[1-9][0-9]{2,3}\\*[1-9][0-9]{2,3}$", "default": "1024*1024"},
    }),
    _model("test/enums-and-numbers", "Video", {
        "prompt": PROMPT,
        "duration": {"type": "string", "enum": ["5", "10"], "default": "5"},
        "mixed": {"enum": ["5", 5, True]},
        "frames": {"type": "integer", "enum": [24, 48, 96]},
        "quality": {"type": "string", "enum": ["low", "high"]},
        "num_images": {"type": "integer", "minimum": 1, "maximum": 4, "default": 1},
        "seconds": {"type": "number", "minimum": 1.0, "maximum": 8.0, "default": 4.0},
        "guidance_scale": {"type": "number", "exclusiveMinimum": 0, "maximum": 20},
        "strength": {"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": True, "default": 0.5},
        "seed": {"type": "integer", "minimum": 0, "maximum": 4294967295},
        "steps": {"type": "integer"},
        "bgm": {"type": "boolean"},
        "sound": {"type": "boolean", "default": True},
        "prompt_extend": {"type": "boolean", "default": False},
    }),
    _model("test/rules", "Video", {
        "prompt": PROMPT,
        "resolution": {"type": "string", "enum": ["720p", "1080p"], "default": "720p"},
        "duration": {"type": "integer", "enum": [4, 6, 8], "default": 4},
    }, allOf=[{"if": {"properties": {"resolution": {"const": "1080p"}}, "required": ["resolution"]},
               "then": {"properties": {"duration": {"const": 8}}}, "description": "1080p requires duration 8"}]),
]


# --- a representative valid body per schema ----------------------------------------------
def _types(prop: dict) -> list[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return [k for k in kind if k != "null"]
    return [kind] if kind else []


def _count(prop: dict) -> int:
    low, high = prop.get("minItems", 0), prop.get("maxItems")
    count = max(2, low)
    return min(count, high) if high is not None else count


def _first_valid(prop: dict, candidates, avoid=NOTHING):
    validator = Draft7Validator(prop)
    for candidate in candidates:
        if avoid is not NOTHING and json.dumps(candidate) == json.dumps(avoid):
            continue
        if validator.is_valid(candidate):
            return candidate
    return NOTHING


def sample(name: str, prop: dict, avoid=NOTHING):
    """A valid value of the property's own type that differs from ``avoid`` (its default)."""
    if "const" in prop:
        return prop["const"]
    if isinstance(prop.get("enum"), list):
        return _first_valid(prop, reversed(prop["enum"]), avoid)
    shape = classify(name, prop)
    if shape.kind == Kind.MEDIA:
        return URL.format(name=name, index=0, suffix=SUFFIX[shape.media])
    if shape.kind == Kind.MEDIA_LIST:
        return [URL.format(name=name, index=i, suffix=SUFFIX[shape.media]) for i in range(_count(prop))]
    if shape.kind == Kind.BOOLEAN:
        return _first_valid(prop, [True, False], avoid)
    if shape.kind == Kind.INTEGER:
        low, high = integer_range(prop)
        candidates = [c for c in (low, high) if c is not None]
        candidates = [c + 1 for c in candidates] + [c - 1 for c in candidates] + candidates + [7, 3, 1, 0]
        return _first_valid(prop, candidates, avoid)
    if shape.kind == Kind.NUMBER:
        low, high = prop.get("minimum"), prop.get("maximum")
        middle = [round((low + high) / 2 + 0.25, 2)] if isinstance(low, (int, float)) and \
            isinstance(high, (int, float)) else []
        return _first_valid(prop, middle + [0.75, 2.5, 12.25, 0.3], avoid)
    if shape.kind in (Kind.TEXT, Kind.PROMPT):
        return _first_valid(prop, [f"a {name} value", "1280*720", "16:9"], avoid)
    if shape.kind in (Kind.OBJECT, Kind.OBJECT_LIST, Kind.LIST):
        item = prop.get("items", {}) if shape.is_list else prop
        if shape.is_list:
            values = [sample_item(f"{name}{i}", item) for i in range(_count(prop))]
            return NOTHING if NOTHING in values else values
        return sample_item(name, item)
    return _first_valid(prop, [{"note": "kept as JSON"}, ["a", 1], "text", 3, True], avoid)


def sample_item(name: str, prop: dict):
    if "object" in _types(prop) or "properties" in prop:
        properties = prop.get("properties") or {"mode": {"type": "string"}}
        value = {key: sample(key, sub) for key, sub in properties.items()}
        return {key: v for key, v in value.items() if v is not NOTHING}
    if _types(prop) == ["string"] and "enum" not in prop:
        return f"{name} item"
    return sample(name, prop)


def representative_body(model: ModelInfo) -> dict:
    defaults, required = model.defaults(), model.required
    body = {}
    for name, prop in model.properties.items():
        value = sample(name, prop, defaults.get(name, NOTHING))
        if value is NOTHING and name in required:
            value = defaults.get(name, NOTHING)
        if value is not NOTHING:
            body[name] = value
    validator = Draft7Validator(model.input_schema)
    for _ in range(3):  # if/then rules: take what the rule asks for
        errors = [e for e in validator.iter_errors(body) if list(e.schema_path)[:1] == ["allOf"]]
        if not errors:
            break
        for error in errors:
            rule = model.input_schema["allOf"][list(error.schema_path)[1]]
            for name, wanted in rule.get("then", {}).get("properties", {}).items():
                if "const" in wanted:
                    body[name] = wanted["const"]
    # What the form leaves out (the default) cannot come back.
    body = {k: v for k, v in body.items()
            if k in required or k not in defaults or json.dumps(v) != json.dumps(defaults[k])}
    problems = [e.message for e in validator.iter_errors(body)]
    assert not problems, (model.model_id, body, problems)
    return body


def _typed(value) -> str:
    return json.dumps(value, sort_keys=True)  # "5" vs 5, 1 vs 1.0 and true vs 1 all differ here


def _round_trip(qtbot, model: ModelInfo):
    body = representative_body(model)
    form = SchemaForm(model)
    qtbot.addWidget(form)
    form.set_values(body)
    assert not form.problems(), (model.model_id, form.problems())
    assert _typed(form.values()) == _typed(body), model.model_id
    if form.thumbnails is not None:
        form.thumbnails.wait()
    return form, body


# --- the round trips ------------------------------------------------------------------------
@pytest.mark.parametrize("model", SHAPE_MODELS, ids=lambda m: m.model_id)
def test_every_shape_comes_back_exactly(qtbot, model):
    form, body = _round_trip(qtbot, model)
    for name, field in form.fields.items():
        assert not isinstance(field.get(), str) or model.shapes[name].kind in (
            Kind.TEXT, Kind.PROMPT, Kind.MEDIA, Kind.ENUM, Kind.UNKNOWN), (name, field.get())


def test_the_shape_models_cover_every_kind():
    kinds = {shape.kind for model in SHAPE_MODELS for shape in model.shapes.values()}
    assert kinds == set(Kind)


def test_every_snapshot_model_comes_back_exactly(qtbot):
    catalog = Catalog.snapshot()
    assert catalog.models
    for model in catalog.models.values():
        form, _ = _round_trip(qtbot, model)
        form.deleteLater()


def test_every_synthetic_model_comes_back_exactly(qtbot):
    synthetic = pytest.importorskip("app.sim.synthetic", reason="the simulator's synthetic catalog is not there yet")
    rows, schemas = synthetic.synthetic_catalog(400, 7)
    catalog = Catalog.from_documents({"data": rows}, schemas, "synthetic")
    assert len(catalog.models) >= 300
    for model in catalog.models.values():
        form, _ = _round_trip(qtbot, model)
        form.deleteLater()


# --- the editors, one by one ------------------------------------------------------------------
def by_id(model_id):
    return next(m for m in SHAPE_MODELS if m.model_id == model_id)


def chosen(form) -> dict:
    """The form's values beside the required prompt (an empty prompt is sent, and refused, as it is)."""
    values = form.values()
    assert values.pop("prompt") == ""
    return values


@pytest.mark.parametrize("media", ["image", "video", "audio"])
def test_the_file_picker_offers_every_suffix_the_engine_uploads(qtbot, media):
    dialog = QFileDialog()
    qtbot.addWidget(dialog)
    dialog.setNameFilter(media_filter(media))
    kind, everything = dialog.nameFilters()
    assert everything == "All files (*)"
    offered = kind[kind.index("(") + 1:kind.rindex(")")].split()
    assert sorted(offered) == sorted(f"*{suffix}" for suffix in MEDIA_SUFFIXES[media])
    assert kind.startswith({"image": "Images (", "video": "Videos (", "audio": "Audio ("}[media])


def test_the_file_picker_knows_the_less_common_suffixes():
    assert "*.m4v" in media_filter("video") and "*.opus" in media_filter("audio") and "*.webp" in media_filter(None)


def test_widgets_per_shape(qtbot):
    media, structures, numbers = by_id("test/media"), by_id("test/structures"), by_id("test/enums-and-numbers")
    forms = [SchemaForm(m) for m in (media, structures, numbers)]
    for form in forms:
        qtbot.addWidget(form)
    media_form, structure_form, number_form = forms
    assert isinstance(media_form.fields["images"].widget, MediaListEditor)
    assert isinstance(media_form.fields["image_url"].widget, MediaPicker)
    assert "*.mp4" in media_filter("video") and "*.png" in media_filter("image") and "*.mp3" in media_filter("audio")
    assert isinstance(structure_form.fields["loras"].widget, ObjectTableEditor)
    for name in ("subjects", "optimize_prompt_options", "tags", "anything", "text_or_number"):
        assert isinstance(structure_form.fields[name].widget, JsonEditor), name
    seconds = number_form.fields["seconds"].widget
    assert isinstance(seconds, QDoubleSpinBox)
    assert (seconds.minimum(), seconds.maximum(), seconds.singleStep()) == (1.0, 8.0, 0.1)
    assert seconds.text() == "4"
    assert isinstance(number_form.fields["num_images"].widget, QSpinBox)
    assert isinstance(number_form.fields["seed"].widget, Unsettable)  # no default: may stay out
    assert number_form.fields["seed"].widget.inner.maximum() == 4294967295
    assert isinstance(number_form.fields["bgm"].widget, QComboBox)
    assert chosen(number_form) == {}  # nothing forced into the body, not even a 0


def test_string_enums_keep_their_type_and_mixed_ones_say_which(qtbot):
    form = SchemaForm(by_id("test/enums-and-numbers"))
    qtbot.addWidget(form)
    duration = form.fields["duration"].widget
    assert [duration.itemText(i) for i in range(duration.count())] == ["5", "10"]
    duration.setCurrentIndex(1)
    assert chosen(form) == {"duration": "10"}
    mixed = form.fields["mixed"].widget
    texts = [mixed.itemText(i) for i in range(mixed.count())]
    assert texts[1:] == ['"5" (text)', "5 (number)", "true (true/false)"]
    for value in ("5", 5, True):
        form.set_values({"mixed": value})
        assert _typed(chosen(form)) == _typed({"mixed": value})
    form.set_values({"duration": 10})  # an unquoted YAML number for the "10" entry
    assert chosen(form) == {"duration": "10"}
    form.set_values({"frames": 30})  # outside the enum: shown as it is, never swapped for another value
    assert chosen(form) == {"frames": 30} and "not allowed" in form.fields["frames"].widget.currentText()


def test_an_input_without_default_stays_unset_until_changed(qtbot):
    form = SchemaForm(by_id("test/enums-and-numbers"))
    qtbot.addWidget(form)
    changes = []
    form.field_changed.connect(lambda name, value: changes.append((name, value)))
    steps = form.fields["steps"].widget
    assert not steps.send.isChecked() and chosen(form) == {}
    steps.inner.setValue(30)
    assert steps.send.isChecked() and changes[-1] == ("steps", 30) and chosen(form) == {"steps": 30}
    steps.send.setChecked(False)
    assert changes[-1] == ("steps", None) and chosen(form) == {}
    form.fields["bgm"].widget.setCurrentIndex(2)
    assert changes[-1] == ("bgm", False) and chosen(form) == {"bgm": False}


def test_rules_still_force_and_explain(qtbot):
    form = SchemaForm(by_id("test/rules"))
    qtbot.addWidget(form)
    form.show()
    resolution = form.fields["resolution"].widget
    resolution.setCurrentIndex(resolution.findData("1080p"))
    assert chosen(form) == {"resolution": "1080p", "duration": 8}
    assert form.hints["duration"].isVisible() and "1080p requires duration 8" in form.hints["duration"].text()


def _editor(qtbot, media="image", min_items=2, max_items=3):
    editor = MediaListEditor(media, min_items, max_items, None)
    qtbot.addWidget(editor)
    editor.show()
    changes = []
    editor.changed.connect(lambda: changes.append(editor.value()))
    return editor, changes


def test_list_editor_adds_reorders_removes_and_keeps_the_limits(qtbot):
    editor, changes = _editor(qtbot)
    assert editor.hint.isVisible() and "at least 2" in editor.hint.text()
    editor.url.setText("https://a.example/1.png")
    editor.add_url_button.click()
    editor.add(["/tmp/two.png", "https://a.example/3.png", "https://a.example/4.png"])
    assert editor.value() == ["https://a.example/1.png", "/tmp/two.png", "https://a.example/3.png"]
    assert "1 not added" in editor.hint.text()
    assert not editor.add_url_button.isEnabled() and not editor.add_files_button.isEnabled()
    editor.items.setCurrentRow(2)
    editor.up_button.click()
    assert editor.value() == ["https://a.example/1.png", "https://a.example/3.png", "/tmp/two.png"]
    editor.down_button.click()
    assert editor.value()[2] == "https://a.example/3.png"
    editor.items.model().moveRow(editor.items.model().index(0, 0).parent(), 0,
                                 editor.items.model().index(0, 0).parent(), 3)  # what a drag does
    assert changes[-1] == editor.value() == ["/tmp/two.png", "https://a.example/3.png", "https://a.example/1.png"]
    editor.items.clearSelection()
    editor.items.setCurrentRow(0)
    editor.remove_button.click()
    assert editor.value() == ["https://a.example/3.png", "https://a.example/1.png"]
    assert editor.add_url_button.isEnabled() and not editor.hint.isVisible()
    editor.items.setCurrentRow(0)
    editor.remove_button.click()
    assert editor.hint.isVisible() and "now 1" in editor.hint.text()
    assert isinstance(changes[-1], list)


def test_list_editor_shows_a_local_image_as_a_thumbnail(qtbot, tmp_path):
    picture = QImage(64, 32, QImage.Format.Format_RGB32)
    picture.fill(QColor("teal"))
    path = str(tmp_path / "ref.png")
    assert picture.save(path)
    form = SchemaForm(by_id("test/media"))
    qtbot.addWidget(form)
    form.set_values({"prompt": "x", "images": [path, "https://cdn.example.com/a.png"], "end_image": path})
    editor, picker = form.fields["images"].widget, form.fields["end_image"].widget
    qtbot.waitUntil(lambda: not editor.items.item(0).icon().isNull() and not picker.picture.isHidden(),
                    timeout=5000)
    assert editor.items.item(1).icon().isNull()  # a URL is never fetched for a picture
    form.thumbnails.wait()


def test_json_editor_flags_invalid_text_and_does_not_emit_it(qtbot):
    form = SchemaForm(by_id("test/structures"))
    qtbot.addWidget(form)
    form.show()
    changes = []
    form.field_changed.connect(lambda name, value: changes.append((name, value)))
    editor = form.fields["optimize_prompt_options"].widget
    editor.text.setPlainText('{"mode": "standard"')
    assert editor.hint.isVisible() and "Not valid JSON" in editor.hint.text()
    assert not changes and "optimize_prompt_options" not in form.values()
    editor.text.setPlainText('{"mode": "slow"}')  # JSON, but not what the schema allows
    assert editor.hint.isVisible() and "mode" in editor.hint.text() and not changes
    editor.text.setPlainText('{"mode": "fast"}')
    assert not editor.hint.isVisible() and changes == [("optimize_prompt_options", {"mode": "fast"})]
    assert form.values()["optimize_prompt_options"] == {"mode": "fast"}


def test_table_editor_has_typed_cells(qtbot):
    form = SchemaForm(by_id("test/structures"))
    qtbot.addWidget(form)
    changes = []
    form.field_changed.connect(lambda name, value: changes.append((name, value)))
    table = form.fields["loras"].widget
    table.add_button.click()
    assert table.problem()  # path is required in a row
    table.table.item(0, 0).setText("https://hf.example/lora.safetensors")
    table.table.item(0, 1).setText("0.8")
    assert changes[-1] == ("loras", [{"path": "https://hf.example/lora.safetensors", "scale": 0.8}])
    table.table.item(0, 1).setText("strong")
    assert "not a number" in table.problem() and changes[-1][1][0]["scale"] == 0.8
    table.table.item(0, 1).setText("")
    assert changes[-1] == ("loras", [{"path": "https://hf.example/lora.safetensors"}])
    for _ in range(4):
        table.add_button.click()
    assert table.table.rowCount() == 3 and not table.add_button.isEnabled()
    table.set_value("not a list")  # kept as written, never lost
    assert table.value() == "not a list" and "Kept as written" in table.hint.text()


def test_enum_box_in_a_cell_keeps_types(qtbot):
    box = EnumBox([1, 2], optional=True)
    qtbot.addWidget(box)
    assert box.value() is None
    box.setCurrentIndex(box.findData(2))
    assert box.value() == 2 and isinstance(box.value(), int)
    assert box.itemData(0, Qt.ItemDataRole.DisplayRole) == "(not set)"
