from __future__ import annotations

from app.engine.jobs.spec import JobSpec
from app.engine.run.records import RunEvent
from app.ui.joblist import JobList
from app.ui.tablemodel import COST, STATUS, JobTableModel


def specs(count):
    return [JobSpec(f"job {i}", "google/imagen4", {"prompt": f"p{i}"}) for i in range(count)]


def test_model_passes_the_model_tester(qtmodeltester, qtbot):
    jobs = JobList()
    model = JobTableModel(jobs)
    jobs.replace_all(specs(5))
    qtmodeltester.check(model)
    jobs.insert(specs(2), at=1)
    jobs.remove([0, 3])
    jobs.move([0, 1], 4)
    jobs.duplicate([2])
    qtmodeltester.check(model)
    assert len(jobs) == model.rowCount() == 6


def test_progress_repaints_are_coalesced(qtbot):
    jobs = JobList()
    model = JobTableModel(jobs, repaint_interval_ms=50)
    jobs.replace_all(specs(20))
    emitted = []
    model.dataChanged.connect(lambda first, last, roles=None: emitted.append((first.row(), last.row())))
    for row in range(20):
        for progress in (0.1, 0.2, 0.3):
            jobs.apply_event(row, RunEvent(kind="job", state="running", job_index=row, progress=progress))
    qtbot.waitUntil(lambda: bool(emitted), timeout=2000)
    assert emitted == [(0, 19)]
    assert model.index(5, STATUS).data() == "running"


def test_rows_show_state_cost_and_error(qtbot):
    jobs = JobList()
    model = JobTableModel(jobs)
    jobs.replace_all(specs(1))
    jobs.apply_event(0, RunEvent(kind="job", state="failed", job_index=0, error="rejected by moderation"))
    model.flush()
    from PySide6.QtCore import Qt

    assert model.index(0, STATUS).data() == "failed"
    assert model.index(0, STATUS).data(Qt.ItemDataRole.ToolTipRole) == "rejected by moderation"
    assert model.index(0, COST).data() == ""


def test_a_retrying_row_says_so_rather_than_failed(qtbot):
    jobs = JobList()
    model = JobTableModel(jobs)
    jobs.replace_all(specs(1))
    jobs.apply_event(0, RunEvent(kind="job", state="running", job_index=0, retrying=True, message="network down"))
    assert model.index(0, STATUS).data() == "running (retrying…)"


def test_drag_reorder_moves_rows(qtbot):
    jobs = JobList()
    model = JobTableModel(jobs)
    jobs.replace_all(specs(4))
    data = model.mimeData([model.index(0, 0), model.index(1, 0)])
    from PySide6.QtCore import QModelIndex, Qt

    model.dropMimeData(data, Qt.DropAction.MoveAction, 4, 0, QModelIndex())
    assert [j.spec.name for j in jobs.rows] == ["job 2", "job 3", "job 0", "job 1"]


def test_flags_are_qts_own_plus_drag_and_drop(qtbot):
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    jobs = JobList()
    model = JobTableModel(jobs)
    jobs.replace_all(specs(2))
    cell, root = model.index(1, STATUS), QModelIndex()
    assert model.flags(cell) == QAbstractTableModel.flags(model, cell) | Qt.ItemFlag.ItemIsDragEnabled
    assert model.flags(root) == QAbstractTableModel.flags(model, root) | Qt.ItemFlag.ItemIsDropEnabled
    model.editable = False
    assert model.flags(cell) == QAbstractTableModel.flags(model, cell)
    assert model.flags(root) == QAbstractTableModel.flags(model, root)
