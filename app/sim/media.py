"""Real output files for the simulator: PNG images and H.264 MP4 clips.

Each picture shows the prompt, the model and a moving marker, so a person comparing
outputs can tell them apart and see that a video really plays.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import io
import math
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

MAX_IMAGE_SIDE = 1024
VIDEO_SHORT_SIDE = 180
VIDEO_FPS = 8
AUDIO_RATE = 16000

_FONT_CANDIDATES = (
    # Hangul and Latin in one face, so Korean prompts render.
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSans.ttf",
)

ASPECT_RATIOS = {
    "21:9": (21, 9), "16:9": (16, 9), "4:3": (4, 3), "1:1": (1, 1),
    "3:4": (3, 4), "9:16": (9, 16),
}


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for candidate in _FONT_CANDIDATES:
        try:
            return ImageFont.truetype(candidate, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _pair(value: object, separator: str) -> tuple[int, int] | None:
    if isinstance(value, str) and value.count(separator) == 1:
        left, right = (part.strip() for part in value.split(separator))
        if left.isdigit() and right.isdigit() and int(left) > 0 and int(right) > 0:
            return int(left), int(right)
    return None


def _ratio(body: dict, fallback: tuple[int, int]) -> tuple[int, int]:
    """Width and height proportions from a ``W*H`` size or an ``a:b`` aspect ratio, whichever the
    model takes (the catalog uses both, with ratios such as 3:2 or 4:5 beyond the common ones)."""
    return _pair(body.get("size"), "*") or _pair(body.get("aspect_ratio"), ":") or fallback


def image_size(body: dict) -> tuple[int, int]:
    """Pixel size for an image request, capped so the simulator stays fast."""
    pixels = _pair(body.get("size"), "*")
    if pixels is None:
        aw, ah = _ratio(body, (1, 1))
        pixels = (1024, round(1024 * ah / aw)) if aw >= ah else (round(1024 * aw / ah), 1024)
    width, height = pixels
    scale = min(1.0, MAX_IMAGE_SIDE / max(width, height))
    return max(16, round(width * scale)), max(16, round(height * scale))


def video_size(body: dict) -> tuple[int, int]:
    aw, ah = _ratio(body, (16, 9))
    if aw >= ah:
        width, height = VIDEO_SHORT_SIDE * aw / ah, VIDEO_SHORT_SIDE
    else:
        width, height = VIDEO_SHORT_SIDE, VIDEO_SHORT_SIDE * ah / aw
    # H.264 with yuv420p needs even sides.
    return int(width) // 2 * 2, int(height) // 2 * 2


def _palette(prompt: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    top = (40 + digest[0] % 120, 40 + digest[1] % 120, 60 + digest[2] % 140)
    bottom = (digest[3] % 80, digest[4] % 80, 30 + digest[5] % 90)
    return top, bottom


def _background(size: tuple[int, int], prompt: str, start_image: Image.Image | None) -> Image.Image:
    if start_image is not None:
        return _cover(start_image.convert("RGB"), size)
    top, bottom = _palette(prompt)
    gradient = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), gradient)


def _cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    scale = max(size[0] / image.width, size[1] / image.height)
    resized = image.resize((max(1, math.ceil(image.width * scale)), max(1, math.ceil(image.height * scale))))
    left = (resized.width - size[0]) // 2
    top = (resized.height - size[1]) // 2
    return resized.crop((left, top, left + size[0], top + size[1]))


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for char in " ".join(text.split()):
        candidate = current + char
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
            continue
        # Break at the last space when there is one, so Latin words stay whole.
        cut = current.rfind(" ")
        if cut > 0:
            lines.append(current[:cut])
            current = current[cut + 1:] + char
        else:
            lines.append(current)
            current = char.lstrip()
        if len(lines) == max_lines:
            break
    if current and len(lines) < max_lines:
        lines.append(current)
    if len(lines) == max_lines and draw.textlength(" ".join(text.split()), font=font) > width * max_lines:
        lines[-1] = lines[-1][: max(0, len(lines[-1]) - 1)] + "…"
    return lines


def _overlay(image: Image.Image, prompt: str, caption: str, marker: float | None) -> Image.Image:
    draw = ImageDraw.Draw(image)
    width, height = image.size
    unit = max(9, min(width, height) // 14)
    font, small = _font(unit), _font(max(8, unit * 3 // 4))
    margin = unit // 2
    lines = _wrap(draw, prompt or "(no prompt)", font, width - 2 * margin, max_lines=4)
    y = margin
    for line in lines:
        draw.text((margin + 1, y + 1), line, font=font, fill=(0, 0, 0))
        draw.text((margin, y), line, font=font, fill=(255, 255, 255))
        y += unit + unit // 4
    draw.text((margin, height - margin - unit), caption, font=small, fill=(230, 230, 230))
    if marker is not None:
        radius = max(4, min(width, height) // 12)
        cx = width / 2 + (width / 2 - radius - margin) * math.sin(2 * math.pi * marker)
        cy = height * 0.62 + (height * 0.18) * math.sin(4 * math.pi * marker)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(255, 196, 0), outline=(0, 0, 0))
        bar = int((width - 2 * margin) * marker)
        draw.rectangle((margin, height - margin // 2 - 3, margin + bar, height - margin // 2), fill=(255, 196, 0))
    return image


def load_start_image(source: str | Path | None) -> Image.Image | None:
    """A start image from a local path or a data URI; None when it cannot be read."""
    if source is None:
        return None
    try:
        if isinstance(source, str) and source.startswith("data:"):
            _, _, payload = source.partition(",")
            return Image.open(io.BytesIO(base64.b64decode(payload, validate=False))).convert("RGB")
        return Image.open(source).convert("RGB")
    except (OSError, ValueError, binascii.Error, Image.DecompressionBombError):
        return None


def render_png(path: Path, body: dict, model: str, index: int = 0, count: int = 1) -> None:
    """One picture; ``index`` of ``count`` when a task makes several (each looks different)."""
    size = image_size(body)
    image = _background(size, str(body.get("prompt", "")), None)
    # The marker's place follows the seed (and the picture's place in a series), so two seeds
    # of one prompt, or two pictures of one task, look different.
    seed_marker = hashlib.sha256(f"{body.get('seed', -1)}/{index}".encode()).digest()[0] / 256
    caption = f"{model} · seed {body.get('seed', -1)} · simulated"
    if count > 1:
        caption = f"{model} · image {index + 1} of {count} · seed {body.get('seed', -1)} · simulated"
    _overlay(image, str(body.get("prompt", "")), caption, marker=seed_marker)
    image.save(path, format="PNG", compress_level=1)


def render_mp4(path: Path, body: dict, model: str, start_image: Image.Image | None = None,
               pad_to_bytes: int = 0, seconds: float | None = None, audio_track: bool | None = None) -> None:
    """An H.264 clip of the requested length (``seconds``, else the body's duration); with
    audio (``audio_track``, else the body's generate_audio), a quiet tone track too."""
    size = video_size(body)
    if seconds is None:
        seconds = float(body.get("duration", 5))
    seconds = max(1, round(seconds))
    frames = seconds * VIDEO_FPS
    prompt = str(body.get("prompt", ""))
    background = _background(size, prompt, start_image)
    caption = f"{model} · {body.get('resolution', '720p')} · {seconds}s · simulated"
    if audio_track is None:
        audio_track = bool(body.get("generate_audio", True))
    with av.open(str(path), mode="w", format="mp4") as container:
        video = container.add_stream("libx264", rate=VIDEO_FPS)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.options = {"preset": "ultrafast", "tune": "stillimage"}
        audio = None
        if audio_track:
            audio = container.add_stream("aac", rate=AUDIO_RATE)
            audio.layout = "mono"
        for index in range(frames):
            frame = _overlay(background.copy(), prompt, f"{caption} · t={index / VIDEO_FPS:.2f}s",
                             marker=index / frames)
            for packet in video.encode(av.VideoFrame.from_image(frame)):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        if audio is not None:
            _write_tone(container, audio, seconds, pitch=220 + (sum(prompt.encode()) % 440))
    if pad_to_bytes:
        # Large-output benchmarks need big files; MP4 players ignore trailing free space
        # only inside a box, so pad with a 'free' box rather than raw bytes.
        _append_free_box(path, pad_to_bytes)


def _write_tone(container, stream, seconds: int, pitch: int) -> None:
    import array

    samples_per_frame = 1024
    total = seconds * AUDIO_RATE
    for start in range(0, total, samples_per_frame):
        count = min(samples_per_frame, total - start)
        data = array.array("f", (0.1 * math.sin(2 * math.pi * pitch * (start + i) / AUDIO_RATE) for i in range(count)))
        frame = av.AudioFrame(format="flt", layout="mono", samples=count)
        frame.planes[0].update(data.tobytes())
        frame.sample_rate = AUDIO_RATE
        frame.pts = start
        frame.time_base = Fraction(1, AUDIO_RATE)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)


def _append_free_box(path: Path, target_bytes: int) -> None:
    current = path.stat().st_size
    remaining = target_bytes - current
    if remaining <= 16:
        return
    with open(path, "ab") as handle:
        box = remaining
        handle.write((1).to_bytes(4, "big") + b"free" + box.to_bytes(8, "big"))
        chunk = bytes(1 << 20)
        left = box - 16
        while left > 0:
            handle.write(chunk[: min(left, len(chunk))])
            left -= min(left, len(chunk))
