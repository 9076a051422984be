"""The Atlas Cloud HTTP client, exactly as shared/atlas-api.md describes the protocol.

This is the only module that imports requests. It never retries a submit whose outcome
it did not see, and never sends the API key anywhere but the API host.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from app import __version__
from app.engine.atlas.errors import (AtlasError, AuthError, DownloadError, FatalError, InsufficientBalanceError,
                               NotFoundError, OutputExpiredError, ProtocolError, RateLimitedError, RetryableError,
                               UnknownOutcomeError)

DEFAULT_BASE_URL = "https://api.atlascloud.ai"
USER_AGENT = f"BatchStudio/{__version__} (+batch image and video generation; python-requests/{requests.__version__})"

DONE_STATUSES = frozenset({"completed", "succeeded", "success"})
FAILED_STATUSES = frozenset({"failed", "error", "timeout", "canceled", "cancelled"})
MODERATION_CODE = 1039
MAX_INLINE_BODY = 50 * 1024 * 1024
SUBMIT_PATH = {"Image": "/api/v1/model/generateImage", "Video": "/api/v1/model/generateVideo"}
# Connections kept per host: a batch runs up to twice its concurrency (32 at most) of job threads,
# and a smaller pool throws away (and logs) every connection beyond it.
POOL_SIZE = 64


@dataclass(frozen=True)
class Timeouts:
    connect: float = 10.0
    read: float = 60.0
    # A submit can sit in the provider's queue a while before it answers.
    submit_read: float = 120.0
    download_read: float = 120.0


@dataclass(frozen=True)
class Submission:
    prediction_id: str
    status: str
    poll_url: str | None
    request_id: str | None


@dataclass(frozen=True)
class Prediction:
    prediction_id: str
    status: str
    outputs: tuple[str, ...] = ()
    error: str = ""
    error_code: object = None
    request_id: str | None = None

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def is_failed(self) -> bool:
        return self.status in FAILED_STATUSES

    @property
    def is_moderated(self) -> bool:
        return str(self.error_code) == str(MODERATION_CODE)


@dataclass(frozen=True)
class Quote:
    price: Decimal
    origin_price: Decimal | None = None
    discount: Decimal | None = None
    estimated: bool = False
    estimate_partial: bool = False
    request_id: str | None = None


@dataclass(frozen=True)
class SchemaReply:
    document: dict | None  # None: not modified since the copy the caller holds
    etag: str | None
    last_modified: str | None
    request_id: str | None = None


@dataclass(frozen=True)
class HistoryItem:
    """One task of the account, as ``GET /api/v1/model/history`` lists it."""
    prediction_id: str
    status: str  # created, processing, completed, failed or timeout
    created_at: float  # unix seconds
    model: str
    request_body: str  # the submit body as a JSON string
    result: Prediction | None  # what a poll would answer, when the item carries it

    def body(self) -> dict | None:
        """The submit body, parsed; None when it is missing or not a JSON object."""
        try:
            parsed = json.loads(self.request_body)
        except (TypeError, ValueError):
            return None
        return parsed if isinstance(parsed, dict) else None


@dataclass(frozen=True)
class HistoryPage:
    items: tuple[HistoryItem, ...]
    page: int
    size: int
    total: int
    request_id: str | None = None


HISTORY_STATUSES = ("created", "processing", "completed", "failed", "timeout")
HISTORY_PAGE_SIZE = 50  # Atlas's own client asks for at most this many


@dataclass(frozen=True)
class Download:
    path: Path
    bytes: int
    sha256: str


@dataclass
class Backoff:
    """Jittered exponential backoff ("full jitter"): spreads retries from many jobs apart."""

    base: float = 1.0
    cap: float = 30.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0.5, 1.0) * min(self.cap, self.base * (2 ** attempt))


class AtlasClient:
    def __init__(self, base_url: str = DEFAULT_BASE_URL, api_key: str | None = None, *,
                 session: requests.Session | None = None, timeouts: Timeouts = Timeouts(),
                 sleep: Callable[[float], None] = time.sleep, backoff: Backoff | None = None,
                 max_submit_retries: int = 6):
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._session = session or _pooled(requests.Session())
        self._session.headers["User-Agent"] = USER_AGENT
        # The API host's calls skip requests' per-request look at the environment (proxies, CA
        # bundle, ~/.netrc): it is looked up once here, for this one host.
        self._api = session or _for_host(_pooled(requests.Session()), self.base_url)
        self._submits = _for_host(_one_use(requests.Session()), self.base_url)
        self.timeouts = timeouts
        self._sleep = sleep
        self.backoff = backoff or Backoff()
        self.max_submit_retries = max_submit_retries

    def __repr__(self) -> str:  # the key must never show up in a log or a traceback
        return f"AtlasClient({self.base_url!r}, key={'set' if self._api_key else 'none'})"

    @property
    def has_key(self) -> bool:
        return bool(self._api_key)

    def close(self) -> None:
        self._session.close()
        self._api.close()
        self._submits.close()

    # --- catalog ---------------------------------------------------------------------
    def list_models(self) -> list[dict]:
        body, request_id = self._json_call("GET", "/api/v1/models", auth=False)
        data = body.get("data") if isinstance(body, dict) else None
        if not _code_ok(body) or not isinstance(data, list):
            raise ProtocolError("the model catalog reply has no data list", request_id=request_id)
        return data

    def fetch_schema(self, url: str) -> dict:
        return self.fetch_schema_if_changed(url).document

    def fetch_schema_if_changed(self, url: str, *, etag: str | None = None,
                                last_modified: str | None = None) -> SchemaReply:
        """A schema document, or ``document=None`` when the server says the cached copy is current (304)."""
        conditions = {}
        if etag:
            conditions["If-None-Match"] = etag
        if last_modified:
            conditions["If-Modified-Since"] = last_modified
        response = self._send("GET", url, auth=False, headers=conditions)
        request_id = response.headers.get("X-Request-ID")
        if response.status_code == 304 and conditions:
            return SchemaReply(None, response.headers.get("ETag") or etag,
                               response.headers.get("Last-Modified") or last_modified, request_id)
        body = self._checked_json(response)
        try:
            body["components"]["schemas"]["Input"]
        except (KeyError, TypeError):
            raise ProtocolError(f"the schema at {url} has no components.schemas.Input",
                                request_id=request_id) from None
        return SchemaReply(body, response.headers.get("ETag"), response.headers.get("Last-Modified"), request_id)

    # --- submit ----------------------------------------------------------------------
    def submit(self, model_type: str, body: dict) -> Submission:
        """Creates a task (and is billed for it). Retries only where nothing was created."""
        path = SUBMIT_PATH.get(model_type)
        if path is None:
            raise FatalError(f"{body.get('model')} is a {model_type} model; Batch Studio submits images and videos")
        attempt = 0
        while True:
            try:
                return self._submit_once(path, body)
            except RateLimitedError:
                if attempt >= self.max_submit_retries:
                    raise
            except _NothingSent as exc:
                if attempt >= self.max_submit_retries:
                    raise RetryableError(f"cannot reach {self.base_url}: {exc}") from None
            self._sleep(self.backoff.delay(attempt))
            attempt += 1

    def _submit_once(self, path: str, body: dict) -> Submission:
        # A fresh connection per submit (the session's pools never keep one): reusing a pooled
        # one the server just closed would turn a harmless reconnect into an unknown outcome.
        try:
            response = self._submits.post(self.base_url + path, json=body, headers=self._auth_headers(),
                                          timeout=(self.timeouts.connect, self.timeouts.submit_read))
        except requests.RequestException as exc:
            if _nothing_was_sent(exc):
                raise _NothingSent(_describe_network_error(exc)) from None
            raise UnknownOutcomeError(
                f"the submit may or may not have reached Atlas Cloud ({_describe_network_error(exc)}); "
                "it was not resent, so it cannot be charged twice") from None
        request_id = response.headers.get("X-Request-ID")
        parsed = _json_or_none(response)
        if response.status_code == 429:
            raise RateLimitedError("rate limited (429): nothing was created", status=429, request_id=request_id)
        if response.status_code >= 500:
            raise UnknownOutcomeError(
                f"Atlas Cloud answered {response.status_code} to the submit ({_message(parsed) or 'no detail'}); "
                "the task may exist and be billed, so it was not resent", status=response.status_code,
                request_id=request_id)
        if not response.ok:
            raise _error_for(response.status_code, _message(parsed), request_id)
        data = parsed.get("data") if isinstance(parsed, dict) else None
        if not isinstance(data, dict) or not data.get("id") or not _code_ok(parsed):
            code = parsed.get("code") if isinstance(parsed, dict) else None
            if _as_int(code) and _as_int(code) not in (200, 429) and _as_int(code) < 500:
                raise _error_for(_as_int(code), _message(parsed), request_id)
            raise UnknownOutcomeError("the submit reply has no task id; the task may exist, so it was not resent",
                                      status=response.status_code, request_id=request_id)
        urls = data.get("urls") if isinstance(data.get("urls"), dict) else {}
        return Submission(str(data["id"]), str(data.get("status") or "created"), urls.get("get"), request_id)

    # --- poll ------------------------------------------------------------------------
    def poll(self, prediction_id: str) -> Prediction:
        url = f"{self.base_url}/api/v1/model/prediction/{prediction_id}"
        try:
            response = self._api.get(url, headers=self._auth_headers(),
                                     timeout=(self.timeouts.connect, self.timeouts.read))
        except requests.RequestException as exc:
            raise RetryableError(f"polling failed: {_describe_network_error(exc)}") from None
        request_id = response.headers.get("X-Request-ID")
        parsed = _json_or_none(response)
        data = _prediction_data(parsed)
        if data is not None and str(data.get("status", "")).lower() in FAILED_STATUSES:
            return _prediction(prediction_id, data, request_id)  # final, whatever the HTTP status said
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableError(f"Atlas Cloud answered {response.status_code} to a poll", status=response.status_code,
                                 request_id=request_id)
        if not response.ok:
            raise _error_for(response.status_code, _message(parsed), request_id)
        if data is None or not data.get("status"):
            raise ProtocolError("the poll reply has no status", status=response.status_code, request_id=request_id)
        return _prediction(prediction_id, data, request_id)

    # --- history ----------------------------------------------------------------------
    def history(self, page: int = 1, size: int = HISTORY_PAGE_SIZE, *, model: str | None = None,
                status: str | None = None, prediction_id: str | None = None) -> HistoryPage:
        """One page of the account's tasks, newest first (the listing may lag behind a submit)."""
        params: dict = {"no": page, "size": size}
        if model:
            params["model"] = model
        if status:
            params["status"] = status
        if prediction_id:
            params["sessionID"] = prediction_id
        body, request_id = self._json_call("GET", "/api/v1/model/history", params=params)
        data = body.get("data")
        if not _code_ok(body) or not isinstance(data, dict) or not isinstance(data.get("items", []), list):
            raise ProtocolError("the history reply has no data.items list", request_id=request_id)
        items = []
        for raw in data.get("items") or []:
            item = _history_item(raw, request_id)
            if item is not None:
                items.append(item)
        return HistoryPage(tuple(items), _as_int(data.get("pageNo")) or page, _as_int(data.get("pageSize")) or size,
                           _as_int(data.get("total")) or 0, request_id)

    # --- upload, quote, balance --------------------------------------------------------
    def upload(self, path: Path, max_bytes: int = MAX_INLINE_BODY) -> str:
        size = path.stat().st_size
        if size > max_bytes:
            raise FatalError(f"{path.name} is {size / 1048576:.1f} MB; uploads are limited to "
                             f"{max_bytes / 1048576:.0f} MB")
        with open(path, "rb") as handle:
            body, request_id = self._json_call("POST", "/api/v1/model/uploadMedia",
                                               files={"file": (path.name, handle)})
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        url = data.get("download_url") or data.get("url") or body.get("url")
        if not url:
            raise ProtocolError("the upload reply has no download_url", request_id=request_id)
        return str(url)

    def quote(self, body: dict) -> Quote:
        reply, request_id = self._json_call("POST", "/api/v1/model/calculate", json=body)
        data = reply if "price" in reply else reply.get("data")
        if not isinstance(data, dict) or data.get("price") is None:
            raise ProtocolError("the price quote has no price", request_id=request_id)
        return Quote(price=_decimal(data["price"]), origin_price=_decimal_or_none(data.get("origin_price")),
                     discount=_decimal_or_none(data.get("discount")), estimated=_truthy(data.get("estimated")),
                     estimate_partial=_truthy(data.get("estimate_partial")), request_id=request_id)

    def balance(self) -> Decimal:
        reply, request_id = self._json_call("GET", "/public/v1/balance")
        try:
            return _decimal(reply["available"]["value"])
        except (KeyError, TypeError):
            raise ProtocolError("the balance reply has no available.value", request_id=request_id) from None

    # --- download --------------------------------------------------------------------
    def download(self, url: str, destination: Path) -> Download:
        """Streams to a temporary file beside the destination, checks the length, renames."""
        partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:8]}.part")
        try:
            # Output URLs are CDN links: the API key stays home.
            session = self._api if url.startswith(self.base_url + "/") else self._session
            with session.get(url, stream=True, timeout=(self.timeouts.connect, self.timeouts.download_read)) as r:
                request_id = r.headers.get("X-Request-ID")
                if r.status_code == 404:
                    raise OutputExpiredError("the output URL answered 404: it has expired or never existed",
                                             status=404, request_id=request_id)
                if r.status_code >= 500 or r.status_code == 429:
                    raise DownloadError(f"the output server answered {r.status_code}", status=r.status_code,
                                        request_id=request_id)
                if not r.ok:
                    raise FatalError(f"the output URL answered {r.status_code}", status=r.status_code,
                                     request_id=request_id)
                expected = _as_int(r.headers.get("Content-Length"))
                digest, received = hashlib.sha256(), 0
                with open(partial, "wb") as handle:
                    for chunk in r.iter_content(chunk_size=1 << 20):
                        handle.write(chunk)
                        digest.update(chunk)
                        received += len(chunk)
                    handle.flush()
                    os.fsync(handle.fileno())
            if expected is not None and received != expected:
                raise DownloadError(f"the download came up short: {received} of {expected} bytes")
            os.replace(partial, destination)
            return Download(destination, received, digest.hexdigest())
        except requests.RequestException as exc:
            raise DownloadError(f"the download broke off: {_describe_network_error(exc)}") from None
        finally:
            partial.unlink(missing_ok=True)

    # --- plumbing --------------------------------------------------------------------
    def _auth_headers(self) -> dict:
        if not self._api_key:
            raise AuthError("no API key is set: add one in Settings or set ATLASCLOUD_API_KEY")
        return {"Authorization": f"Bearer {self._api_key}"}

    def _json_call(self, method: str, path_or_url: str, *, auth: bool = True, **kwargs) -> tuple[dict, str | None]:
        response = self._send(method, path_or_url, auth=auth, **kwargs)
        return self._checked_json(response), response.headers.get("X-Request-ID")

    def _send(self, method: str, path_or_url: str, *, auth: bool = True, headers: dict | None = None,
              **kwargs) -> requests.Response:
        url = path_or_url if path_or_url.startswith(("http://", "https://")) else self.base_url + path_or_url
        headers = {**(self._auth_headers() if auth else {}), **(headers or {})}
        session = self._api if url.startswith(self.base_url + "/") else self._session
        try:
            return session.request(method, url, headers=headers,
                                   timeout=(self.timeouts.connect, self.timeouts.read), **kwargs)
        except requests.RequestException as exc:
            # Schema documents live on their own host: name the one that failed.
            parts = urlsplit(url)
            where = self.base_url if url.startswith(self.base_url) else f"{parts.scheme}://{parts.netloc}"
            raise RetryableError(f"cannot reach {where}: {_describe_network_error(exc)}") from None

    @staticmethod
    def _checked_json(response: requests.Response) -> dict:
        request_id = response.headers.get("X-Request-ID")
        parsed = _json_or_none(response)
        if response.status_code == 429:
            raise RateLimitedError("rate limited (429)", status=429, request_id=request_id)
        if response.status_code >= 500:
            raise RetryableError(f"Atlas Cloud answered {response.status_code}", status=response.status_code,
                                 request_id=request_id)
        if not response.ok:
            raise _error_for(response.status_code, _message(parsed), request_id)
        if not isinstance(parsed, dict):
            raise ProtocolError("the reply is not a JSON object", status=response.status_code, request_id=request_id)
        return parsed


class _OneUsePool(urllib3.HTTPConnectionPool):
    """Closes each connection once its reply is read instead of keeping it: every request
    opens a connection of its own."""

    def _put_conn(self, conn) -> None:
        if conn is not None:
            conn.close()
        super()._put_conn(None)  # the pool's slot stays free for the next new connection


class _OneUseHTTPSPool(urllib3.HTTPSConnectionPool):
    _put_conn = _OneUsePool._put_conn


class _OneUseAdapter(HTTPAdapter):
    """An adapter made once whose pools never hand out a used connection."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _OneUsePool, "https": _OneUseHTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = {"http": _OneUsePool, "https": _OneUseHTTPSPool}
        return manager


def _pooled(session: requests.Session) -> requests.Session:
    adapter = HTTPAdapter(pool_maxsize=POOL_SIZE)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _one_use(session: requests.Session) -> requests.Session:
    adapter = _OneUseAdapter(pool_maxsize=POOL_SIZE)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _for_host(session: requests.Session, base_url: str) -> requests.Session:
    """A session for one host with the environment's settings for it (proxy, no_proxy, CA
    bundle) taken once: requests would otherwise look them up, and read ~/.netrc, per request."""
    session.headers["User-Agent"] = USER_AGENT
    settings = session.merge_environment_settings(base_url + "/", {}, None, None, None)
    session.trust_env = False
    session.proxies.update(settings.get("proxies") or {})
    session.verify = settings.get("verify", True)
    # Each request merges the session's params and proxies into its own through an isinstance
    # against a typing Protocol, about 20 us a check on Python 3.11, four a request when both
    # are empty dicts; None is what requests' merge takes for "the session adds nothing".
    session.params = None
    if not session.proxies:
        session.proxies = None
    return session


class _NothingSent(Exception):
    """The connection failed before the request left: nothing was created."""


def _nothing_was_sent(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def _describe_network_error(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.Timeout):
        return "the request timed out"
    if isinstance(exc, requests.ConnectionError):
        return "the connection failed or was dropped"
    return type(exc).__name__


def _json_or_none(response: requests.Response):
    try:
        return response.json()
    except ValueError:
        return None


def _message(body: object) -> str:
    """The error text: msg, then message, then error (a string or the billing API's object)."""
    if not isinstance(body, dict):
        return ""
    for key in ("msg", "message", "error"):
        value = body.get(key)
        if isinstance(value, dict):
            value = value.get("message")
        if value and not (key == "message" and value == "success"):
            return str(value)
    return ""


def _code_ok(body: object) -> bool:
    return isinstance(body, dict) and str(body.get("code", "200")).strip() == "200"


def _as_int(value: object) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ProtocolError(f"{value!r} is not a number") from None


def _decimal_or_none(value: object) -> Decimal | None:
    return None if value in (None, "") else _decimal(value)


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() == "true"


def _error_for(status: int, message: str, request_id: str | None) -> AtlasError:
    detail = message or "no detail"
    if status == 401:
        return AuthError(f"Atlas Cloud rejected the API key (401: {detail}); enter a valid key", status=401,
                         request_id=request_id)
    if status == 402:
        return InsufficientBalanceError(f"insufficient balance (402: {detail}); top up your Atlas Cloud account",
                                        status=402, request_id=request_id)
    if status == 404:
        return NotFoundError(f"not found (404: {detail})", status=404, request_id=request_id)
    if status == 413:
        return FatalError(f"the request is too large (413: {detail}); upload the file instead of inlining it",
                          status=413, request_id=request_id)
    if status == 451:
        return FatalError(f"not available in this region (451: {detail})", status=451, request_id=request_id)
    return FatalError(f"Atlas Cloud refused the request ({status}: {detail})", status=status, request_id=request_id)


def _prediction_data(body: object) -> dict | None:
    if not isinstance(body, dict):
        return None
    data = body.get("data")
    if isinstance(data, dict):
        return data
    return body if "status" in body else None


def _history_item(raw: object, request_id: str | None) -> HistoryItem | None:
    """An item as the doc shows it; ids and times may come as strings, the body as an object."""
    if not isinstance(raw, dict):
        return None
    ident = raw.get("ID", raw.get("id"))
    if not ident:
        return None
    created = raw.get("createdAt", raw.get("created_at"))
    try:
        created_at = float(created)
        if created_at > 1e11:  # milliseconds, not seconds
            created_at /= 1000.0
    except (TypeError, ValueError):
        created_at = 0.0
    request_body = raw.get("requestBody")
    if isinstance(request_body, dict):
        request_body = json.dumps(request_body)
    result = raw.get("result")
    if isinstance(result, str):
        try:
            result = json.loads(result)
        except ValueError:
            result = None
    prediction = None
    data = _prediction_data(result)
    if data is not None and data.get("status"):
        prediction = _prediction(str(ident), data, request_id)
    return HistoryItem(str(ident), str(raw.get("status") or "").lower(), created_at, str(raw.get("model") or ""),
                       request_body if isinstance(request_body, str) else "", prediction)


def _prediction(prediction_id: str, data: dict, request_id: str | None) -> Prediction:
    raw = data.get("outputs", data.get("output"))
    if raw is None:
        items = []
    elif isinstance(raw, (str, dict)):
        items = [raw]
    else:
        items = list(raw)
    outputs = []
    for item in items:
        url = item.get("url") if isinstance(item, dict) else item
        if isinstance(url, str) and url:
            outputs.append(url)
    return Prediction(prediction_id=str(data.get("id") or prediction_id), status=str(data["status"]).lower(),
                      outputs=tuple(outputs), error=str(data.get("error") or ""), error_code=data.get("error_code"),
                      request_id=request_id)
