"""--cheap-media: small real files, each its own, for benchmarks that measure the client."""

from __future__ import annotations

import io
import hashlib

import av
from PIL import Image

from app.sim.__main__ import build_parser


def test_cheap_outputs_are_small_real_and_distinct(make_sim, make_client):
    sim = make_sim(cheap_media=True)
    client = make_client(sim)
    pictures = [client.wait(client.submit({"model": "black-forest-labs/flux-2-pro/text-to-image",
                                           "prompt": f"fox {i}", "size": "1536*1024"}, "Image")["id"])
                for i in range(2)]
    data = [client.download(p.outputs[0]) for p in pictures]
    assert all(Image.open(io.BytesIO(d)).format == "PNG" and len(d) < 2000 for d in data)
    assert data[0] != data[1]
    clips = [client.wait(client.submit({"model": "bytedance/seedance-v1.5-pro/text-to-video", "prompt": f"w {i}",
                                        "duration": 6}, "Video")["id"]) for i in range(2)]
    videos = [client.download(c.outputs[0]) for c in clips]
    for video in videos:
        with av.open(io.BytesIO(video)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert next(container.decode(video=0)).width == 64
    assert hashlib.sha256(videos[0]).digest() != hashlib.sha256(videos[1]).digest()


def test_the_command_line_offers_it():
    assert build_parser().parse_args(["--cheap-media"]).cheap_media
