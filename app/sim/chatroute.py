"""The HTTP side of /v1/chat/completions: auth, faults, a plain JSON reply or a server-sent
event stream. What the reply says is app.sim.llm's business."""

from __future__ import annotations

from app.sim import llm
from app.sim.state import body_hash


def serve(handler, http_error: type) -> None:
    """``handler`` is the simulator's request handler; ``http_error`` its HttpError class."""
    handler.entry["kind"] = "chat"
    handler._require_key()
    body = handler._json_body()
    digest = body_hash(body)
    attempt = handler.state.chat_attempt(digest)
    handler.entry.update(model=body.get("model"), attempt=attempt, stream=bool(body.get("stream")))
    if handler._fault("llm401", digest, attempt):
        raise http_error(401, "This API key has no access to the LLM models; enable them in the Atlas Cloud console.")
    if handler._fault("llm429", digest, attempt):
        raise http_error(429, "Too many requests: the rate limit was exceeded. Slow down and try again.")
    if handler._fault("llm500", digest, attempt):
        raise http_error(500, "Internal server error.")
    try:
        reply = llm.answer(body)
    except llm.ChatError as exc:
        raise http_error(exc.status, exc.message) from None
    handler.state.charge_text(reply.cost)
    handler.entry.update(prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens,
                         charged=f"{reply.cost:.8f}")
    if not body.get("stream"):
        return handler._send_json(200, reply.completion())
    options = body.get("stream_options") if isinstance(body.get("stream_options"), dict) else {}
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
    handler.send_header("Cache-Control", "no-cache")
    handler.send_header("X-Request-ID", handler.request_id)
    # The stream's end is the connection's end: no length is known in advance.
    handler.send_header("Connection", "close")
    handler.close_connection = True
    handler.end_headers()
    handler.entry["status"] = 200
    delay = handler.sim.llm_chunk_delay
    for line in reply.chunks(include_usage=bool(options.get("include_usage"))):
        handler.wfile.write(line)
        handler.wfile.flush()
        if delay > 0 and handler.server.stopping.wait(delay):
            break
