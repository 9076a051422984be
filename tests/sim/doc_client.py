"""A client written only from shared/atlas-api.md, independent of app.engine.

If the simulator and the engine shared a misreading of the protocol, tests of one
against the other would pass anyway; this client is the third opinion.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

DONE = {"completed", "succeeded", "success"}
FAILED = {"failed", "error", "timeout", "canceled", "cancelled"}


class ApiError(Exception):
    def __init__(self, status: int, message: str, request_id: str | None):
        super().__init__(f"{status}: {message} (request {request_id})")
        self.status, self.message, self.request_id = status, message, request_id


@dataclass
class Result:
    status: str
    outputs: list[str]
    error: str
    error_code: object


def error_message(body: object) -> str:
    if isinstance(body, dict):
        if isinstance(body.get("error"), dict):
            return str(body["error"].get("message", ""))
        for key in ("msg", "message", "error"):
            if body.get(key):
                return str(body[key])
    return ""


class DocClient:
    def __init__(self, base_url: str, key: str, sleep=time.sleep):
        self.base = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "batch-studio-tests/doc-client"
        self.key = key
        self.sleep = sleep

    def _auth(self) -> dict:
        return {"Authorization": f"Bearer {self.key}"}

    def _check(self, response: requests.Response) -> dict:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not response.ok:
            raise ApiError(response.status_code, error_message(body), response.headers.get("X-Request-ID"))
        return body

    def catalog(self) -> list[dict]:
        body = self._check(self.session.get(f"{self.base}/api/v1/models", timeout=10))
        assert str(body["code"]) == "200"
        return [row for row in body["data"] if row.get("display_console", True)]

    def submit(self, body: dict, model_type: str) -> dict:
        endpoint = "generateImage" if model_type == "Image" else "generateVideo"
        reply = self._check(self.session.post(f"{self.base}/api/v1/model/{endpoint}", json=body,
                                              headers=self._auth(), timeout=30))
        assert str(reply.get("code")) == "200" and reply["data"]["id"], reply
        return reply["data"]

    def poll_once(self, prediction_id: str) -> Result:
        response = self.session.get(f"{self.base}/api/v1/model/prediction/{prediction_id}",
                                    headers=self._auth(), timeout=10)
        try:
            body = response.json()
        except ValueError:
            body = None
        data = body.get("data", body) if isinstance(body, dict) and "status" not in body else body
        if not response.ok and not (isinstance(data, dict) and data.get("status") in FAILED):
            raise ApiError(response.status_code, error_message(body), response.headers.get("X-Request-ID"))
        outputs = data.get("outputs", data.get("output")) or []
        if isinstance(outputs, str):
            outputs = [outputs]
        outputs = [item["url"] if isinstance(item, dict) else item for item in outputs]
        return Result(data["status"], outputs, data.get("error") or "", data.get("error_code"))

    def wait(self, prediction_id: str, interval: float = 1.0, limit: int = 10_000) -> Result:
        for _ in range(limit):
            result = self.poll_once(prediction_id)
            if result.status in DONE | FAILED:
                return result
            self.sleep(interval)
        raise AssertionError("prediction never finished")

    def upload(self, name: str, data: bytes) -> str:
        reply = self._check(self.session.post(f"{self.base}/api/v1/model/uploadMedia", files={"file": (name, data)},
                                              headers=self._auth(), timeout=30))
        data_part = reply.get("data") or {}
        return data_part.get("download_url") or data_part.get("url") or reply["url"]

    def quote(self, body: dict) -> float:
        reply = self._check(self.session.post(f"{self.base}/api/v1/model/calculate", json=body,
                                              headers=self._auth(), timeout=10))
        data = reply.get("data", reply) if "price" not in reply else reply
        return float(data["price"])

    def balance(self) -> float:
        reply = self._check(self.session.get(f"{self.base}/public/v1/balance", headers=self._auth(), timeout=10))
        return float(reply["available"]["value"])

    def download(self, url: str) -> bytes:
        # Output URLs are CDN links: no Authorization header.
        response = requests.get(url, timeout=30)
        response.raise_for_status()
        return response.content

    def close(self) -> None:
        self.session.close()
