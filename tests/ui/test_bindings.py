"""Guards against Qt binding bugs the app cannot work around."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    carried = Signal(object)


def test_emitting_python_objects_leaves_refcounts_alone(qapp):
    emitter = _Emitter()
    received = []
    emitter.carried.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for _ in range(500):
        emitter.carried.emit(None)
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert len(received) == 500
    assert after[0] == before[0] and after[1] == before[1], "this PySide6 build corrupts bool refcounts"
