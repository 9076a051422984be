"""The simulator's HTTP front: routes, auth, error bodies, faults, and its lifecycle."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import struct
import tempfile
import threading
import time
import traceback
import uuid
from decimal import Decimal
from email.parser import BytesParser
from email.policy import default as default_email_policy
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from app import __version__
from app.sim.catalog import SUBMIT_ENDPOINT_BY_TYPE, SimCatalog, SimModel
from app.sim import chatroute, history
from app.sim.faults import FaultPlan
from app.sim.state import (DEFAULT_BALANCE, DEFAULT_OUTPUT_TTL, DEMO_KEY, InsufficientBalance, SimState,
                           SimTask, body_hash)

MAX_BODY_BYTES = 50 * 1024 * 1024
# Bodies up to this size are read and thrown away before a 413, so the client sees the
# answer instead of a broken pipe; anything larger just gets the answer and a closed socket.
DRAIN_LIMIT = 2 * MAX_BODY_BYTES
STRIPPED_SUBMIT_FIELDS = ("model", "enable_sync_mode", "enable_base64_output")
CONTENT_TYPES = {".png": "image/png", ".mp4": "video/mp4", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                 ".webp": "image/webp", ".gif": "image/gif", ".mov": "video/quicktime"}


class HttpError(Exception):
    def __init__(self, status: int, message: str, *, billing: bool = False, close: bool = False,
                 data: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.billing = billing
        self.close = close
        self.data = data


class _Dropped(Exception):
    """The connection is cut on purpose (a fault) or the client went away."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    # socketserver listens with a backlog of 5. A client that opens a connection per submit at
    # concurrency 32, while this process's threads hold the GIL, overflows that queue: Linux
    # then drops the handshake's last ACK, the client believes it is connected and sends its
    # submit, and later gets a reset, so the submit's outcome is unknown (the 50,000-job
    # bench's lost connections, counted by the kernel as ListenOverflows). A real API's
    # backlog is far larger; the kernel caps this one at net.core.somaxconn.
    request_queue_size = 1024

    def __init__(self, address, sim: "SimServer"):
        self.sim = sim
        self.stopping = threading.Event()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # A client that disconnects (or is killed) mid-request is ordinary, not a server fault.
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def drop_open_connections(self) -> None:
        """Idle keep-alive connections would otherwise hold their threads until the timeout."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"AtlasSim/{__version__}"
    # Bounds how long a stalled client (half a body, an idle keep-alive) can hold a thread.
    timeout = 30
    # Headers and body go out in separate writes; with Nagle on, the body waits ~40 ms for
    # the client's delayed ACK, which would swamp every latency figure.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format, *args):  # noqa: A002 - the request log replaces stderr lines
        pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = lambda self: self._dispatch()

    def do_HEAD(self):
        self._dispatch(head=True)

    # --- plumbing --------------------------------------------------------------------
    @property
    def sim(self) -> "SimServer":
        return self.server.sim

    @property
    def state(self) -> SimState:
        return self.server.sim.state

    def _dispatch(self, head: bool = False) -> None:
        self.request_id = "req-" + uuid.uuid4().hex
        self.head_only = head
        url = urlsplit(self.path)
        self.route_path = unquote(url.path)
        self.query = parse_qs(url.query)
        self.entry: dict = {"request_id": self.request_id, "method": self.command, "path": self.route_path,
                            "authorization": "Authorization" in self.headers}
        self.body_read = False
        started = time.perf_counter()
        try:
            self._maybe_slow()
            self._route()
            if not self._drain_unread_body():
                self.close_connection = True
        except HttpError as error:
            # A refused request's body must still be read, or its bytes would be taken for the
            # next request on this keep-alive connection.
            if not self._drain_unread_body():
                error.close = True
            self._send_error(error)
        except _Dropped:
            self.entry["status"] = "dropped"
            self._drop_connection()
        except (BrokenPipeError, ConnectionResetError):
            self.entry["status"] = "client-gone"
            self.close_connection = True
        except Exception:  # never a traceback to the client; the operator gets it on stderr
            traceback.print_exc()
            self._send_error(HttpError(500, "Internal simulator error", close=True))
        finally:
            self.entry["ms"] = round((time.perf_counter() - started) * 1000, 2)
            self.state.log.write(self.entry)

    def _maybe_slow(self) -> None:
        if self.route_path.startswith("/_sim/"):
            return
        plan = self.state.faults
        if plan.hits("slow", self.command, self.route_path, self.request_id):
            self.entry.setdefault("faults", []).append("slow")
            self.server.stopping.wait(plan.slow_seconds)

    def _send_json(self, status: int, payload: object, *, close: bool = False, headers: dict | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-ID", self.request_id)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not self.head_only:
            self.wfile.write(data)
        self.entry["status"] = status

    def _send_error(self, error: HttpError) -> None:
        if error.billing:
            kind = {401: "authentication_error", 402: "insufficient_balance", 429: "rate_limit_error"}
            payload = {"error": {"type": kind.get(error.status, "invalid_request_error"),
                                 "code": str(error.status), "message": error.message, "param": None},
                       "request_id": self.request_id}
        else:
            payload = {"code": error.status, "msg": error.message, "request_id": self.request_id,
                       "data": error.data}
        self.entry["error"] = error.message
        self._send_json(error.status, payload, close=error.close)

    def _drop_connection(self) -> None:
        self.close_connection = True
        try:
            # Linger 0 makes close() send a reset, as a dropped proxy connection does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass

    def _fault(self, name: str, *key: object) -> bool:
        if self.state.faults.hits(name, *key):
            self.entry.setdefault("faults", []).append(name)
            return True
        return False

    # --- request parsing -------------------------------------------------------------
    def _require_key(self, billing: bool = False) -> None:
        scheme, _, key = self.headers.get("Authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise HttpError(401, "Missing API key: send the header 'Authorization: Bearer <your key>'.",
                            billing=billing)
        if not key.startswith("apikey-"):
            raise HttpError(401, "Invalid API key format: Atlas Cloud keys start with 'apikey-'.", billing=billing)
        if key not in self.state.keys:
            raise HttpError(401, "Invalid API key: check the key in your Atlas Cloud console.", billing=billing)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise HttpError(400, "Chunked request bodies are not accepted; send a Content-Length.", close=True)
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            raise HttpError(400, "A request body with a Content-Length header is required.", close=True)
        try:
            length = int(raw_length)
            if length < 0:
                raise ValueError
        except ValueError:
            raise HttpError(400, f"Content-Length {raw_length!r} is not a valid size.", close=True) from None
        if length > MAX_BODY_BYTES:
            if length <= DRAIN_LIMIT:
                self._discard(length)
            raise HttpError(413, f"Request body is {length / 1048576:.1f} MB; the limit is 50 MB. Upload large "
                                 "files with /api/v1/model/uploadMedia and send their URL instead.", close=True)
        data = self.rfile.read(length)
        if len(data) < length:
            raise _Dropped()
        self.body_read = True
        return data

    def _discard(self, length: int) -> None:
        left = length
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                raise _Dropped()
            left -= len(chunk)
        self.body_read = True

    def _drain_unread_body(self) -> bool:
        """Reads and drops a declared body no handler read. False: the connection cannot be kept."""
        if self.body_read:
            return True
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return False
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return True
        try:
            length = int(raw_length)
        except ValueError:
            return False
        if length < 0 or length > DRAIN_LIMIT:
            return False
        try:
            self._discard(length)
        except (_Dropped, OSError):
            return False
        return True

    def _json_body(self) -> dict:
        content_type = self.headers.get_content_type()
        if content_type != "application/json":
            self._read_body()
            raise HttpError(400, f"Content-Type must be application/json, not {content_type}.")
        raw = self._read_body()
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HttpError(400, f"Request body is not valid JSON: {exc}.") from None
        if not isinstance(body, dict):
            raise HttpError(400, "Request body must be a JSON object.")
        return body

    def _model_for(self, body: dict) -> SimModel:
        model_id = body.get("model")
        if not isinstance(model_id, str) or not model_id:
            raise HttpError(400, "model: is required (a model id from GET /api/v1/models).")
        self.entry["model"] = model_id
        model = self.state.catalog.get(model_id)
        if model is None:
            raise HttpError(404, f"Model not found: {model_id}.")
        if not model.listed:
            raise HttpError(404, f"Model {model_id} is not available.")
        if model.type not in SUBMIT_ENDPOINT_BY_TYPE:
            raise HttpError(400, f"model: {model_id} is a {model.type} model; this API generates images and videos.")
        problems = model.problems(_inputs(body))
        if problems:
            raise HttpError(400, "; ".join(problems))
        return model

    # --- routes ----------------------------------------------------------------------
    def _route(self) -> None:
        path, method = self.route_path, self.command
        routes = [
            ("GET", "/api/v1/models", self._catalog),
            ("POST", "/api/v1/model/generateImage", lambda: self._submit("Image")),
            ("POST", "/api/v1/model/generateVideo", lambda: self._submit("Video")),
            ("POST", "/api/v1/model/uploadMedia", self._upload),
            ("POST", "/api/v1/model/calculate", self._calculate),
            ("GET", "/public/v1/balance", self._balance),
            ("GET", "/api/v1/model/history", self._history),
            ("POST", "/v1/chat/completions", lambda: chatroute.serve(self, HttpError)),
            ("GET", "/_sim/stats", self._stats),
            ("GET", "/_sim/log", self._log),
        ]
        prefixed = [
            ("GET", "/api/v1/models/schema/", self._schema),
            ("GET", "/api/v1/model/prediction/", self._poll),
            ("GET", "/files/outputs/", self._output_file),
            ("GET", "/files/uploads/", self._upload_file),
        ]
        effective = "GET" if method == "HEAD" else method
        known_path = False
        for route_method, route_path, handler in routes:
            if path == route_path:
                known_path = True
                if effective == route_method:
                    return handler()
        for route_method, prefix, handler in prefixed:
            if path.startswith(prefix) and len(path) > len(prefix):
                known_path = True
                if effective == route_method:
                    return handler()
        if known_path:
            raise HttpError(405, f"{method} is not allowed on {path}.")
        if path.startswith(("/api/", "/public/", "/v1/")):
            # The real gateway checks auth before routing, so a mistyped path reads as 401.
            raise HttpError(401, f"Unauthorized: {method} {path} is not an Atlas Cloud endpoint; "
                                 "check the path and the API key.", billing=path.startswith("/public/"))
        raise HttpError(404, f"Not found: {path}.")

    def _catalog(self) -> None:
        self.entry["kind"] = "catalog"
        self._send_json(200, self.state.catalog.catalog_bytes(self.sim.base_url))

    def _schema(self) -> None:
        self.entry["kind"] = "schema"
        if self.sim.schema_latency > 0:  # a static host far away, per document
            self.server.stopping.wait(self.sim.schema_latency)
        model_id = self.route_path[len("/api/v1/models/schema/"):].removesuffix(".json")
        document = self.state.catalog.schema_document(model_id, self.sim.base_url)
        if document is None:
            raise HttpError(404, f"No schema for model {model_id}.")
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        validators = {"ETag": '"' + hashlib.sha256(data).hexdigest()[:32] + '"',
                      "Last-Modified": self.sim.catalog_modified}
        if self._not_modified(validators["ETag"]):
            self.entry["not_modified"] = True
            return self._send_not_modified(validators)
        self._send_json(200, data, headers=validators)

    def _not_modified(self, etag: str) -> bool:
        """RFC 9110: If-None-Match decides when present; If-Modified-Since only without it."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                return parsedate_to_datetime(if_modified_since) >= parsedate_to_datetime(self.sim.catalog_modified)
            except (TypeError, ValueError):
                return False
        return False

    def _send_not_modified(self, validators: dict) -> None:
        self.send_response(304)
        self.send_header("X-Request-ID", self.request_id)
        for name, value in validators.items():
            self.send_header(name, value)
        self.end_headers()
        self.entry["status"] = 304

    def _submit(self, endpoint_type: str) -> None:
        self.entry["kind"] = "submit"
        self._require_key()
        body = self._json_body()
        model = self._model_for(body)
        if model.type != endpoint_type:
            right = SUBMIT_ENDPOINT_BY_TYPE[model.type]
            raise HttpError(400, f"model: {model.model_id} is a {model.type} model; submit it to "
                                 f"/api/v1/model/{right}.")
        digest = body_hash(body)
        attempt = self.state.attempt_number(digest)
        self.entry.update(body_sha256=digest, attempt=attempt)
        if self._fault("submit429", digest, attempt):
            raise HttpError(429, "Too many requests: the rate limit was exceeded. Slow down and try again.")
        inputs = _inputs(body)
        price = self.state.quote(model, inputs).price
        if self._fault("lost500", digest, attempt):
            raise HttpError(500, "Internal server error.")  # before anything was created
        try:
            task = self.state.create_task(model, inputs, digest, attempt, price,
                                          request_body=json.dumps(body, ensure_ascii=False))
        except InsufficientBalance as exc:
            raise HttpError(402, f"Insufficient balance: {exc}. Top up your Atlas Cloud account.") from None
        self.entry.update(task_id=task.id, charged=f"{price:.6f}", created=True)
        if self._fault("submit500", digest, attempt):
            raise HttpError(500, "Internal server error.")
        if self._fault("reset", "submit", digest, attempt):
            raise _Dropped()
        variant = self._variant("submit", digest, attempt)
        first_status = ("starting", "created", "queued", "starting")[variant % 4] if variant is not None else "starting"
        data = {"id": task.id, "model": model.model_id, "status": first_status, "outputs": [],
                "urls": {"get": self._poll_url(task)}, "created_at": task.created_iso,
                "has_nsfw_contents": [], "error": ""}
        code: object = "200" if variant is not None and variant % 2 else 200
        self._send_json(200, {"code": code, "message": "success", "data": data})

    def _history(self) -> None:
        self.entry["kind"] = "history"
        self._require_key()
        try:
            data = history.page(self.state, self.query, self._prediction_data)
        except history.HistoryQueryError as exc:
            raise HttpError(400, str(exc)) from None
        self._send_json(200, {"code": 200, "message": "success", "data": data})

    def _prediction_data(self, task: SimTask) -> dict:
        """What a poll of this task answers in ``data`` (the history's ``result``)."""
        status, error, error_code = self.state.status(task)
        outputs = [self._output_url(task, name) for name in task.output_names] if status == "completed" else []
        return {"id": task.id, "model": task.model.model_id, "status": status, "outputs": outputs,
                "urls": {"get": self._poll_url(task)}, "error": error, "error_code": error_code,
                "created_at": task.created_iso, "has_nsfw_contents": [False] * len(outputs)}

    def _poll(self) -> None:
        self.entry["kind"] = "poll"
        self._require_key()
        task_id = self.route_path[len("/api/v1/model/prediction/"):].strip("/")
        self.entry["task_id"] = task_id
        self.state.count("polls")
        task = self.state.get_task(task_id)
        if task is None:
            raise HttpError(404, f"Prediction not found: {task_id}.")
        task.polls += 1
        if self._fault("poll500", task.draw_key, task.polls):
            raise HttpError(500, "Internal server error.")
        if self._fault("reset", "poll", task.draw_key, task.polls):
            raise _Dropped()
        status, error, error_code = self.state.status(task)
        self.entry["task_status"] = status
        outputs = [self._output_url(task, name) for name in task.output_names] if status == "completed" else []
        data = {"id": task.id, "model": task.model.model_id, "status": status, "outputs": outputs,
                "urls": {"get": self._poll_url(task)}, "error": error, "error_code": error_code,
                "created_at": task.created_iso, "has_nsfw_contents": [False] * len(outputs)}
        variant = self._variant("poll", task.draw_key, task.polls)
        if variant is None:
            return self._send_json(200, {"code": 200, "message": "success", "data": data})
        self._send_poll_variant(variant, data, status, error)

    def _send_poll_variant(self, variant: int, data: dict, status: str, error: str) -> None:
        """The other reply shapes the documentation says clients must accept."""
        if variant == 0:
            return self._send_json(200, data)
        if variant == 1:
            return self._send_json(200, {"code": "200", "message": "success", "data": data})
        if variant == 2:
            data["output"] = data.pop("outputs")
        elif variant == 3 and data["outputs"]:
            data["outputs"] = data["outputs"][0]
        elif variant == 4:
            data["outputs"] = [{"url": url} for url in data["outputs"]]
        elif variant == 5 and status == "failed":
            return self._send_json(400, {"code": 400, "msg": error, "request_id": self.request_id, "data": data})
        self._send_json(200, {"code": 200, "message": "success", "data": data})

    def _variant(self, *key: object) -> int | None:
        plan = self.state.faults
        if not self._fault("variant", *key):
            return None
        return int(plan.draw("variant-pick", *key) * 6)

    def _upload(self) -> None:
        self.entry["kind"] = "upload"
        self._require_key()
        content_type = self.headers.get("Content-Type", "")
        if self.headers.get_content_type() != "multipart/form-data":
            self._read_body()
            raise HttpError(400, "uploadMedia takes multipart/form-data with one field named 'file'.")
        raw = self._read_body()
        message = BytesParser(policy=default_email_policy).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + raw)
        upload = None
        if message.is_multipart():
            for part in message.iter_parts():
                if part.get_param("name", header="content-disposition") == "file":
                    upload = part
                    break
        if upload is None:
            raise HttpError(400, "file: is required (multipart/form-data with one field named 'file').")
        data = upload.get_payload(decode=True) or b""
        if not data:
            raise HttpError(400, "file: the uploaded file is empty.")
        filename = upload.get_filename() or "upload.bin"
        name, size = self.state.store_upload(data, filename)
        self.entry.update(bytes=size, upload=name)
        self._send_json(200, {"code": 200, "message": "success",
                              "data": {"download_url": f"{self.sim.base_url}/files/uploads/{name}",
                                       "filename": filename, "size": size}})

    def _calculate(self) -> None:
        self.entry["kind"] = "quote"
        self._require_key()
        body = self._json_body()
        model = self._model_for(body)
        self.state.count("quotes")
        quote = self.state.quote(model, _inputs(body))
        variant = self._variant("quote", body_hash(body), self.request_id)
        if variant is not None and variant % 2:
            data = {"price": f"{quote.price:.6f}", "origin_price": f"{quote.origin_price:.6f}",
                    "discount": str(quote.discount), "estimated": False, "estimate_partial": False}
        else:
            data = {"price": float(quote.price), "origin_price": float(quote.origin_price),
                    "discount": float(quote.discount), "estimated": False, "estimate_partial": False}
        if variant is not None and variant >= 3:
            return self._send_json(200, data)
        self._send_json(200, {"code": 200, "msg": "success", "data": data})

    def _balance(self) -> None:
        self.entry["kind"] = "balance"
        self._require_key(billing=True)
        self.state.count("balance_checks")
        self.state.settle()
        self._send_json(200, {"object": "balance",
                              "available": {"value": f"{self.state.balance:.6f}", "currency": "usd"},
                              "pending": {"value": "0.000000", "currency": "usd"}})

    def _stats(self) -> None:
        self.entry["kind"] = "sim"
        self._send_json(200, self.state.stats())

    def _log(self) -> None:
        self.entry["kind"] = "sim"
        tail = int((self.query.get("tail") or ["1000"])[0])
        self._send_json(200, self.state.log.entries()[-tail:])

    def _output_file(self) -> None:
        self.entry["kind"] = "download"
        self._note_authorization()
        task_id, _, name = self.route_path[len("/files/outputs/"):].partition("/")
        self.entry["task_id"] = task_id
        task = self.state.get_task(task_id)
        path = task.output_file(name) if task is not None else None
        if path is None:
            raise HttpError(404, "Not found.")
        if self.state.output_expired(task):
            raise HttpError(404, "The output URL has expired.")
        task.downloads += 1
        truncate = self._fault("truncate", task.draw_key, task.downloads)
        self._send_file(path, truncate=truncate)

    def _upload_file(self) -> None:
        self.entry["kind"] = "download"
        self._note_authorization()
        name = self.route_path[len("/files/uploads/"):]
        path = self.state.data_dir / "uploads" / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise HttpError(404, "Not found.")
        self._send_file(path, truncate=False)

    def _note_authorization(self) -> None:
        """The CDN ignores Authorization; we only record it so tests can prove clients never send it."""
        self.state.count("downloads")
        if "Authorization" in self.headers:
            self.state.count("downloads_with_authorization")

    def _send_file(self, path: Path, truncate: bool) -> None:
        size = path.stat().st_size
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream"))
        self.send_header("Content-Length", str(size))
        self.send_header("X-Request-ID", self.request_id)
        self.end_headers()
        self.entry.update(status=200, bytes=size)
        if self.head_only:
            return
        limit = size // 2 if truncate else size
        with open(path, "rb") as handle:
            shutil.copyfileobj(_Limited(handle, limit), self.wfile, 1 << 20)
        if truncate:
            self.entry["bytes_sent"] = limit
            raise _Dropped()

    # --- urls ------------------------------------------------------------------------
    def _poll_url(self, task: SimTask) -> str:
        return f"{self.sim.base_url}/api/v1/model/prediction/{task.id}"

    def _output_url(self, task: SimTask, name: str | None = None) -> str:
        return f"{self.sim.base_url}/files/outputs/{task.id}/{name or task.output_name}"


class _Limited:
    def __init__(self, handle, limit: int):
        self._handle, self._left = handle, limit

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size < 0 else min(size, self._left)
        data = self._handle.read(size)
        self._left -= len(data)
        return data


def _inputs(body: dict) -> dict:
    return {key: value for key, value in body.items() if key not in STRIPPED_SUBMIT_FIELDS}


def sized_catalog(extra_models: int, seed: int = 0) -> SimCatalog:
    """The bundled catalog plus ``extra_models`` generated ones, for a catalog of real size."""
    from app.sim.synthetic import synthetic_catalog

    return SimCatalog(extra=synthetic_catalog(extra_models, seed=seed))


class SimServer:
    """A running simulator on loopback. Use as a context manager, or start() and stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, speed: float = 1.0,
                 faults: FaultPlan | str | None = None, seed: int = 0, log_path: Path | None = None,
                 clock=time.monotonic, balance: Decimal | str = DEFAULT_BALANCE,
                 output_ttl: float = DEFAULT_OUTPUT_TTL, keys: tuple[str, ...] = (DEMO_KEY,),
                 data_dir: Path | None = None, pad_video_bytes: int = 0, catalog: SimCatalog | None = None,
                 persist: bool = False, extra_models: int = 0, schema_latency: float = 0.0,
                 history_lag: float = 0.0, llm_chunk_delay: float = 0.02, history_seed: int = 0,
                 cheap_media: bool = False):
        plan = faults if isinstance(faults, FaultPlan) else FaultPlan.parse(faults, seed=seed)
        if extra_models and catalog is None:
            catalog = sized_catalog(extra_models, seed)
        self.schema_latency = schema_latency  # seconds added to every schema document
        self.llm_chunk_delay = llm_chunk_delay  # seconds between streamed LLM chunks, so streaming shows
        # Schemas change when the catalog does: never while this simulator runs.
        self.catalog_modified = formatdate(time.time(), usegmt=True)
        self._own_data_dir = data_dir is None
        self.data_dir = Path(tempfile.mkdtemp(prefix="atlas-sim-")) if data_dir is None else Path(data_dir)
        self.state = SimState(data_dir=self.data_dir, catalog=catalog, faults=plan, speed=speed, clock=clock,
                              balance=Decimal(str(balance)), output_ttl=output_ttl, keys=keys,
                              log_path=log_path, pad_video_bytes=pad_video_bytes, persist=persist,
                              history_lag=history_lag, cheap_media=cheap_media)
        if history_seed:
            history.seed(self.state, history_seed)  # the demo's "made elsewhere" generations
        self._host, self._port = host, port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the simulator is not running")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def port(self) -> int:
        return self._httpd.server_address[1] if self._httpd else self._port

    def start(self) -> "SimServer":
        self._httpd = _HTTPServer((self._host, self._port), self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="atlas-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        httpd, self._httpd = self._httpd, None
        httpd.stopping.set()
        httpd.shutdown()
        httpd.drop_open_connections()
        httpd.server_close()  # joins every request thread
        if self._thread is not None:
            self._thread.join()
        self.state.close()
        if self._own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> "SimServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stats(self) -> dict:
        return self.state.stats()

    def log_entries(self, until=None, timeout: float = 10.0) -> list[dict]:
        """The request log; with ``until``, waits (up to ``timeout``) until it holds for the entries."""
        if until is None:
            return self.state.log.entries()
        return self.state.log.wait_for(until, timeout)
