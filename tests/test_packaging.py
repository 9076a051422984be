"""An installed copy (pip install ., pipx) carries everything the app reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_the_resources(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("batch_studio-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", "resources"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split()
    # Everything the app reads at run time; translators' sources stay in the repository.
    wanted = ["app/" + name for name in tracked if not name.endswith((".ts", ".md"))]
    assert "app/resources/translations/batch_studio_ko.qm" in wanted
    # Every module of every package: packages are found, not listed, and this proves it.
    modules = subprocess.run(["git", "ls-files", "app/*.py"], cwd=ROOT, check=True, capture_output=True,
                             text=True).stdout.split()
    assert "app/engine/run/runner.py" in modules and "app/ui/review/view.py" in modules
    for required in (*wanted, *modules):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "batch-studio = app.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
