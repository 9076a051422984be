"""Cron-style runs: --json events, the structured log, signed webhooks, and no secret on disk."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from app.engine.run.records import RunEvent
from app.engine.run.webhooks import WebhookSender
from app.sim import DEMO_KEY, SimServer

ROOT = Path(__file__).resolve().parents[2]
JOBS = "schema_version: 1\njobs:\n" + "".join(
    f"- {{name: 'shot {i}', model: google/imagen4-fast, inputs: {{prompt: 'product {i}'}}}}\n" for i in range(3))


class Receiver:
    """A loopback webhook endpoint that fails the first ``failures`` deliveries."""

    def __init__(self, failures: int = 0):
        self.requests: list[tuple[dict, bytes]] = []
        self.strays: list[tuple[str, bytes]] = []
        self.failures = failures
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != "/hook" or "X-BatchStudio-Event" not in self.headers:
                    # A loopback port is reused at once: a client of an earlier test's simulator
                    # (long stopped) may still post to this one. Counted apart, never as a delivery.
                    receiver.strays.append((self.path, body[:200]))
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with receiver.arrived:
                    failing = receiver.failures > 0
                    receiver.failures -= 1
                    if not failing:
                        receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    receiver.arrived.notify_all()
                self.send_response(500 if failing else 204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver")
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float = 30) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver():
    instance = Receiver()
    yield instance
    instance.close()


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "app", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, env={**os.environ, **(env or {})})


def test_json_prints_one_event_per_line_then_a_summary(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text(JOBS)
    result = cli("run", jobs, "--demo", "--out", tmp_path / "out", "--json", "--demo-speed", "50")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["kind"] == "estimate" and lines[-1]["kind"] == "summary"
    done = [e for e in lines if e.get("state") == "done"]
    assert len(done) == 3
    assert all(e["job"] and e["model"] and e["prediction_id"] and e["request_id"] and e["cost"] for e in done)
    assert lines[-1]["states"]["done"] == 3


def test_the_log_is_structured_and_rotating(tmp_path):
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text(JOBS)
    assert cli("run", jobs, "--demo", "--out", tmp_path / "out", "--demo-speed", "50").returncode == 0
    log = Path(os.environ["XDG_DATA_HOME"]) / "batch-studio" / "logs" / "batch-studio.log"
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    done = [e for e in entries if e.get("state") == "done"]
    assert len(done) == 3 and all(e["prediction_id"] and e["request_id"] and e["model"] for e in done)


def test_webhooks_are_signed_and_retried(receiver, tmp_path):
    receiver.failures = 2
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text(JOBS.replace("jobs:\n", f"webhook_url: {receiver.url}\njobs:\n", 1))
    secret = "whsec-test"
    result = cli("run", jobs, "--demo", "--out", tmp_path / "out", "--demo-speed", "50",
                 env={"BATCH_STUDIO_WEBHOOK_SECRET": secret})
    assert result.returncode == 0, result.stderr
    delivered = receiver.wait_for(4)
    events = [json.loads(body)["event"] for _, body in delivered]
    assert events.count("job.finished") == 3 and events[-1] == "batch.finished"
    for headers, body in delivered:
        expected = hmac.new(secret.encode(), headers["x-batchstudio-timestamp"].encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        assert headers["x-batchstudio-signature"] == f"sha256={expected}"


def test_an_unreachable_webhook_never_blocks_or_fails_the_run(tmp_path):
    sender = WebhookSender("http://127.0.0.1:9/nothing", "s", attempts=3, sleep=lambda s: None)
    sender.on_event(RunEvent(kind="job", state="done", job_name="x"))
    sender.on_event(RunEvent(kind="job", state="running", job_name="x"))  # not a webhook event
    sender.close()
    assert sender.failed == 1 and sender.delivered == 0


def test_no_file_any_run_writes_contains_the_api_key(receiver, tmp_path, qtbot, app_settings_dir):
    secret_key = f"apikey-secret-scan-{uuid.uuid4().hex}"
    jobs = tmp_path / "jobs.yaml"
    jobs.write_text(JOBS)
    with SimServer(port=0, speed=50, keys=(DEMO_KEY, secret_key)) as sim:
        env = {"ATLASCLOUD_API_KEY": secret_key, "ATLASCLOUD_BASE_URL": sim.base_url}
        run = cli("run", jobs, "--out", tmp_path / "out", "--yes", "--json", "--webhook", receiver.url, env=env)
        assert run.returncode == 0, run.stderr
        bad_key = cli("run", jobs, "--out", tmp_path / "bad", "--yes",
                      env={**env, "ATLASCLOUD_API_KEY": secret_key + "-revoked"})
        assert bad_key.returncode == 3
        for output in (run.stdout, run.stderr, bad_key.stdout, bad_key.stderr):
            assert secret_key not in output
        os.environ.update(env)
        try:
            run_the_app_once(qtbot, tmp_path / "app-out")
        finally:
            for name in env:
                os.environ.pop(name)
    receiver.wait_for(4)
    assert all(secret_key.encode() not in body for _, body in receiver.requests)
    scanned = [path for path in tmp_path.rglob("*") if path.is_file()]
    for path in scanned:
        assert secret_key.encode() not in path.read_bytes(), f"the API key is in {path}"
    names = {path.name for path in scanned}
    # What the app and the CLI write: logs, manifests, stores, a job set, settings, the catalog cache.
    assert {"batch-studio.log", "manifest.json", "jobs.sqlite", "jobs.yaml", "catalog-cache.json"} <= names
    assert any(path.suffix in (".ini", ".conf") for path in scanned)  # QSettings


def run_the_app_once(qtbot, out: Path) -> None:
    from app.engine.jobs.spec import JobSpec
    from app.ui.backend import Backend
    from app.ui.settings import AppSettings
    from app.ui.window import MainWindow

    backend = Backend(demo=False)
    window = MainWindow(AppSettings(), backend)
    qtbot.addWidget(window, before_close_func=MainWindow.shutdown)
    window.set_output_dir(out)
    window.jobs.insert([JobSpec("app shot", "google/imagen4", {"prompt": "from the app"})])
    window.costs.refresh_all()
    # The model's schema loads in the background (never on the GUI thread); the row is valid after.
    qtbot.waitUntil(lambda: not window.jobs.rows[0].problems, timeout=30000)
    window.costs.wait()
    from PySide6.QtWidgets import QMessageBox

    original = QMessageBox.question
    QMessageBox.question = lambda *a, **k: QMessageBox.StandardButton.Yes
    try:
        assert window.run_batch()
        qtbot.waitUntil(lambda: not window.controller.running, timeout=30000)
    finally:
        QMessageBox.question = original
    assert window.jobs.rows[0].state == "done"
    documents_path = out / "jobs.yaml"
    window._write(documents_path, adopt=True)
    window.shutdown()
    backend.close()


def test_the_readme_cron_example_runs_a_chain_and_a_catalogue_with_signed_webhooks(receiver, tmp_path):
    import av

    examples = ROOT / "resources" / "examples"
    for name in ("weekly.yaml", "weekly-products.csv"):
        (tmp_path / name).write_bytes((examples / name).read_bytes())
    result = subprocess.run([sys.executable, "-m", "app", "run", "weekly.yaml", "--json", "--webhook", receiver.url,
                             "--demo-speed", "40"], cwd=tmp_path, capture_output=True, text=True, timeout=240,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "BATCH_STUDIO_WEBHOOK_SECRET": "cron"})
    assert result.returncode == 0, result.stderr
    assert "DEMO MODE" in result.stderr
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["states"]["done"] == 15
    out = tmp_path / "weekly"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["successful"] == 15
    thumbnail = next(r for r in manifest["results"] if r["name"] == "weekly thumbnail")
    with av.open(str(out / next(r for r in manifest["results"] if r["name"] == "weekly clip wide")["local_path"])) as c:
        first_frame = next(c.decode(video=0)).to_image()
    from PIL import Image

    parent = Image.open(out / thumbnail["local_path"]).convert("RGB").resize(first_frame.size)
    difference = sum(abs(a - b) for a, b in zip(parent.getpixel((5, 5)), first_frame.getpixel((5, 5))))
    assert difference < 60  # the clip starts from the thumbnail, not from its own backdrop
    delivered = receiver.wait_for(16)
    events = [json.loads(body)["event"] for _, body in delivered]
    assert events.count("job.finished") == 15 and "batch.finished" in events
    headers, body = delivered[0]
    assert headers["x-batchstudio-signature"] == "sha256=" + hmac.new(
        b"cron", headers["x-batchstudio-timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
