"""The HTTP client against recorded reply shapes: every error class, status, envelope and retry rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
import responses
import urllib3
from responses import matchers

from app.engine.atlas import errors
from app.engine.atlas.client import AtlasClient, Backoff

BASE = "https://api.atlascloud.ai"
KEY = "apikey-unit-test-secret"
SUBMIT = f"{BASE}/api/v1/model/generateVideo"
POLL = f"{BASE}/api/v1/model/prediction/abc"
BODY = {"model": "google/veo3.1/text-to-video", "prompt": "x"}


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(sleeps):
    instance = AtlasClient(BASE, KEY, sleep=sleeps.append, backoff=Backoff(base=1.0, cap=8.0), max_submit_retries=3)
    yield instance
    instance.close()


def ok_submit(**data):
    return {"code": 200, "message": "success", "data": {"id": "abc", "status": "starting",
                                                        "urls": {"get": POLL}, **data}}


def error_body(status, msg="nope"):
    return {"code": status, "msg": msg, "request_id": "r1", "data": None}


@responses.activate
def test_submit_success_sends_auth_user_agent_and_the_flat_body(client):
    responses.post(SUBMIT, json=ok_submit(), headers={"X-Request-ID": "req-1"},
                   match=[matchers.json_params_matcher(BODY), matchers.header_matcher({"Authorization": f"Bearer {KEY}"})])
    submission = client.submit("Video", BODY)
    assert (submission.prediction_id, submission.status, submission.poll_url) == ("abc", "starting", POLL)
    assert submission.request_id == "req-1"
    assert responses.calls[0].request.headers["User-Agent"].startswith("BatchStudio/")


@responses.activate
def test_submit_accepts_a_string_code(client):
    responses.post(SUBMIT, json={**ok_submit(), "code": "200"})
    assert client.submit("Video", BODY).prediction_id == "abc"


@responses.activate
def test_image_models_go_to_generate_image(client):
    responses.post(f"{BASE}/api/v1/model/generateImage", json=ok_submit())
    client.submit("Image", {"model": "google/imagen4", "prompt": "x"})
    assert responses.calls[0].request.url.endswith("generateImage")


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@responses.activate
def test_a_5xx_submit_is_an_unknown_outcome_and_is_never_resent(client, status):
    responses.post(SUBMIT, json=error_body(status, "boom"), status=status, headers={"X-Request-ID": "req-5xx"})
    with pytest.raises(errors.UnknownOutcomeError) as caught:
        client.submit("Video", BODY)
    assert len(responses.calls) == 1
    assert "req-5xx" in str(caught.value) and "not resent" in str(caught.value)


@pytest.mark.parametrize("exception", [requests.ReadTimeout("slow"), requests.ConnectionError("reset by peer")])
@responses.activate
def test_a_timeout_or_reset_after_sending_is_an_unknown_outcome(client, exception):
    responses.post(SUBMIT, body=exception)
    with pytest.raises(errors.UnknownOutcomeError):
        client.submit("Video", BODY)
    assert len(responses.calls) == 1


@responses.activate
def test_a_2xx_without_an_id_is_an_unknown_outcome(client):
    responses.post(SUBMIT, json={"code": 200, "data": {}})
    with pytest.raises(errors.UnknownOutcomeError):
        client.submit("Video", BODY)
    assert len(responses.calls) == 1


@responses.activate
def test_a_2xx_carrying_an_error_code_is_that_error(client):
    responses.post(SUBMIT, json={"code": 402, "msg": "balance too low", "data": None})
    with pytest.raises(errors.InsufficientBalanceError):
        client.submit("Video", BODY)


@responses.activate
def test_429_waits_with_jittered_backoff_and_retries(client, sleeps):
    responses.post(SUBMIT, json=error_body(429), status=429)
    responses.post(SUBMIT, json=error_body(429), status=429)
    responses.post(SUBMIT, json=ok_submit())
    assert client.submit("Video", BODY).prediction_id == "abc"
    assert len(responses.calls) == 3
    assert 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 2.0


@responses.activate
def test_429_gives_up_after_the_retry_budget(client, sleeps):
    responses.post(SUBMIT, json=error_body(429), status=429)
    with pytest.raises(errors.RateLimitedError):
        client.submit("Video", BODY)
    assert len(responses.calls) == 4 and len(sleeps) == 3
    assert all(s <= 8.0 for s in sleeps)


@responses.activate
def test_connection_refused_before_sending_is_retried(client, sleeps):
    refused = requests.ConnectionError(urllib3.exceptions.MaxRetryError(
        None, SUBMIT, reason=urllib3.exceptions.NewConnectionError(None, "Connection refused")))
    responses.post(SUBMIT, body=refused)
    responses.post(SUBMIT, json=ok_submit())
    assert client.submit("Video", BODY).prediction_id == "abc"
    assert len(sleeps) == 1


@pytest.mark.parametrize("status, error_class", [
    (400, errors.FatalError), (401, errors.AuthError), (402, errors.InsufficientBalanceError),
    (403, errors.FatalError), (404, errors.NotFoundError), (413, errors.FatalError), (422, errors.FatalError),
    (451, errors.FatalError),
])
@responses.activate
def test_client_errors_map_to_classes_and_are_not_retried(client, status, error_class):
    responses.post(SUBMIT, json=error_body(status, f"field says {status}"), status=status,
                   headers={"X-Request-ID": "req-err"})
    with pytest.raises(error_class) as caught:
        client.submit("Video", BODY)
    assert len(responses.calls) == 1
    assert f"field says {status}" in str(caught.value) and "req-err" in str(caught.value)
    assert KEY not in str(caught.value) and KEY not in repr(client)


@responses.activate
def test_error_text_falls_back_from_msg_to_message_to_error(client):
    responses.post(SUBMIT, json={"code": 400, "message": "from message"}, status=400)
    with pytest.raises(errors.FatalError, match="from message"):
        client.submit("Video", BODY)
    responses.post(SUBMIT, json={"error": "from error"}, status=400)
    with pytest.raises(errors.FatalError, match="from error"):
        client.submit("Video", BODY)


@pytest.mark.parametrize("status", ["completed", "succeeded", "success"])
@responses.activate
def test_done_statuses(client, status):
    responses.get(POLL, json={"code": 200, "data": {"id": "abc", "status": status, "outputs": ["https://cdn/a.mp4"]}})
    prediction = client.poll("abc")
    assert prediction.is_done and prediction.outputs == ("https://cdn/a.mp4",)


@pytest.mark.parametrize("status", ["failed", "error", "timeout", "canceled", "cancelled"])
@responses.activate
def test_failed_statuses_carry_the_error(client, status):
    responses.get(POLL, json={"code": 200, "data": {"id": "abc", "status": status, "error": "bad luck"}})
    prediction = client.poll("abc")
    assert prediction.is_failed and prediction.error == "bad luck"


@pytest.mark.parametrize("status", ["created", "starting", "queued", "pending", "running", "processing"])
@responses.activate
def test_pending_statuses(client, status):
    responses.get(POLL, json={"code": 200, "data": {"id": "abc", "status": status}})
    prediction = client.poll("abc")
    assert not prediction.is_done and not prediction.is_failed


@pytest.mark.parametrize("reply", [
    {"id": "abc", "status": "completed", "outputs": ["https://cdn/a.png"]},
    {"code": "200", "data": {"status": "completed", "outputs": ["https://cdn/a.png"]}},
    {"code": 200, "data": {"status": "completed", "output": ["https://cdn/a.png"]}},
    {"code": 200, "data": {"status": "completed", "outputs": "https://cdn/a.png"}},
    {"code": 200, "data": {"status": "completed", "output": "https://cdn/a.png"}},
    {"code": 200, "data": {"status": "completed", "outputs": [{"url": "https://cdn/a.png"}]}},
])
@responses.activate
def test_every_documented_poll_envelope(client, reply):
    responses.get(POLL, json=reply)
    assert client.poll("abc").outputs == ("https://cdn/a.png",)


@responses.activate
def test_a_failed_status_inside_a_non_2xx_poll_is_final(client):
    responses.get(POLL, status=500, json={"code": 500, "msg": "x", "data": {"status": "failed", "error": "gpu died"}})
    prediction = client.poll("abc")
    assert prediction.is_failed and prediction.error == "gpu died"


@responses.activate
def test_moderation_code(client):
    responses.get(POLL, json={"code": 200, "data": {"status": "failed", "error": "flagged", "error_code": 1039}})
    assert client.poll("abc").is_moderated


@pytest.mark.parametrize("status, error_class", [
    (500, errors.RetryableError), (503, errors.RetryableError), (429, errors.RetryableError),
    (404, errors.NotFoundError), (400, errors.FatalError), (401, errors.AuthError), (403, errors.FatalError),
    (422, errors.FatalError),
])
@responses.activate
def test_poll_http_errors(client, status, error_class):
    responses.get(POLL, status=status, json=error_body(status), headers={"X-Request-ID": "req-poll"})
    with pytest.raises(error_class) as caught:
        client.poll("abc")
    assert "req-poll" in str(caught.value)
    assert caught.value.retryable == (status >= 500 or status == 429)


@responses.activate
def test_poll_network_loss_is_retryable(client):
    responses.get(POLL, body=requests.ConnectionError("down"))
    with pytest.raises(errors.RetryableError):
        client.poll("abc")


@responses.activate
def test_poll_without_status_is_a_protocol_error(client):
    responses.get(POLL, json={"code": 200, "data": {"id": "abc"}})
    with pytest.raises(errors.ProtocolError):
        client.poll("abc")


@pytest.mark.parametrize("reply", [
    {"price": 0.32, "origin_price": 0.4, "discount": 0.8, "estimated": False, "estimate_partial": False},
    {"code": 200, "data": {"price": "0.32", "origin_price": "0.4", "discount": "0.8", "estimated": "false"}},
])
@responses.activate
def test_quote_wrapped_or_not_numbers_or_strings(client, reply):
    responses.post(f"{BASE}/api/v1/model/calculate", json=reply, match=[matchers.json_params_matcher(BODY)])
    quote = client.quote(BODY)
    assert quote.price == Decimal("0.32") and quote.estimated is False


@responses.activate
def test_balance_and_billing_error_shape(client):
    responses.get(f"{BASE}/public/v1/balance", json={"object": "balance", "available": {"value": "125.500000",
                                                                                       "currency": "usd"}})
    assert client.balance() == Decimal("125.5")
    responses.get(f"{BASE}/public/v1/balance", status=401, headers={"X-Request-ID": "req-b"},
                  json={"error": {"type": "authentication_error", "code": "401", "message": "bad key", "param": None},
                        "request_id": "req-b"})
    with pytest.raises(errors.AuthError, match="bad key"):
        client.balance()


@pytest.mark.parametrize("reply", [
    {"code": 200, "data": {"download_url": "https://cdn/u.png", "filename": "a.png", "size": 3}},
    {"code": 200, "data": {"url": "https://cdn/u.png"}},
    {"url": "https://cdn/u.png"},
])
@responses.activate
def test_upload_reply_variants(client, tmp_path, reply):
    source = tmp_path / "a.png"
    source.write_bytes(b"png")
    responses.post(f"{BASE}/api/v1/model/uploadMedia", json=reply)
    assert client.upload(source) == "https://cdn/u.png"
    assert b'name="file"; filename="a.png"' in responses.calls[0].request.body


def test_upload_refuses_an_oversized_file_before_sending(client, tmp_path):
    big = tmp_path / "big.mp4"
    big.write_bytes(b"0" * 2048)
    with pytest.raises(errors.FatalError, match="limited to"):
        client.upload(big, max_bytes=1024)


@responses.activate
def test_download_streams_checks_length_renames_and_sends_no_key(client, tmp_path):
    responses.get("https://cdn.example/out.png", body=b"x" * 5000, headers={"Content-Length": "5000"})
    folder = tmp_path / "outputs"
    folder.mkdir()
    target = folder / "out.png"
    result = client.download("https://cdn.example/out.png", target)
    assert target.read_bytes() == b"x" * 5000 and result.bytes == 5000 and len(result.sha256) == 64
    assert "Authorization" not in responses.calls[0].request.headers
    assert list(folder.iterdir()) == [target]


@responses.activate
def test_a_short_download_leaves_nothing_behind(client, tmp_path):
    responses.get("https://cdn.example/out.png", body=b"x" * 10, auto_calculate_content_length=False,
                  headers={"Content-Length": "5000"})
    folder = tmp_path / "outputs"
    folder.mkdir()
    with pytest.raises(errors.DownloadError):
        client.download("https://cdn.example/out.png", folder / "out.png")
    assert list(folder.iterdir()) == []


@responses.activate
def test_an_expired_output_url(client, tmp_path):
    responses.get("https://cdn.example/out.png", status=404)
    with pytest.raises(errors.OutputExpiredError):
        client.download("https://cdn.example/out.png", tmp_path / "out.png")


def test_no_key_is_an_auth_error_before_any_request():
    with pytest.raises(errors.AuthError, match="ATLASCLOUD_API_KEY"):
        AtlasClient(BASE, None).balance()


def test_each_submit_opens_a_connection_of_its_own_while_polls_share_one():
    """A submit on a reused connection the server just closed would have an unknown outcome."""
    import json as jsonlib
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[tuple[str, int]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive unless the client closes

        def _reply(self, body: dict) -> None:
            data = jsonlib.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(("submit", self.client_address[1]))
            self._reply(ok_submit())

        def do_GET(self):
            seen.append(("poll", self.client_address[1]))
            self._reply({"code": 200, "data": {"id": "abc", "status": "processing"}})

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = AtlasClient(f"http://127.0.0.1:{server.server_address[1]}", KEY)
    try:
        for _ in range(3):
            client.submit("Image", BODY)
            client.poll("abc")
    finally:
        client.close()
        server.shutdown()
        server.server_close()
        thread.join()
    submits = [port for kind, port in seen if kind == "submit"]
    polls = {port for kind, port in seen if kind == "poll"}
    assert len(set(submits)) == 3
    assert len(polls) == 1 and not polls & set(submits)
