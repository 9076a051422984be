"""One keep-alive connection survives a refused request that carried a body."""

from __future__ import annotations

import http.client
import json

import pytest

from app.sim import DEMO_KEY


@pytest.mark.parametrize("method, path, headers", [
    ("POST", "/api/v1/model/generateImage", {}),  # 401: no key, refused before the body is read
    ("POST", "/api/v1/model/generateImage", {"Authorization": "Bearer apikey-wrong"}),
    ("POST", "/api/v1/model/nowhere", {"Authorization": f"Bearer {DEMO_KEY}"}),  # 401: not an endpoint
    ("POST", "/api/v1/models", {}),  # 405
])
def test_the_next_request_on_the_connection_is_answered_properly(sim, method, path, headers):
    host, port = sim.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        body = json.dumps({"model": "google/imagen4", "prompt": "x" * 5000}).encode()
        connection.request(method, path, body=body, headers={"Content-Type": "application/json", **headers})
        refused = connection.getresponse()
        payload = json.loads(refused.read())
        assert refused.status in (401, 405) and payload["msg"]
        assert refused.getheader("Connection") != "close"
        socket_before = connection.sock

        connection.request("GET", "/api/v1/models")
        following = connection.getresponse()
        document = json.loads(following.read())
        assert following.status == 200 and document["data"]
        assert connection.sock is socket_before  # the same connection, not a silent reconnect
    finally:
        connection.close()


def test_a_body_that_cannot_be_framed_closes_the_connection(sim):
    host, port = sim.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("POST", "/api/v1/model/generateImage")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.putheader("Content-Type", "application/json")
        connection.endheaders()
        connection.send(b"2\r\n{}\r\n0\r\n\r\n")
        refused = connection.getresponse()
        refused.read()
        assert refused.status == 401 and refused.getheader("Connection") == "close"
    finally:
        connection.close()
