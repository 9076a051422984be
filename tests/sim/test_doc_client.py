"""The protocol end to end, by a client that only read shared/atlas-api.md."""

from __future__ import annotations

import io

from PIL import Image

from tests.sim.doc_client import DocClient


def test_doc_client_runs_every_documented_flow(sim, client: DocClient):
    catalog = {row["model"]: row for row in client.catalog()}
    assert "openai/sora-2/text-to-video" not in catalog  # display_console false is dropped

    image_body = {"model": "black-forest-labs/flux-2-pro/text-to-image", "prompt": "a cat", "size": "512*512"}
    image = client.wait(client.submit(image_body, catalog[image_body["model"]]["type"])["id"])
    assert image.status == "completed"
    assert Image.open(io.BytesIO(client.download(image.outputs[0]))).size == (512, 512)

    video_body = {"model": "bytedance/seedance-v1.5-pro-fast/text-to-video", "prompt": "rain", "duration": 4}
    video = client.wait(client.submit(video_body, "Video")["id"])
    assert video.status == "completed" and client.download(video.outputs[0])[4:8] == b"ftyp"

    start_url = client.upload("start.png", client.download(image.outputs[0]))
    chained = {"model": "bytedance/seedance-v1.5-pro/image-to-video", "prompt": "the cat walks", "image": start_url,
               "duration": 4, "resolution": "480p"}
    i2v = client.wait(client.submit(chained, "Video")["id"])
    assert i2v.status == "completed"

    price = client.quote(video_body)
    assert price > 0
    assert client.balance() < 1000
    assert sim.stats()["downloads_with_authorization"] == 0
