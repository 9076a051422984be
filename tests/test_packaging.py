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
    for required in ("app/resources/catalog/models.json", "app/resources/pricing.json",
                     "app/resources/catalog/schemas/google__veo3.1__text-to-video.json",
                     "app/resources/examples/weekly.yaml", "app/resources/examples/products.csv",
                     "app/resources/icons/batch-studio-256.png", "app/sim/__main__.py", "app/ui/window.py",
                     "app/distributed/tasks.py"):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "batch-studio = app.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
