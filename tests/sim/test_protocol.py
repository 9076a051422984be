"""Every endpoint and reply shape of shared/atlas-api.md, against the running simulator."""

from __future__ import annotations

import io
import json
import socket
from decimal import Decimal

import av
import pytest
import requests
from PIL import Image

from app.sim import DEMO_KEY
from tests.sim.doc_client import ApiError

AUTH = {"Authorization": f"Bearer {DEMO_KEY}"}
VEO = "google/veo3.1/text-to-video"


def post(sim, path, body, headers=AUTH, **kwargs):
    return requests.post(f"{sim.base_url}{path}", json=body, headers=headers, timeout=10, **kwargs)


def test_catalog_needs_no_key_and_points_schema_urls_here(sim):
    reply = requests.get(f"{sim.base_url}/api/v1/models", timeout=10)
    assert reply.status_code == 200 and reply.headers["X-Request-ID"]
    rows = reply.json()["data"]
    row = next(r for r in rows if r["model"] == VEO)
    schema = requests.get(row["schema"], timeout=10)
    assert schema.status_code == 200
    assert "Input" in schema.json()["components"]["schemas"]


def test_image_moves_from_starting_to_completed_with_a_real_png(sim, clock, client):
    created = client.submit({"model": "black-forest-labs/flux-2-pro/text-to-image", "prompt": "a red fox",
                             "size": "1536*1024"}, "Image")
    assert created["status"] == "starting"
    assert created["urls"]["get"].endswith(f"/api/v1/model/prediction/{created['id']}")
    assert client.poll_once(created["id"]).status == "starting"
    clock.advance(3)
    assert client.poll_once(created["id"]).status == "processing"
    result = client.wait(created["id"])
    assert result.status == "completed" and len(result.outputs) == 1
    image = Image.open(io.BytesIO(client.download(result.outputs[0])))
    assert image.format == "PNG"
    assert image.size == (1024, 683)  # 1536*1024 capped to a 1024 long side, aspect kept


def test_video_is_h264_mp4_of_the_requested_duration(sim, client):
    created = client.submit({"model": "bytedance/seedance-v1.5-pro/text-to-video", "prompt": "waves",
                             "duration": 6, "aspect_ratio": "9:16"}, "Video")
    result = client.wait(created["id"])
    assert result.status == "completed"
    data = client.download(result.outputs[0])
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (180, 320)
        assert container.duration / 1e6 == pytest.approx(6, abs=0.3)
        assert len(container.streams.audio) == 1  # generate_audio defaults to true


def test_video_takes_longer_than_an_image_and_scales_with_clip_length(sim, clock, client):
    image = client.submit({"model": "google/imagen4-fast", "prompt": "a"}, "Image")
    short = client.submit({"model": VEO, "prompt": "a", "duration": 4}, "Video")
    long = client.submit({"model": VEO, "prompt": "b", "duration": 8}, "Video")
    clock.advance(6)
    sim.state.wait_media_idle()
    assert client.poll_once(image["id"]).status == "completed"
    assert client.poll_once(short["id"]).status != "completed"
    clock.advance(54)  # t=60: past the longest 4 s Veo clip (57.2 s), short of an 8 s one (75.6 s)
    sim.state.wait_media_idle()
    assert client.poll_once(short["id"]).status == "completed"
    assert client.poll_once(long["id"]).status != "completed"


def test_speed_divides_the_simulated_duration(make_sim, clock, make_client):
    fast = make_sim(speed=100)
    client = make_client(fast)
    created = client.submit({"model": VEO, "prompt": "a", "duration": 8}, "Video")
    clock.advance(2)
    fast.state.wait_media_idle()
    assert client.poll_once(created["id"]).status == "completed"


@pytest.mark.parametrize("header, message", [
    ({}, "Missing API key"),
    ({"Authorization": "Bearer sk-123"}, "format"),
    ({"Authorization": "Bearer apikey-wrong"}, "Invalid API key"),
    ({"Authorization": f"Token {DEMO_KEY}"}, "Missing API key"),
])
def test_bad_keys_get_401_with_the_error_body(sim, header, message):
    reply = post(sim, "/api/v1/model/generateImage", {"model": "google/imagen4", "prompt": "x"}, headers=header)
    assert reply.status_code == 401
    body = reply.json()
    assert body["code"] == 401 and message in body["msg"] and body["data"] is None
    assert body["request_id"] == reply.headers["X-Request-ID"]
    assert sim.stats()["tasks_created"] == 0


def test_balance_errors_use_the_billing_shape(sim):
    reply = requests.get(f"{sim.base_url}/public/v1/balance", headers={"Authorization": "Bearer apikey-x"}, timeout=10)
    assert reply.status_code == 401
    body = reply.json()
    assert body["error"]["type"] == "authentication_error" and body["error"]["message"] and body["request_id"]


def test_extra_keys_are_accepted(make_sim):
    sim = make_sim(keys=(DEMO_KEY, "apikey-team"))
    reply = requests.get(f"{sim.base_url}/public/v1/balance", headers={"Authorization": "Bearer apikey-team"},
                         timeout=10)
    assert reply.status_code == 200


@pytest.mark.parametrize("body, field, fragment", [
    ({"model": VEO, "prompt": "x", "resolution": "1080p", "duration": 6}, "duration", "requires duration 8"),
    ({"model": VEO, "prompt": "x", "duration": 5}, "duration", "is not one of"),
    ({"model": VEO}, "prompt", "is required"),
    ({"model": "bytedance/seedance-v1.5-pro/text-to-video", "prompt": "x", "resolution": "1080p"},
     "resolution", "is not one of"),
    ({"model": "bytedance/seedance-v1.5-pro/text-to-video", "prompt": "x", "duration": 13}, "duration", "maximum"),
    ({"model": "black-forest-labs/flux-2-pro/text-to-image", "prompt": "x", "size": "2048*2560"}, "size", "MP"),
    ({"model": "black-forest-labs/flux-2-pro/text-to-image", "prompt": "x", "size": "1024x1024"}, "size", "match"),
    ({"model": "bytedance/seedance-v1.5-pro/image-to-video", "prompt": "x", "image": "/home/me/a.png"},
     "image", "uploadMedia"),
])
def test_invalid_bodies_get_400_naming_the_field(sim, body, field, fragment):
    path = "/api/v1/model/generateImage" if "flux" in body["model"] else "/api/v1/model/generateVideo"
    reply = post(sim, path, body)
    assert reply.status_code == 400
    message = reply.json()["msg"]
    assert message.startswith(f"{field}:") and fragment in message
    assert sim.stats()["tasks_created"] == 0


def test_unknown_and_hidden_models_are_404(sim):
    unknown = post(sim, "/api/v1/model/generateVideo", {"model": "openai/sora-v2/text-to-video", "prompt": "x"})
    assert unknown.status_code == 404 and "not found" in unknown.json()["msg"]
    hidden = post(sim, "/api/v1/model/generateVideo", {"model": "openai/sora-2/text-to-video", "prompt": "x"})
    assert hidden.status_code == 404


def test_wrong_endpoint_for_the_model_type_is_400(sim):
    reply = post(sim, "/api/v1/model/generateImage", {"model": VEO, "prompt": "x"})
    assert reply.status_code == 400 and "generateVideo" in reply.json()["msg"]
    text = post(sim, "/api/v1/model/generateImage", {"model": "deepseek-ai/deepseek-v3.2", "messages": []})
    assert text.status_code == 400


def test_sync_and_base64_flags_are_tolerated(sim):
    reply = post(sim, "/api/v1/model/generateImage", {"model": "google/imagen4", "prompt": "x",
                                                     "enable_sync_mode": False, "enable_base64_output": False})
    assert reply.status_code == 200


def test_balance_is_charged_at_submit_exactly_as_quoted(sim, client):
    before = Decimal(str(client.balance()))
    body = {"model": VEO, "prompt": "x", "resolution": "4k", "duration": 8}
    price = Decimal(str(client.quote(body)))
    client.submit(body, "Video")
    assert Decimal(str(client.balance())) == before - price
    assert Decimal(sim.stats()["charged"]) == price
    silent = client.quote({**body, "generate_audio": False})
    assert silent < float(price)


def test_quote_validates_like_submit(sim):
    reply = post(sim, "/api/v1/model/calculate", {"model": VEO, "prompt": "x", "duration": 5})
    assert reply.status_code == 400 and reply.json()["msg"].startswith("duration:")


def test_insufficient_balance_is_402_and_creates_nothing(make_sim):
    sim = make_sim(balance="0.10")
    reply = post(sim, "/api/v1/model/generateVideo", {"model": VEO, "prompt": "x"})
    assert reply.status_code == 402 and "balance" in reply.json()["msg"]
    assert sim.stats()["tasks_created"] == 0 and sim.stats()["balance"] == "0.100000"


def test_balance_reply_shape(sim):
    body = requests.get(f"{sim.base_url}/public/v1/balance", headers=AUTH, timeout=10).json()
    assert body["object"] == "balance"
    assert body["available"] == {"value": "1000.000000", "currency": "usd"}


def test_upload_then_image_to_video(sim, client):
    png = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 10, 10)).save(png, format="PNG")
    url = client.upload("start.png", png.getvalue())
    assert client.download(url) == png.getvalue()
    created = client.submit({"model": "google/veo3.1/image-to-video", "prompt": "zoom", "image": url,
                             "duration": 4}, "Video")
    result = client.wait(created["id"])
    assert result.status == "completed"
    with av.open(io.BytesIO(client.download(result.outputs[0]))) as container:
        frame = next(container.decode(video=0)).to_image()
    # The start image fills the frame: the middle is red, not the prompt's gradient.
    red, green, blue = frame.getpixel((frame.width // 2, frame.height // 3))
    assert red > 150 and green < 80


def test_upload_rejects_what_is_not_a_file_field(sim):
    wrong_field = requests.post(f"{sim.base_url}/api/v1/model/uploadMedia", headers=AUTH,
                                files={"image": ("a.png", b"123")}, timeout=10)
    assert wrong_field.status_code == 400 and wrong_field.json()["msg"].startswith("file:")
    not_multipart = requests.post(f"{sim.base_url}/api/v1/model/uploadMedia", headers=AUTH,
                                  data=b"123", timeout=10)
    assert not_multipart.status_code == 400


def test_output_urls_expire(make_sim, clock, make_client):
    sim = make_sim(output_ttl=60)
    client = make_client(sim)
    result = client.wait(client.submit({"model": "google/imagen4", "prompt": "x"}, "Image")["id"])
    assert requests.get(result.outputs[0], timeout=10).status_code == 200
    clock.advance(61)
    expired = requests.get(result.outputs[0], timeout=10)
    assert expired.status_code == 404 and "expired" in expired.json()["msg"]


def test_authorization_sent_to_an_output_url_is_recorded_not_refused(sim, client):
    result = client.wait(client.submit({"model": "google/imagen4", "prompt": "x"}, "Image")["id"])
    assert requests.get(result.outputs[0], headers=AUTH, timeout=10).status_code == 200
    assert sim.stats()["downloads_with_authorization"] == 1
    entries = sim.log_entries(until=lambda log: any(e.get("kind") == "download" for e in log))
    downloads = [e for e in entries if e.get("kind") == "download"]
    assert downloads[-1]["authorization"] is True


def test_every_response_carries_a_request_id(sim):
    replies = [
        requests.get(f"{sim.base_url}/api/v1/models", timeout=10),
        requests.get(f"{sim.base_url}/nope", timeout=10),
        requests.get(f"{sim.base_url}/api/v1/model/prediction/unknown", headers=AUTH, timeout=10),
        post(sim, "/api/v1/model/generateImage", {"model": "google/imagen4"}),
    ]
    assert all(reply.headers.get("X-Request-ID") for reply in replies)


def test_unknown_api_path_reads_as_401_like_the_real_gateway(sim):
    reply = requests.get(f"{sim.base_url}/api/v1/prediction/abc/get", headers=AUTH, timeout=10)
    assert reply.status_code == 401 and "not an Atlas Cloud endpoint" in reply.json()["msg"]
    other = requests.get(f"{sim.base_url}/favicon.ico", timeout=10)
    assert other.status_code == 404


def test_wrong_method_is_405(sim):
    reply = requests.get(f"{sim.base_url}/api/v1/model/generateImage", headers=AUTH, timeout=10)
    assert reply.status_code == 405 and reply.json()["code"] == 405


def test_malformed_json_and_wrong_content_type_are_400(sim):
    broken = requests.post(f"{sim.base_url}/api/v1/model/generateImage", data=b"{not json",
                           headers={**AUTH, "Content-Type": "application/json"}, timeout=10)
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["msg"]
    array = requests.post(f"{sim.base_url}/api/v1/model/generateImage", data=b"[1]",
                          headers={**AUTH, "Content-Type": "application/json"}, timeout=10)
    assert array.status_code == 400 and "JSON object" in array.json()["msg"]
    form = requests.post(f"{sim.base_url}/api/v1/model/generateImage", data={"model": "google/imagen4"},
                         headers=AUTH, timeout=10)
    assert form.status_code == 400 and "application/json" in form.json()["msg"]


def _raw_request(sim, head: bytes, body_size: int = 0) -> tuple[int, dict]:
    host, port = sim.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        chunk = b"\0" * (1 << 20)
        sent = 0
        while sent < body_size:
            sock.sendall(chunk[: body_size - sent])
            sent += min(len(chunk), body_size - sent)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < int(
                data.split(b"Content-Length: ")[1].split(b"\r\n")[0]):
            more = sock.recv(65536)
            if not more:
                break
            data += more
    status = int(data.split(b" ", 2)[1])
    return status, json.loads(data.split(b"\r\n\r\n", 1)[1])


def test_bodies_over_50_mb_get_413(sim):
    size = 51 * 1024 * 1024
    head = (f"POST /api/v1/model/generateImage HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEMO_KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode()
    status, body = _raw_request(sim, head, size)
    assert status == 413 and "50 MB" in body["msg"] and "uploadMedia" in body["msg"]


def test_absurd_declared_length_is_refused_without_reading(sim):
    head = (f"POST /api/v1/model/uploadMedia HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEMO_KEY}\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {10**12}\r\n\r\n").encode()
    status, body = _raw_request(sim, head)
    assert status == 413


@pytest.mark.parametrize("headers", [
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
    "Content-Type: application/json\r\nContent-Length: -5\r\n",
    "Content-Type: application/json\r\n",
])
def test_bodies_without_a_usable_length_are_400(sim, headers):
    head = (f"POST /api/v1/model/generateImage HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {DEMO_KEY}\r\n"
            f"{headers}\r\n").encode()
    status, body = _raw_request(sim, head)
    assert status == 400 and body["msg"]


def test_stats_endpoint_counts_submits_per_body(sim, client):
    body = {"model": "google/imagen4", "prompt": "same"}
    client.submit(body, "Image")
    client.submit(body, "Image")
    stats = requests.get(f"{sim.base_url}/_sim/stats", timeout=10).json()
    assert stats["tasks_created"] == 2
    assert list(stats["submits_by_body_hash"].values()) == [2]
    assert stats["duplicate_submits"] == 1


def test_unknown_prediction_is_404(client):
    with pytest.raises(ApiError) as error:
        client.poll_once("does-not-exist")
    assert error.value.status == 404 and error.value.request_id


def test_request_log_is_json_lines_without_the_key(sim, client, tmp_path):
    client.submit({"model": "google/imagen4", "prompt": "x"}, "Image")
    sim.log_entries(until=lambda log: any(e.get("kind") == "submit" for e in log))
    lines = (tmp_path / "sim-0.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    submit = next(e for e in entries if e.get("kind") == "submit")
    assert submit["status"] == 200 and submit["body_sha256"] and submit["task_id"] and submit["request_id"]
    assert DEMO_KEY not in "\n".join(lines)
