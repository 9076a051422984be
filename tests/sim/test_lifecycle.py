"""Starting, stopping and running the simulator as a program."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from app.sim import DEMO_KEY, SimServer

ROOT = Path(__file__).resolve().parents[2]


def test_port_zero_gives_a_free_port_and_stop_is_clean():
    with SimServer(port=0) as sim:
        assert sim.port > 0 and sim.base_url.endswith(str(sim.port))
        session = requests.Session()
        # An idle keep-alive connection must not hold stop() up.
        assert session.get(f"{sim.base_url}/api/v1/models", timeout=10).status_code == 200
        data_dir = sim.data_dir
    session.close()
    assert not data_dir.exists()


def test_stop_twice_is_harmless():
    sim = SimServer(port=0).start()
    sim.stop()
    sim.stop()


def test_the_simulator_imports_no_qt():
    code = ("import sys, app.sim, app.sim.__main__; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_command_line_serves_until_sigterm(tmp_path):
    log = tmp_path / "requests.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "app.sim", "--port", "0", "--speed", "50", "--seed", "4",
                                "--faults", "poll500=0.1", "--log", str(log)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in first
        base = first.split("listening on ", 1)[1].strip()
        reply = requests.post(f"{base}/api/v1/model/generateImage", json={"model": "google/imagen4", "prompt": "x"},
                              headers={"Authorization": f"Bearer {DEMO_KEY}"}, timeout=10)
        assert reply.status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert any(e.get("kind") == "submit" for e in entries)


def test_command_line_rejects_a_bad_fault_spec():
    result = subprocess.run([sys.executable, "-m", "app.sim", "--faults", "boom=1"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, env={**os.environ})
    assert result.returncode == 2 and "unknown fault 'boom'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_simulator_with_a_data_dir_remembers_tasks_across_restarts(tmp_path):
    import time

    from tests.sim.doc_client import DocClient

    first = SimServer(port=0, data_dir=tmp_path / "sim", persist=True, clock=time.time, speed=1000).start()
    client = DocClient(first.base_url, DEMO_KEY, sleep=lambda s: first.state.wait_media_idle())
    task = client.submit({"model": "google/imagen4", "prompt": "remember me"}, "Image")
    charged = first.stats()["charged"]
    first.state.wait_media_idle()
    client.close()
    first.stop()
    second = SimServer(port=0, data_dir=tmp_path / "sim", persist=True, clock=time.time, speed=1000).start()
    try:
        again = DocClient(second.base_url, DEMO_KEY, sleep=lambda s: second.state.wait_media_idle())
        result = again.wait(task["id"])
        assert result.status == "completed" and again.download(result.outputs[0])[:4] == b"\x89PNG"
        assert second.stats()["charged"] == charged and second.stats()["duplicate_submits"] == 0
        again.close()
    finally:
        second.stop()


def test_a_burst_of_connections_waits_in_the_listen_queue_instead_of_being_dropped():
    """While the accept loop is busy, new connections queue in the kernel. With socketserver's
    backlog of 5 the kernel drops the rest of a burst's handshakes, and a client that sent its
    submit on such a connection later learns nothing of its outcome (the 50,000-job bench's
    lost submits). A connect that times out here is a dropped handshake."""
    import socket
    import threading

    with SimServer(port=0) as sim:
        httpd = sim._httpd
        busy, release = threading.Event(), threading.Event()
        real = httpd.process_request

        def held(request, client_address):
            busy.set()
            release.wait(30)
            real(request, client_address)
        httpd.process_request = held
        sockets = []
        try:
            sockets.append(socket.create_connection(("127.0.0.1", sim.port), timeout=5))
            assert busy.wait(10)  # the accept loop now holds the first connection
            for _ in range(64):
                sockets.append(socket.create_connection(("127.0.0.1", sim.port), timeout=0.5))
        finally:
            release.set()
            httpd.process_request = real
            for sock in sockets:
                sock.close()
        assert len(sockets) == 65
