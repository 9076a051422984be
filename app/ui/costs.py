"""Live cost per row and in total: a local estimate at once, a live quote shortly after.

Quotes are debounced while the user types, asked once per distinct price-relevant body,
and fetched on a pool thread; each figure keeps its basis (quote or estimate).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from app.engine.atlas.catalog import Catalog
from app.engine.core.i18n import translate
from app.engine.jobs.checks import ShapeChecks
from app.engine.atlas.pricing import Cost, CostSummary, PriceTable, quote_bodies
from app.ui.backend import Backend
from app.ui.joblist import JobList
from app.ui.tasks import SlicedWork, Task

QUOTE_DEBOUNCE_MS = 600
SLICE_ROWS = 256  # rows between looks at the clock while walking the list


class CostService(QObject):
    totals_changed = Signal(object)  # CostSummary
    quotes_unavailable = Signal(str)
    schemas_needed = Signal(object)  # model ids whose schemas must load (off this thread) before pricing

    def __init__(self, jobs: JobList, backend: Backend, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        self.backend = backend
        self.prices = PriceTable.load()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._quotes: dict[str, Cost] = {}
        self._in_flight = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(QUOTE_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._request_quotes)
        self._needed: set[str] = set()
        self.schema_failures: dict[str, str] = {}  # model id -> why its schema could not be had
        self._checks = ShapeChecks(self.catalog, self.prices)
        self._asking: SlicedWork | None = None
        self._applying: SlicedWork | None = None

    @property
    def catalog(self) -> Catalog:
        return self.backend.catalog

    @property
    def checks(self) -> ShapeChecks:
        if self._checks.catalog is not self.catalog:  # a refreshed catalog: its schemas may differ
            self._checks = ShapeChecks(self.catalog, self.prices)
        return self._checks

    def refresh_rows(self, rows) -> None:
        """Re-validate and re-price rows after an edit; quotes follow after a pause in typing."""
        names = {job.spec.name for job in self.jobs.rows}  # once, not once per chained row
        checks, catalog = self.checks, self.catalog  # once: 50,000 rows may pass here
        count = len(self.jobs)
        for row in rows:
            if 0 <= row < count:
                self._price(row, names, checks, catalog)
        if self._needed:
            needed, self._needed = sorted(self._needed), set()
            self.schemas_needed.emit(needed)
        self._emit_totals()
        self._debounce.start()

    def refresh_all(self) -> None:
        self.refresh_rows(range(len(self.jobs)))

    def schemas_arrived(self, model_ids, failures: dict) -> None:
        """Prices again the rows that waited for these schemas; a failure becomes their problem."""
        arrived = set(model_ids)
        for model_id in arrived:
            self.schema_failures.pop(model_id, None)
        self.checks.clear()
        self.schema_failures.update(failures)
        self.refresh_rows([row for row, job in enumerate(self.jobs.rows) if job.spec.model in arrived])

    def _unloaded(self, job, model) -> bool:
        """Validating a model whose schema is not loaded would fetch it here, on the GUI thread:
        the row says why it waits, and ``schemas_needed`` asks for the schema instead."""
        if model is None or model.schema_loaded:
            return False
        reason = self.schema_failures.get(model.model_id)
        if reason is None:
            self._needed.add(model.model_id)
            job.problems = [translate("Validation", "loading the inputs of {model}…").format(model=model.model_id)]
        else:
            job.problems = [translate("Validation", "the inputs of {model} could not be loaded: {reason}").format(
                model=model.model_id, reason=reason)]
        if job.state in ("ready", "invalid"):
            job.state = "invalid"
        job.cost = None
        return True

    def _price(self, row: int, names: set[str], checks: ShapeChecks, catalog: Catalog) -> None:
        job = self.jobs.rows[row]
        model = catalog.get(job.spec.model)
        if self._unloaded(job, model):
            self.jobs.changed(row)
            return
        job.problems = checks.problems(job.spec)
        if job.spec.image_from and job.spec.image_from not in names:
            job.problems.append(translate("Validation", 'image_from names "{parent}", but no job has that name{hint}')
                                .format(parent=job.spec.image_from, hint=""))
        if job.state in ("ready", "invalid"):
            job.state = "invalid" if job.problems else "ready"
        if model is None:
            job.cost = None
        else:
            key, estimate = checks.price(job.spec, model)
            job.cost = self._quotes.get(key) or estimate
        self.jobs.changed(row)

    def summary(self, exact: bool = True) -> CostSummary:
        """Not ``exact`` while a batch runs: a burst of re-priced rows reaches the totals over a few looks."""
        return self.jobs.cost_summary(exact)

    def _emit_totals(self) -> None:
        self.totals_changed.emit(self.summary())

    def _request_quotes(self) -> None:
        if self._in_flight:
            self._debounce.start()
            return
        if self._asking is not None:
            self._asking.cancel()  # the list changed again: look at it afresh
        # Walking 50,000 rows for their price keys takes most of a second: a slice at a time.
        self._asking = SlicedWork(self._gather_quotes(), parent=self)
        self._asking.start()

    def _gather_quotes(self):
        bodies, keys, asked = [], [], set()
        checks, catalog, known = self.checks, self.catalog, self._quotes
        rows = list(self.jobs.rows)  # as they are now; an edit meanwhile asks again after its pause
        for first in range(0, len(rows), SLICE_ROWS):
            for job in rows[first:first + SLICE_ROWS]:
                model = catalog.get(job.spec.model)
                if model is None or job.problems:
                    continue
                key, _ = checks.price(job.spec, model)
                if key not in known and key not in asked:
                    bodies.append(job.spec.quote_body(model))
                    keys.append(key)
                    asked.add(key)
            yield
        self._asking = None
        if not bodies or not self.backend.has_key:
            return
        self._in_flight = True
        backend = self.backend

        def fetch():
            client = backend.client()
            try:
                return keys, quote_bodies(client, bodies)
            finally:
                client.close()

        task = Task(fetch)
        task.signals.done.connect(self._apply_quotes)
        task.signals.failed.connect(self._quote_failed)
        self.pool.start(task)

    def _apply_quotes(self, result) -> None:
        self._in_flight = False
        keys, (quotes, problem) = result
        for position, cost in quotes.items():
            self._quotes[keys[position]] = cost
        if problem:
            self.quotes_unavailable.emit(problem)
        if self._applying is not None:
            self._applying.cancel()
        self._applying = SlicedWork(self._apply_known_quotes(), parent=self)
        self._applying.start()

    def _apply_known_quotes(self):
        checks, catalog, known, jobs = self.checks, self.catalog, self._quotes, self.jobs
        rows = list(jobs.rows)
        for first in range(0, len(rows), SLICE_ROWS):
            for row in range(first, min(first + SLICE_ROWS, len(rows))):
                job = rows[row]
                if job.state not in ("ready", "invalid"):
                    continue  # a job that ran keeps what it cost (in draft mode, another model's price)
                model = catalog.get(job.spec.model)
                if model is not None and model.schema_loaded and job.cost is not None and not job.cost.is_quote:
                    quote = known.get(checks.price(job.spec, model)[0])
                    if quote is not None:
                        job.cost = quote
                        if row < len(jobs.rows) and jobs.rows[row] is job:  # else the list was rebuilt since
                            jobs.changed(row)
            yield
        self._applying = None
        self._emit_totals()

    def _quote_failed(self, text: str) -> None:
        self._in_flight = False
        self.quotes_unavailable.emit(text)

    def wait(self) -> None:
        self.pool.waitForDone()
