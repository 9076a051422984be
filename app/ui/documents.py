"""Opening, importing and saving job sets from the window; errors come back as sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from app.engine.core.gcpause import collector_paused
from app.engine.jobs import jobset
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.spec import JobSpec

JOBSET_SUFFIXES = (".yaml", ".yml", ".json", ".csv")


def file_filter() -> str:
    return QCoreApplication.translate("documents", "Job sets (*.yaml *.yml *.json *.csv);;YAML (*.yaml *.yml);;"
                                                   "JSON (*.json);;CSV spreadsheets (*.csv)")


@dataclass
class Loaded:
    jobs: list[JobSpec]
    output_dir: Path | None
    concurrency: int | None
    notices: list[str]
    webhook_url: str | None = None
    template_count: int = 0
    draft: bool = False
    prompts_as_written: dict = field(default_factory=dict)  # prompt help's originals, by job name


def read(path: Path, catalog: Catalog) -> Loaded:
    """Raises JobSetError with located messages; the caller keeps its current list."""
    with collector_paused():
        loaded = jobset.load(path, catalog)
        jobs = loaded.resolved_jobs(catalog)
    output_dir = Path(loaded.output_dir).expanduser() if loaded.output_dir else None
    if output_dir is not None and not output_dir.is_absolute():
        output_dir = path.parent / output_dir
    return Loaded(jobs, output_dir, loaded.concurrency, loaded.notices, loaded.webhook_url,
                  loaded.template_count(), loaded.draft, dict(loaded.prompts_as_written))


def write(path: Path, jobs: list[JobSpec], output_dir: Path | None, concurrency: int | None,
          webhook_url: str | None = None, draft: bool = False, prompts_as_written: dict | None = None) -> None:
    if path.suffix.lower() not in JOBSET_SUFFIXES:
        path = path.with_suffix(".yaml")
    jobset.save(jobset.JobSet(jobs=list(jobs), output_dir=str(output_dir) if output_dir else None,
                              concurrency=concurrency, webhook_url=webhook_url, draft=draft,
                              prompts_as_written=dict(prompts_as_written or {})), path)
