"""GET /api/v1/model/history: the account's tasks, newest first, as Atlas's MCP server reads them.

Every task the simulator created is listed, including those whose submit reply a fault
swallowed (submit500, reset): that is what the history is for. A new task shows only after
``SimState.history_lag`` seconds of the simulator's clock, because nothing promises the real
listing is immediate.
"""

from __future__ import annotations

from typing import Callable

from app.sim.state import SimState, SimTask

MAX_PAGE_SIZE = 100
STATUSES = ("created", "processing", "completed", "failed", "timeout")


class HistoryQueryError(ValueError):
    pass


def history_status(poll_status: str) -> str:
    """The history's coarser status words for what a poll says."""
    if poll_status in ("starting", "queued", "created"):
        return "created"
    return poll_status if poll_status in STATUSES else "processing"


def page(state: SimState, query: dict[str, list[str]],
         result_of: Callable[[SimTask], dict]) -> dict:
    """The reply's ``data``: ``{items, pageNo, pageSize, total}``; ``result_of`` builds the
    same object a poll of the task returns."""
    number = _positive(query, "no", 1)
    size = min(_positive(query, "size", 10), MAX_PAGE_SIZE)
    model = _one(query, "model")
    session_id = _one(query, "sessionID")
    status = _one(query, "status")
    if status is not None and status not in STATUSES:
        raise HistoryQueryError(f"status: must be one of {', '.join(STATUSES)}, not {status!r}")
    now = state.clock()
    chosen = []
    for task in state.tasks():
        if now - task.created_at < state.history_lag:
            continue  # not listed yet
        if model is not None and task.model.model_id != model:
            continue
        if session_id is not None and task.id != session_id:
            continue
        result = result_of(task)
        task_status = history_status(result["status"])
        if status is not None and task_status != status:
            continue
        chosen.append((task, task_status, result))
    chosen.sort(key=lambda item: item[0].created_at, reverse=True)
    state.count("history_reads")
    start = (number - 1) * size
    items = [{"ID": task.id, "status": task_status, "createdAt": int(task.created_unix),
              "model": task.model.model_id, "requestBody": task.request_body, "result": result}
             for task, task_status, result in chosen[start:start + size]]
    return {"items": items, "pageNo": number, "pageSize": size, "total": len(chosen)}


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values and values[0] != "" else None


def _positive(query: dict[str, list[str]], name: str, default: int) -> int:
    text = _one(query, name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise HistoryQueryError(f"{name}: must be a whole number, not {text!r}") from None
    if value < 1:
        raise HistoryQueryError(f"{name}: must be 1 or more, not {value}")
    return value


SAMPLE_BODIES = (
    {"model": "google/imagen4", "prompt": "a lighthouse on a cliff at dusk, made on another machine",
     "aspect_ratio": "16:9"},
    {"model": "google/imagen4-fast", "prompt": "바다 위를 나는 갈매기", "aspect_ratio": "1:1"},
    {"model": "black-forest-labs/flux-2-pro/text-to-image", "prompt": "a red bicycle against a blue wall",
     "size": "1024*1024"},
    {"model": "bytedance/seedance-v1.5-pro-fast/text-to-video", "prompt": "waves rolling onto a beach",
     "duration": 4, "resolution": "720p"},
)


def seed(state: SimState, count: int, age: float = 3600.0) -> None:
    """Tasks made "elsewhere" before this simulator started, already finished, so the demo's
    history has something to recover."""
    import json
    from datetime import datetime, timezone

    for index in range(count):
        body = dict(SAMPLE_BODIES[index % len(SAMPLE_BODIES)])
        model = state.catalog.get(body["model"])
        if model is None:
            continue
        inputs = {k: v for k, v in body.items() if k != "model"}
        task = state.create_task(model, inputs, f"seed-{index}", 1, state.quote(model, inputs).price,
                                 request_body=json.dumps(body, ensure_ascii=False))
        backdated = age * (count - index) / count
        task.created_at -= backdated
        wall = datetime.now(timezone.utc).timestamp() - backdated
        task.created_iso = datetime.fromtimestamp(wall, timezone.utc).isoformat(timespec="milliseconds").replace(
            "+00:00", "Z")
