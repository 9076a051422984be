from __future__ import annotations

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox

from app.engine.atlas.catalog import Catalog
from app.ui.schemaform import SchemaForm


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


def test_widgets_follow_the_schema(qtbot, catalog):
    form = SchemaForm(catalog.get("bytedance/seedance-v1.5-pro/image-to-video"))
    qtbot.addWidget(form)
    widget = lambda name: form.fields[name].widget  # noqa: E731
    assert isinstance(widget("prompt"), QPlainTextEdit)
    assert isinstance(widget("duration"), QSpinBox)
    assert (widget("duration").minimum(), widget("duration").maximum(), widget("duration").value()) == (4, 12, 5)
    assert isinstance(widget("resolution"), QComboBox)
    assert [widget("resolution").itemText(i) for i in range(widget("resolution").count())] == ["480p", "720p"]
    assert widget("resolution").currentText() == "720p"
    assert isinstance(widget("camera_fixed"), QCheckBox) and not widget("camera_fixed").isChecked()
    assert widget("generate_audio").isChecked()
    assert widget("image").findChild(QLineEdit) and widget("image").findChild(QPushButton).text() == "Browse…"


def test_values_keep_only_what_differs_from_defaults(qtbot, catalog):
    form = SchemaForm(catalog.get("google/imagen4"))
    qtbot.addWidget(form)
    form.set_values({"prompt": "a fox", "aspect_ratio": "16:9"})
    assert form.values() == {"prompt": "a fox", "aspect_ratio": "16:9"}


def test_veo_1080p_forces_eight_seconds_and_says_why(qtbot, catalog):
    form = SchemaForm(catalog.get("google/veo3.1/text-to-video"))
    qtbot.addWidget(form)
    form.show()
    changes = []
    form.field_changed.connect(lambda name, value: changes.append((name, value)))
    duration, resolution = form.fields["duration"].widget, form.fields["resolution"].widget
    duration.setCurrentIndex(duration.findData(4))
    resolution.setCurrentIndex(resolution.findData("1080p"))
    assert duration.currentData() == 8 and not duration.isEnabled()
    hint = form.hints["duration"]
    assert hint.isVisible() and "1080p or 4k requires duration 8" in hint.text()
    assert ("resolution", "1080p") in changes and ("duration", 8) in changes
    resolution.setCurrentIndex(resolution.findData("720p"))
    assert duration.isEnabled() and not hint.isVisible()
