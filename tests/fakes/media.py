"""Media files made by the tests: plain outputs in each format, files carrying a C2PA manifest
store built by hand (structurally valid JUMBF in each format's documented place, unsigned; the
signed ones come from tests/fakes/c2pa_signed.py), and samples in other tools' documented
metadata conventions."""

from __future__ import annotations

import io
import json
import struct
import uuid
import zlib
from pathlib import Path

from PIL import Image
from PIL.PngImagePlugin import PngInfo

FORMATS = ("png", "jpeg", "webp", "mp4", "webm")
SUFFIX = {"png": ".png", "jpeg": ".jpg", "webp": ".webp", "mp4": ".mp4", "webm": ".webm"}


def picture(colour=(200, 80, 40), size=(32, 24)) -> Image.Image:
    return Image.new("RGB", size, colour)


def media_bytes(kind: str, colour=(200, 80, 40)) -> bytes:
    if kind in ("png", "jpeg", "webp"):
        buffer = io.BytesIO()
        picture(colour).save(buffer, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[kind])
        return buffer.getvalue()
    return _video(kind, colour)


def _video(kind: str, colour) -> bytes:
    import tempfile

    import av

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"clip{SUFFIX[kind]}"
        codec = "libx264" if kind == "mp4" else "libvpx-vp9"
        with av.open(str(path), "w") as out:
            stream = out.add_stream(codec, rate=8)
            stream.width, stream.height, stream.pix_fmt = 32, 24, "yuv420p"
            for _ in range(4):
                for packet in stream.encode(av.VideoFrame.from_image(picture(colour))):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        return path.read_bytes()


# --- C2PA -------------------------------------------------------------------------------
C2PA_STORE_UUID = bytes.fromhex("6332706100110010800000aa00389b71")  # "c2pa" + the ISO suffix
C2PA_MANIFEST_UUID = bytes.fromhex("63326d6100110010800000aa00389b71")  # "c2ma"
C2PA_CLAIM_UUID = bytes.fromhex("6332636c00110010800000aa00389b71")  # "c2cl"
C2PA_SIGNATURE_UUID = bytes.fromhex("6332637300110010800000aa00389b71")  # "c2cs"
MP4_C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _superbox(type_uuid: bytes, label: str, *children: bytes) -> bytes:
    description = _box(b"jumd", type_uuid + b"\x03" + label.encode() + b"\x00")
    return _box(b"jumb", description + b"".join(children))


def c2pa_store() -> bytes:
    """A manifest store as the C2PA specification lays it out in JUMBF: the store superbox,
    one manifest with its claim (CBOR) and its signature (COSE_Sign1 bytes)."""
    claim = _superbox(C2PA_CLAIM_UUID, "c2pa.claim", _box(b"cbor", b"\xa1\x69dc:format\x69image/png"))
    signature = _superbox(C2PA_SIGNATURE_UUID, "c2pa.signature", _box(b"cbor", b"\xd2\x84\x43\xa1\x01\x26"))
    manifest = _superbox(C2PA_MANIFEST_UUID, f"urn:uuid:{uuid.UUID(int=7)}", claim, signature)
    return _superbox(C2PA_STORE_UUID, "c2pa", manifest)


def with_c2pa(kind: str, data: bytes) -> bytes:
    """``data`` with a manifest store where each format keeps it."""
    store = c2pa_store()
    if kind == "png":
        chunk = struct.pack(">I", len(store)) + b"caBX" + store + struct.pack(">I", zlib.crc32(b"caBX" + store))
        return data[:33] + chunk + data[33:]  # right after IHDR
    if kind == "jpeg":
        payload = b"JP" + struct.pack(">HI", 1, 1) + store  # common identifier, box instance, sequence
        segment = b"\xff\xeb" + struct.pack(">H", len(payload) + 2) + payload
        return data[:2] + segment + data[2:]
    if kind == "webp":
        chunk = b"C2PA" + struct.pack("<I", len(store)) + store + (b"\x00" if len(store) & 1 else b"")
        body = data[12:] + chunk
        return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
    if kind == "mp4":
        payload = MP4_C2PA_UUID + b"\x00\x00\x00\x00" + b"manifest\x00" + struct.pack(">Q", 0) + store
        # At the top level, after the media: placed before it, every chunk offset would move.
        return data + _box(b"uuid", payload)
    raise ValueError(kind)


# --- other tools' files -------------------------------------------------------------------
def png_with_texts(path: Path, texts: dict[str, str]) -> Path:
    info = PngInfo()
    for key, value in texts.items():
        info.add_text(key, value)
    picture().save(path, "PNG", pnginfo=info)
    return path


A1111_TEXT = ("a lighthouse at dusk, oil painting\nNegative prompt: blurry, text\n"
              "Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1234567, Size: 768x512, "
              "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Version: v1.9.4")

COMFY_GRAPH = {
    "3": {"class_type": "KSampler", "inputs": {"seed": 99887766, "steps": 20, "cfg": 8, "model": ["4", 0],
                                                "positive": ["6", 0], "negative": ["7", 0],
                                                "latent_image": ["5", 0]}},
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 1024, "height": 1024, "batch_size": 1}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox in snow", "clip": ["4", 1]}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "watermark", "clip": ["4", 1]}},
}


def samples(folder: Path) -> dict[str, Path]:
    """One file per tool, in the convention it documents."""
    import piexif
    import piexif.helper

    folder.mkdir(parents=True, exist_ok=True)
    made = {
        "a1111": png_with_texts(folder / "a1111.png", {"parameters": A1111_TEXT}),
        "comfyui": png_with_texts(folder / "comfyui.png", {"prompt": json.dumps(COMFY_GRAPH),
                                                            "workflow": json.dumps({"nodes": []})}),
        "invokeai": png_with_texts(folder / "invokeai.png", {"invokeai_metadata": json.dumps({
            "positive_prompt": "a castle on a hill", "negative_prompt": "fog", "seed": 424242, "width": 896,
            "height": 1152, "model": {"name": "juggernaut-xl", "base": "sdxl"}, "generation_mode": "txt2img"})}),
        "swarmui": png_with_texts(folder / "swarmui.png", {"parameters": json.dumps({
            "sui_image_params": {"prompt": "a blue bicycle", "negativeprompt": "people", "model": "flux1-dev",
                                 "seed": 31337, "steps": 20, "width": 1344, "height": 768},
            "sui_models": [{"name": "flux1-dev.safetensors", "param": "model"}]})}),
        "fooocus": png_with_texts(folder / "fooocus.png", {"parameters": json.dumps({
            "prompt": "a bowl of ramen", "negative_prompt": "cartoon", "resolution": "(1152, 896)",
            "base_model": "juggernautXL_v8Rundiffusion.safetensors", "seed": "777", "version": "Fooocus v2.5.5"}),
            "fooocus_scheme": "fooocus"}),
    }
    exif = piexif.dump({"0th": {}, "Exif": {piexif.ExifIFD.UserComment: piexif.helper.UserComment.dump(
        A1111_TEXT, encoding="unicode")}, "GPS": {}, "1st": {}, "thumbnail": None})
    jpeg = folder / "a1111.jpg"
    picture().save(jpeg, "JPEG", exif=exif)
    made["a1111-jpeg"] = jpeg
    comfy_exif = piexif.dump({"0th": {piexif.ImageIFD.Make: ("workflow:" + json.dumps({"nodes": []})).encode(),
                                      piexif.ImageIFD.Model: ("prompt:" + json.dumps(COMFY_GRAPH)).encode()},
                              "Exif": {}, "GPS": {}, "1st": {}, "thumbnail": None})
    webp = folder / "comfyui.webp"
    picture().save(webp, "WEBP", exif=comfy_exif)
    made["comfyui-webp"] = webp
    from mutagen.mp4 import MP4

    clip = folder / "comfyui.mp4"  # as VideoHelperSuite's Video Combine writes it
    clip.write_bytes(media_bytes("mp4"))
    video = MP4(clip)
    video.tags["\xa9cmt"] = [json.dumps({"prompt": COMFY_GRAPH, "workflow": {"nodes": []}})]
    video.save()
    made["comfyui-mp4"] = clip
    return made
