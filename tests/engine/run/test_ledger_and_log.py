"""The spend ledger's group commit and the JSON log's rotating handler."""

from __future__ import annotations

import json
import logging
import threading
from datetime import date
from decimal import Decimal

from app.engine.run import ledger as ledger_module
from app.engine.run import logs
from app.engine.run.ledger import SpendLedger


def test_adds_from_many_threads_are_all_written_in_fewer_writes(tmp_path, monkeypatch):
    ledger = SpendLedger(tmp_path / "spend.json")
    writes = []
    first_write_started, release_first = threading.Event(), threading.Event()
    real = ledger_module.atomic_write_json

    def counting(path, document):
        writes.append(document["days"][date.today().isoformat()])
        if len(writes) == 1:
            first_write_started.set()
            release_first.wait(10)  # the other threads add while this write is under way
        real(path, document)
    monkeypatch.setattr(ledger_module, "atomic_write_json", counting)
    leader = threading.Thread(target=ledger.add, args=(Decimal("0.01"),))
    leader.start()
    assert first_write_started.wait(10)
    others = [threading.Thread(target=ledger.add, args=(Decimal("0.02"),)) for _ in range(20)]
    for thread in others:
        thread.start()
    for thread in others:
        thread.join(10)  # they return without waiting for the write under way
    assert all(not thread.is_alive() for thread in others)
    assert ledger.today() == Decimal("0.41")  # counted from the moment they were added
    release_first.set()
    leader.join(10)
    assert not leader.is_alive()
    assert writes == ["0.01", "0.41"]  # the twenty later adds in one write, by the first thread
    assert json.loads((tmp_path / "spend.json").read_text())["days"][date.today().isoformat()] == "0.41"
    assert ledger.today() == Decimal("0.41")


def test_on_a_slow_disk_an_add_writes_a_few_groups_then_leaves_the_rest_to_flush(tmp_path, monkeypatch):
    """Adds arriving during every write would keep one job's thread writing for the whole batch."""
    monkeypatch.setattr(ledger_module, "GROUP_ROUNDS", 1)
    ledger = SpendLedger(tmp_path / "spend.json")
    started, release = threading.Event(), threading.Event()
    real = ledger_module.atomic_write_json

    def slow(path, document):
        started.set()
        release.wait(10)
        real(path, document)
    monkeypatch.setattr(ledger_module, "atomic_write_json", slow)
    first = threading.Thread(target=ledger.add, args=(Decimal("1.00"),))
    first.start()
    assert started.wait(10)
    ledger.add(Decimal("0.50"))  # during the write: returns at once
    release.set()
    first.join(10)
    assert not first.is_alive()
    on_disk = json.loads((tmp_path / "spend.json").read_text())["days"][date.today().isoformat()]
    assert on_disk == "1.00" and ledger.today() == Decimal("1.50")
    ledger.flush()
    assert json.loads((tmp_path / "spend.json").read_text())["days"][date.today().isoformat()] == "1.50"
    assert ledger.today() == Decimal("1.50")

def test_a_failed_write_keeps_the_amount_for_the_next_add(tmp_path, monkeypatch):
    ledger = SpendLedger(tmp_path / "spend.json")
    real = ledger_module.atomic_write_json
    calls = []

    def full_disk_once(path, document):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        real(path, document)
    monkeypatch.setattr(ledger_module, "atomic_write_json", full_disk_once)
    try:
        ledger.add(Decimal("1.50"))
    except OSError:
        pass
    else:
        raise AssertionError("the caller must hear that the write failed")
    ledger.add(Decimal("0.25"))
    assert json.loads((tmp_path / "spend.json").read_text())["days"][date.today().isoformat()] == "1.75"
    assert ledger.today() == Decimal("1.75")


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_log_rotates_on_its_own_count_and_loses_no_line(tmp_path):
    path = tmp_path / "logs" / "app.log"
    path.parent.mkdir()
    path.write_text('{"message": "from before"}\n', encoding="utf-8")
    handler = logs._RotatingLines(path, 4000, 3)
    handler.setFormatter(logs._JsonLines())
    logger = logging.getLogger("test-rotating-lines")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        for number in range(300):
            logger.info("line %d é", number, extra={"fields": {"n": number}})  # not ASCII: bytes counted
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = [path] + [path.with_name(f"app.log.{n}") for n in (1, 2, 3)]
    assert all(f.exists() and f.stat().st_size < 4000 for f in files)
    numbers = [entry["n"] for f in reversed(files) for entry in _lines(f) if "n" in entry]
    assert numbers == list(range(numbers[0], 300)) and numbers[0] > 0  # in order, none missing or split
    assert not path.with_name("app.log.4").exists()


def test_the_log_counts_from_the_size_the_file_already_has(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("x" * 3990 + "\n", encoding="utf-8")
    handler = logs._RotatingLines(path, 4000, 2)
    handler.setFormatter(logs._JsonLines())
    handler.emit(logging.LogRecord("t", logging.INFO, __file__, 1, "one line", None, None))
    handler.close()
    assert path.with_name("app.log.1").read_text(encoding="utf-8").startswith("x" * 3990)
    assert [entry["message"] for entry in _lines(path)] == ["one line"]
