"""A made-up catalog the size and variety of Atlas's live one, for the simulator.

The bundled snapshot is a tidy dozen models; the live catalog lists hundreds, from many
providers, with ids in no single pattern and every schema shape the product must handle:
lists of media URLs, lists of objects (``loras``, ``subjects``), object fields, durations as
integer ranges, integer enums, string enums, floats or not at all, several outputs per task,
and rows of about the real size. ``synthetic_catalog(400)`` gives such a catalog, the same
for the same seed, so benchmarks and tests can meet it without a network.

Every listed Image and Video model is submittable in the simulator: its schema is valid
JSON Schema and ``minimal_body`` builds a body that passes it.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.engine.atlas.shapes import Kind, classify
from app.sim import tiers
from app.engine.core.paths import catalog_dir

__all__ = ["synthetic_catalog", "minimal_body", "SAMPLE_MEDIA"]

SAMPLE_MEDIA = {
    "image": "https://static.example.com/inputs/sample.png",
    "video": "https://static.example.com/inputs/sample.mp4",
    "audio": "https://static.example.com/inputs/sample.mp3",
}
SCHEMA_HOST = "https://api.atlascloud.ai/api/v1/models/schema"
INT32_MAX = 2147483647


@dataclass(frozen=True)
class Family:
    provider: str
    name: str          # as it appears in ids
    display: str       # as it appears in display names
    medium: str        # image, video, audio or text
    versions: tuple[str, ...]
    tiers: tuple[str, ...]
    style: str         # how its ids are spelled, see _model_id


# Providers and families seen in Atlas's catalog and clients (2026), and a few more alike.
FAMILIES = (
    Family("kwaivgi", "kling", "Kling", "video", ("v1.6", "v2.0", "v2.1", "v2.5-turbo", "v2.6", "v3.0"),
           ("std", "pro", "master"), "dash-abbr"),
    Family("kwaivgi", "kling-video", "Kling Video", "video", ("o1", "o3"), ("std", "pro"), "slash-task"),
    Family("alibaba", "wan", "Wan", "video", ("2.1", "2.2", "2.5", "2.6"), ("", "fast", "flash", "turbo"),
           "slash-task"),
    Family("alibaba", "wan", "Wan", "image", ("2.5", "2.6"), ("",), "slash-task"),
    Family("minimax", "hailuo", "Hailuo", "video", ("02", "2.3"), ("standard", "pro", "fast"), "slash-abbr"),
    Family("vidu", "vidu", "Vidu", "video", ("q1", "q2", "q2-pro-fast", "q3", "q3-pro", "q3-turbo"), ("",),
           "provider-version"),
    Family("bytedance", "seedance", "Seedance", "video", ("v1-lite", "v1-pro", "v1.5-pro", "2.0"), ("", "fast"),
           "slash-task"),
    Family("bytedance", "seedance", "Seedance", "video", ("v1-lite", "v1-pro"), ("480p", "720p", "1080p"),
           "dash-abbr"),
    Family("bytedance", "seedream", "Seedream", "image", ("v3", "v4", "v4.5", "v5.0-lite"), ("",), "slash-task"),
    Family("bytedance", "omnihuman", "OmniHuman", "video", ("v1", "v1.5"), ("",), "slash-task"),
    Family("google", "veo", "Veo", "video", ("2", "3", "3.1"), ("", "-fast"), "glued"),
    Family("google", "imagen", "Imagen", "image", ("3", "4"), ("", "-fast", "-ultra"), "glued"),
    Family("google", "nano-banana", "Nano Banana", "image", ("", "2", "pro"), ("", "developer", "ultra"),
           "slash-task"),
    Family("openai", "sora", "Sora", "video", ("2",), ("", "pro"), "slash-task"),
    Family("openai", "gpt-image", "GPT Image", "image", ("1", "1-mini", "1.5"), ("",), "slash-task"),
    Family("alibaba", "qwen-image", "Qwen-Image", "image", ("", "plus", "max"), ("",), "slash-task"),
    Family("black-forest-labs", "flux", "FLUX", "image", ("1.1-pro", "2-pro", "2-flex", "dev", "schnell",
                                                           "kontext-dev", "kontext-pro"), ("", "lora"), "slash-task"),
    Family("ideogram-ai", "ideogram", "Ideogram", "image", ("v2", "v3"), ("turbo", "quality", "balanced"),
           "dash-tier"),
    Family("recraft-ai", "recraft", "Recraft", "image", ("v3", "v4"), ("", "svg"), "dash-tier"),
    Family("luma", "photon", "Photon", "image", ("",), ("", "flash"), "dash-tier"),
    Family("luma", "ray", "Ray", "video", ("2", "3"), ("", "flash"), "dash-abbr"),
    Family("pixverse", "pixverse", "PixVerse", "video", ("v4.5", "v5", "v5.5"), ("",), "dash-abbr"),
    Family("pika", "pika", "Pika", "video", ("v2.1", "v2.2"), ("", "turbo"), "dash-abbr"),
    Family("tencent", "hunyuan-video", "HunyuanVideo", "video", ("", "1.5"), ("",), "slash-abbr"),
    Family("tencent", "hunyuan-image", "HunyuanImage", "image", ("2.1", "3.0"), ("",), "slash-task"),
    Family("lightricks", "ltx-video", "LTX Video", "video", ("0.9.8", "2"), ("", "fast", "pro"), "slash-task"),
    Family("z-image", "turbo", "Z-Image Turbo", "image", ("",), ("", "lora"), "bare"),
    Family("stability-ai", "stable-diffusion", "Stable Diffusion", "image", ("3.5-large", "3.5-medium"),
           ("", "turbo"), "slash-task"),
    Family("hidream-ai", "hidream", "HiDream", "image", ("i1",), ("fast", "dev", "full"), "slash-task"),
    Family("atlascloud", "van", "Van", "video", ("2.5", "2.6"), ("",), "slash-task"),
    Family("midjourney", "niji", "Niji", "image", ("6", "7"), ("",), "glued"),
    Family("bria", "bria", "Bria", "image", ("3.2", "fibo"), ("",), "slash-task"),
    Family("kwaivgi", "kling-image", "Kling Image", "image", ("v2", "v2.1", "o1"), ("",), "slash-task"),
    Family("minimax", "image", "MiniMax Image", "image", ("01", "01-live"), ("",), "dash-tier"),
    Family("runway", "gen4-image", "Gen-4 Image", "image", ("", "turbo"), ("",), "dash-tier"),
    Family("runway", "gen4", "Gen-4", "video", ("", "aleph"), ("", "turbo"), "dash-abbr"),
    Family("krea", "krea", "Krea", "image", ("1",), ("", "realtime"), "dash-tier"),
    Family("leonardoai", "phoenix", "Phoenix", "image", ("1.0", "1.1"), ("", "fast"), "dash-tier"),
    Family("higgsfield", "soul", "Higgsfield Soul", "image", ("", "2"), ("",), "slash-task"),
    Family("minimax", "music", "MiniMax Music", "audio", ("1.5", "2.0"), ("",), "audio"),
    Family("suno", "suno", "Suno", "audio", ("v4.5", "v5"), ("",), "audio"),
    Family("zai-org", "glm", "GLM", "text", ("4.6", "4.7", "5"), ("",), "text"),
    Family("minimax", "speech", "MiniMax Speech", "audio", ("02-hd", "02-turbo", "2.6-hd"), ("",), "audio"),
    Family("bytedance", "seed-audio", "Seed Audio", "audio", ("1.0",), ("",), "audio"),
    Family("elevenlabs", "eleven", "ElevenLabs", "audio", ("v3", "multilingual-v2", "music"), ("",), "audio"),
    Family("deepseek-ai", "deepseek", "DeepSeek", "text", ("v3.1", "v3.2", "r1"), ("",), "text"),
    Family("qwen", "qwen3", "Qwen3", "text", ("235b-a22b", "coder-480b", "max"), ("",), "text"),
    Family("moonshotai", "kimi", "Kimi", "text", ("k2", "k2.5"), ("",), "text"),
)

# (task key, categories, share of the catalog). Shares follow what the real catalog holds.
TASK_SHARES = (
    ("text-to-image", ("Text-to-Image",), 0.21),
    ("image-edit", ("Image Edit", "Image-to-Image"), 0.12),
    ("image-to-image", ("Image-to-Image",), 0.05),
    ("sequential", ("Text-to-Image",), 0.03),
    ("text-to-video", ("Text-to-Video",), 0.18),
    ("image-to-video", ("Image-to-Video",), 0.18),
    ("start-end", ("Image-to-Video",), 0.04),
    ("reference-to-video", ("Reference-to-Video",), 0.06),
    ("video-to-video", ("Video-to-Video",), 0.05),
    ("avatar", ("Image-to-Video", "Avatar"), 0.02),
    ("audio", ("Text-to-Speech",), 0.03),
    ("text", ("LLM",), 0.03),
)
MEDIUM_OF_TASK = {
    "text-to-image": "image", "image-edit": "image", "image-to-image": "image", "sequential": "image",
    "text-to-video": "video", "image-to-video": "video", "start-end": "video", "reference-to-video": "video",
    "video-to-video": "video", "avatar": "video", "audio": "audio", "text": "text",
}
# How each task is written inside ids: long form, short form.
TASK_WORDS = {
    "text-to-image": ("text-to-image", "t2i"), "image-edit": ("edit", "edit"),
    "image-to-image": ("image-to-image", "i2i"), "sequential": ("sequential", "seq"),
    "text-to-video": ("text-to-video", "t2v"), "image-to-video": ("image-to-video", "i2v"),
    "start-end": ("start-end-to-video", "start-end-frame"), "reference-to-video": ("reference-to-video", "r2v"),
    "video-to-video": ("video-to-video", "v2v"), "avatar": ("avatar", "avatar"), "audio": ("tts", "tts"),
    "text": ("", ""),
}
HIDDEN_SHARE = 0.03
ASPECT_SETS = (
    ("16:9", "9:16", "1:1"),
    ("21:9", "16:9", "4:3", "1:1", "3:4", "9:16"),
    ("1:1", "3:2", "2:3", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"),
    ("16:9", "9:16"),
)
SIZE_SETS = (
    ("1024*1024", "1152*896", "896*1152", "1216*832", "832*1216", "1344*768", "768*1344"),
    ("2048*2048", "2304*1728", "1728*2304", "2848*1600", "1600*2848", "2496*1664", "1664*2496"),
    ("1280*720", "720*1280", "960*960", "1088*832", "832*1088", "1920*1080", "1080*1920"),
)


def synthetic_catalog(count: int, seed: int = 0) -> tuple[list[dict], dict[str, dict]]:
    """``count`` catalog rows (without schema URLs: whoever serves them adds those) and an
    OpenAPI document per model id. The same count and seed give the same catalog."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = random.Random(f"atlas-synthetic/{seed}")
    quotas = _quotas(count)
    pools = _id_pools(rng)
    # Served beside the snapshot, a made-up model must never take a real one's id.
    taken = _snapshot_ids()
    rows: list[dict] = []
    schemas: dict[str, dict] = {}
    builder = _Builder(rng)
    for task, categories, _ in TASK_SHARES:
        for index in range(quotas[task]):
            family, model_id, version, tier = _next_id(pools[task], task, taken, rng)
            input_schema = builder.input_schema(task, tier, first_of_task=index == 0)
            display = _display_name(family, version, tier, task)
            row = _row(rng, family, model_id, display, task, categories, input_schema)
            rows.append(row)
            schemas[model_id] = _document(row, input_schema)
    rng.shuffle(rows)
    return rows, schemas


def _snapshot_ids() -> set[str]:
    document = json.loads((catalog_dir() / "models.json").read_text(encoding="utf-8"))
    return {row["model"] for row in document["data"]}


def _quotas(count: int) -> dict[str, int]:
    """Whole model counts per task that add up to ``count``, largest remainders first."""
    exact = {task: count * share for task, _, share in TASK_SHARES}
    quotas = {task: int(value) for task, value in exact.items()}
    by_remainder = sorted(exact, key=lambda task: (quotas[task] - exact[task], task))
    for task in by_remainder[: count - sum(quotas.values())]:
        quotas[task] += 1
    return quotas


# --- ids ---------------------------------------------------------------------------------------

def _model_id(family: Family, version: str, tier: str, task: str) -> str:
    """Real ids follow no single pattern; each family keeps one of the spellings Atlas uses."""
    long, short = TASK_WORDS[task]
    stem = "-".join(part for part in (family.name, version) if part)
    if family.style == "dash-abbr":      # kwaivgi/kling-v2.1-t2v-master, seedance-v1-lite-i2v-1080p
        return f"{family.provider}/{'-'.join(p for p in (stem, short, tier) if p)}"
    if family.style == "slash-abbr":     # minimax/hailuo-2.3/t2v-pro
        return f"{family.provider}/{stem}/{'-'.join(p for p in (short, tier) if p)}"
    if family.style == "provider-version":  # vidu/q3-turbo/image-to-video
        return f"{family.provider}/{version}/{long}"
    if family.style == "glued":          # google/veo3.1-fast/image-to-video, google/imagen4-ultra
        head = f"{family.provider}/{family.name}{version}{tier}"
        return head if task in ("text-to-image",) else f"{head}/{long}"
    if family.style == "dash-tier":      # ideogram-ai/ideogram-v3-turbo, luma/photon-flash
        base = f"{family.provider}/{'-'.join(p for p in (stem, tier) if p)}"
        return base if task == "text-to-image" else f"{base}/{long}"
    if family.style == "bare":           # z-image/turbo, z-image/turbo-lora
        base = f"{family.provider}/{'-'.join(p for p in (family.name, tier) if p)}"
        return base if task == "text-to-image" else f"{base}/{long}"
    if family.style in ("audio", "text"):  # minimax/speech-02-hd, deepseek-ai/deepseek-v3.2
        return f"{family.provider}/{stem}"
    # slash-task: bytedance/seedance-v1.5-pro/text-to-video, google/nano-banana-pro/edit-developer
    versioned = f"{stem}-{tier}" if tier and task not in ("image-edit", "text-to-image") else stem
    suffix = long if not tier or versioned.endswith(tier) else f"{long}-{tier}"
    if family.medium == "image" and task == "text-to-image" and not tier and version:
        return f"{family.provider}/{versioned}"
    return f"{family.provider}/{versioned}/{suffix}"


def _id_pools(rng: random.Random) -> dict[str, list[tuple[Family, str, str, str]]]:
    pools: dict[str, list[tuple[Family, str, str, str]]] = {task: [] for task in MEDIUM_OF_TASK}
    for family in FAMILIES:
        for task, medium in MEDIUM_OF_TASK.items():
            if medium != family.medium:
                continue
            for version in family.versions:
                for tier in family.tiers:
                    pools[task].append((family, _model_id(family, version, tier, task), version, tier))
    for pool in pools.values():
        rng.shuffle(pool)
    return pools


def _next_id(pool: list, task: str, taken: set[str], rng: random.Random) -> tuple[Family, str, str, str]:
    while pool:
        family, model_id, version, tier = pool.pop()
        if model_id not in taken:
            taken.add(model_id)
            return family, model_id, version, tier
    # More models than families, versions and tiers give: dated snapshots, as Atlas lists some.
    family = rng.choice([f for f in FAMILIES if f.medium == MEDIUM_OF_TASK[task]])
    while True:
        version = rng.choice(family.versions)
        date = f"2025{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        model_id = f"{_model_id(family, version, '', task)}-{date}"
        if model_id not in taken:
            taken.add(model_id)
            return family, model_id, f"{version} {date}".strip(), ""


# --- schemas -----------------------------------------------------------------------------------

def _media_items(media: str = "image") -> dict:
    return {"type": "string", "format": "uri", "x-input-kind": media}


class _Builder:
    """Input schemas, drawn from the shapes the real catalog uses, in the proportions it does."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def input_schema(self, task: str, tier: str, first_of_task: bool) -> dict:
        properties: dict[str, dict] = {}
        required: list[str] = []
        if task == "text":
            return self._text_schema()
        if task == "audio":
            return self._audio_schema()
        prompt_required = not (task in ("image-to-video", "avatar") and self.chance(0.3))
        properties["prompt"] = {"type": "string", "maxLength": self.rng.choice((800, 1500, 2000, 2500, 5000)),
                                "description": "Text description of what to generate."}
        if prompt_required:
            properties["prompt"]["minLength"] = 1
            required.append("prompt")
        getattr(self, "_" + task.replace("-", "_"))(properties, required, first_of_task)
        if MEDIUM_OF_TASK[task] == "image":
            self._image_common(properties, task, tier)
        else:
            self._video_common(properties, task)
        self._seed(properties)
        return {"type": "object", "title": "Input", "required": required, "properties": properties,
                "x-order-properties": list(properties)}

    # image tasks
    def _text_to_image(self, properties: dict, required: list, first: bool) -> None:
        if self.chance(0.35) or first:
            self._count_field(properties, "num_images", self.rng.choice((4, 4, 6, 8)))

    def _sequential(self, properties: dict, required: list, first: bool) -> None:
        self._count_field(properties, "max_images", 15)
        if self.chance(0.5):
            self._images(properties, required, "images", 0, self.rng.choice((10, 14)), required_list=False)

    def _image_edit(self, properties: dict, required: list, first: bool) -> None:
        if first or self.chance(0.8):
            self._images(properties, required, "images", 1, self.rng.choice((3, 4, 6, 9, 10, 10, 14)))
        else:
            name = self.rng.choice(("image", "image_url"))
            properties[name] = {"type": "string", "x-input-kind": "image",
                                "description": "Image to edit: an https URL or a data URI."}
            required.append(name)
            if self.chance(0.4):
                properties["mask_image"] = {"type": "string", "x-input-kind": "image",
                                            "description": "Optional mask: white where the edit goes."}
        if self.chance(0.3):
            self._count_field(properties, "num_images", self.rng.choice((4, 6)))

    def _image_to_image(self, properties: dict, required: list, first: bool) -> None:
        properties["image"] = {"type": "string", "x-input-kind": "image",
                               "description": "Input image: an https URL or a data URI."}
        required.append("image")
        properties["strength"] = {"type": "number", "minimum": 0, "maximum": 1, "default": 0.8,
                                  "description": "How far the output may depart from the input."}

    def _image_common(self, properties: dict, task: str, tier: str) -> None:
        draw = self.rng.random()
        if draw < 0.35:
            low, high = self.rng.choice(((256, 1536), (512, 2048), (1024, 4096)))
            pixels = self.rng.choice((1_048_576, 2_359_296, 4_194_304, 16_777_216))
            default = "1024*1024" if low <= 1024 <= high and pixels >= 1_048_576 else f"{high}*{high}"
            properties["size"] = {"type": "string", "pattern": r"^\d+\*\d+$", "default": default,
                                  "x-min-side": low, "x-max-side": high, "x-max-pixels": max(pixels, low * low),
                                  "description": f"Output size as WIDTH*HEIGHT, each side {low}-{high} pixels."}
            if int(default.split("*")[0]) ** 2 > properties["size"]["x-max-pixels"]:
                properties["size"]["default"] = f"{low}*{low}"
        elif draw < 0.6:
            sizes = self.rng.choice(SIZE_SETS)
            properties["size"] = {"type": "string", "enum": list(sizes), "default": sizes[0],
                                  "description": "Output size (WIDTH*HEIGHT)."}
        else:
            ratios = self.rng.choice(ASPECT_SETS)
            properties["aspect_ratio"] = {"type": "string", "enum": list(ratios), "default": "1:1"
                                          if "1:1" in ratios else ratios[0], "description": "Aspect ratio."}
            if self.chance(0.5):
                properties["resolution"] = {"type": "string", "enum": ["1k", "2k", "4k"], "default": "1k",
                                            "description": "Output resolution preset."}
        if self.chance(0.4):
            properties["negative_prompt"] = {"type": "string", "default": "", "maxLength": 2000,
                                             "description": "What the image should not contain."}
        self._guidance(properties, 0.4)
        if self.chance(0.25):
            properties["num_inference_steps"] = {"type": "integer", "minimum": 1, "maximum": 50, "default": 28,
                                                 "description": "Denoising steps."}
        if tier == "lora" or self.chance(0.08):
            self._loras(properties)
        self._prompt_rewrite(properties)
        if self.chance(0.35):
            formats = self.rng.choice((["jpeg", "png"], ["png", "jpeg", "webp"]))
            properties["output_format"] = {"type": "string", "enum": formats, "default": formats[0],
                                           "description": "File format of the outputs."}
        if self.chance(0.2):
            properties["enable_safety_checker"] = {"type": "boolean", "default": True,
                                                   "description": "Refuse unsafe outputs."}

    # video tasks
    def _text_to_video(self, properties: dict, required: list, first: bool) -> None:
        pass

    def _image_to_video(self, properties: dict, required: list, first: bool) -> None:
        name = self.rng.choice(("image", "image", "image", "image_url", "first_image", "start_image"))
        properties[name] = {"type": "string", "x-input-kind": "image",
                            "description": "Start frame: an https URL or a data URI."}
        required.append(name)
        if self.chance(0.4):
            end = self.rng.choice(("end_image", "last_image", "tail_image"))
            properties[end] = {"type": "string", "x-input-kind": "image",
                               "description": "Optional last frame: an https URL or a data URI."}
        if self.chance(0.15):
            self._loras(properties)

    def _start_end(self, properties: dict, required: list, first: bool) -> None:
        if self.chance(0.5):
            self._images(properties, required, "images", 2, 2)
            properties["images"]["description"] = "Start and end frames, in that order."
        else:
            for name, what in (("image", "First frame"), (self.rng.choice(("end_image", "last_image")), "Last frame")):
                properties[name] = {"type": "string", "x-input-kind": "image",
                                    "description": f"{what}: an https URL or a data URI."}
                required.append(name)

    def _reference_to_video(self, properties: dict, required: list, first: bool) -> None:
        if first:
            # One real video model takes subjects, each with its own reference pictures.
            properties["subjects"] = {
                "type": "array", "minItems": 1, "maxItems": 4,
                "description": "People or things to keep consistent; refer to them by id in the prompt.",
                "items": {"type": "object", "required": ["id", "images"], "additionalProperties": False,
                          "properties": {
                              "id": {"type": "string", "minLength": 1, "description": "Name used in the prompt."},
                              "images": {"type": "array", "minItems": 1, "maxItems": 3, "items": _media_items(),
                                         "description": "1-3 pictures of this subject."},
                              "voice_id": {"type": "string", "description": "Optional voice for this subject."}}}}
            required.append("subjects")
        else:
            name = self.rng.choice(("images", "images", "reference_images"))
            self._images(properties, required, name, self.rng.choice((0, 1, 1)), self.rng.choice((3, 4, 7, 9)))
        if self.chance(0.35):
            properties["videos"] = {"type": "array", "maxItems": 3, "items": _media_items("video"),
                                    "description": "Optional reference videos: https URLs or data URIs."}
        if self.chance(0.2):
            properties["audio"] = {"type": "string", "x-input-kind": "audio",
                                   "description": "Optional reference audio: an https URL or a data URI."}

    def _video_to_video(self, properties: dict, required: list, first: bool) -> None:
        if self.chance(0.5):
            properties["video"] = {"type": "string", "x-input-kind": "video",
                                   "description": "Input video: an https URL or a data URI."}
            required.append("video")
        else:
            properties["videos"] = {"type": "array", "minItems": 1, "maxItems": self.rng.choice((1, 3)),
                                    "items": _media_items("video"), "description": "Input videos."}
            required.append("videos")
        if self.chance(0.3):
            properties["keep_original_sound"] = {"type": "boolean", "default": True,
                                                 "description": "Keep the input's sound."}
        if self.chance(0.3):
            self._images(properties, required, "images", 0, 4, required_list=False)

    def _avatar(self, properties: dict, required: list, first: bool) -> None:
        properties["image"] = {"type": "string", "x-input-kind": "image",
                               "description": "Portrait to animate: an https URL or a data URI."}
        properties["audio"] = {"type": "string", "x-input-kind": "audio",
                               "description": "Speech to lip-sync: an https URL or a data URI."}
        required.extend(["image", "audio"])

    def _video_common(self, properties: dict, task: str) -> None:
        self._duration(properties, task)
        draw = self.rng.random()
        if draw < 0.55:
            choices = self.rng.choice((["480p", "720p"], ["720p", "1080p"], ["480p", "720p", "1080p"],
                                       ["720p", "1080p", "4k"], ["720p"]))
            properties["resolution"] = {"type": "string", "enum": choices, "default": "720p"
                                        if "720p" in choices else choices[0], "description": "Output resolution."}
        elif draw < 0.7:
            sizes = SIZE_SETS[2]
            properties["size"] = {"type": "string", "enum": list(sizes), "default": sizes[0],
                                  "description": "Output size (WIDTH*HEIGHT)."}
        if "size" not in properties and self.chance(0.7):
            ratios = self.rng.choice(ASPECT_SETS)
            properties["aspect_ratio"] = {"type": "string", "enum": list(ratios), "default": ratios[0],
                                          "description": "Aspect ratio of the video."}
        audio = self.rng.choice(("generate_audio", "generate_audio", "sound", "bgm", None, None))
        if audio:
            properties[audio] = {"type": "boolean", "default": audio == "generate_audio",
                                 "description": "Generate a soundtrack with the video."}
        if self.chance(0.4):
            properties["negative_prompt"] = {"type": "string", "default": "", "maxLength": 2500,
                                             "description": "What the video should not contain."}
        self._guidance(properties, 0.3)
        self._prompt_rewrite(properties)
        if self.chance(0.2):
            properties["camera_fixed"] = {"type": "boolean", "default": False, "description": "Keep the camera still."}
        if self.chance(0.15):
            properties["movement_amplitude"] = {"type": "string", "enum": ["auto", "small", "medium", "large"],
                                                "default": "auto", "description": "How much things move."}

    def _duration(self, properties: dict, task: str) -> None:
        """The catalog writes durations five ways; about a fifth of video models have none."""
        draw = self.rng.random()
        description = "Clip length in seconds."
        if draw < 0.2:
            return
        if draw < 0.45:
            low, high = self.rng.choice(((4, 12), (3, 15), (1, 16), (5, 15), (2, 10)))
            spec = {"type": "integer", "minimum": low, "maximum": high, "default": max(low, 5)}
        elif draw < 0.72:
            values = self.rng.choice(([5, 10], [4, 6, 8], [5, 8], [6, 10], [5, 10, 15], [4, 8]))
            spec = {"type": "integer", "enum": values, "default": values[0]}
        elif draw < 0.87:
            values = self.rng.choice((["5", "10"], ["5", "10"], ["4", "8"], ["6", "10"]))
            spec = {"type": "string", "enum": values, "default": values[0]}
            description = f"Clip length in seconds, as a string: {' or '.join(repr(v) for v in values)}."
        else:
            low, high = self.rng.choice(((1.0, 10.0), (2.0, 8.0), (1.0, 16.0)))
            spec = {"type": "number", "minimum": low, "maximum": high, "default": 5.0}
        properties["duration"] = {**spec, "description": description}

    # shared pieces
    def _images(self, properties: dict, required: list, name: str, low: int, high: int,
                required_list: bool = True) -> None:
        spec = {"type": "array", "items": _media_items(), "maxItems": high,
                "description": (f"{low}-{high} images" if low else f"Up to {high} images")
                + ": https URLs (for example from uploadMedia) or data URIs."}
        if low:
            spec["minItems"] = low
        properties[name] = spec
        if low and required_list:
            required.append(name)

    def _count_field(self, properties: dict, name: str, high: int) -> None:
        properties[name] = {"type": "integer", "minimum": 1, "maximum": high, "default": 1,
                            "description": "How many images to generate (each is charged)."}

    def _guidance(self, properties: dict, probability: float) -> None:
        if not self.chance(probability):
            return
        if self.chance(0.5):
            properties["guidance_scale"] = {"type": "number", "minimum": 0, "maximum": 20,
                                            "default": self.rng.choice((2.5, 3.5, 5.0, 7.5)),
                                            "description": "How closely to follow the prompt."}
        else:
            properties["cfg_scale"] = {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                                       "description": "How closely to follow the prompt."}

    def _prompt_rewrite(self, properties: dict) -> None:
        draw = self.rng.random()
        if draw < 0.2:
            properties["enable_prompt_expansion"] = {"type": "boolean", "default": self.chance(0.5),
                                                     "description": "Let the model rewrite the prompt."}
        elif draw < 0.35:
            properties["prompt_extend"] = {"type": "boolean", "default": False,
                                           "description": "Let the model rewrite the prompt."}
        elif draw < 0.45:
            properties["optimize_prompt_options"] = {
                "type": "object", "additionalProperties": False, "default": {"mode": "standard"},
                "description": "Prompt optimisation.",
                "properties": {"mode": {"type": "string", "enum": ["standard", "fast"], "default": "standard"}}}

    def _loras(self, properties: dict) -> None:
        properties["loras"] = {
            "type": "array", "default": [], "maxItems": self.rng.choice((3, 4, 5)),
            "description": "LoRA weights to apply, each {path, scale}.",
            "items": {"type": "object", "required": ["path"], "additionalProperties": False,
                      "properties": {"path": {"type": "string", "description": "URL or Hugging Face repo of the LoRA."},
                                     "scale": {"type": "number", "minimum": 0, "maximum": 4, "default": 1.0,
                                               "description": "Strength."}}}}

    def _seed(self, properties: dict) -> None:
        draw = self.rng.random()
        if draw < 0.5:
            properties["seed"] = {"type": "integer", "minimum": -1, "maximum": INT32_MAX, "default": -1,
                                  "description": "Random seed; -1 picks one at random."}
        elif draw < 0.8:
            properties["seed"] = {"type": "integer", "minimum": 0, "maximum": INT32_MAX, "default": 0,
                                  "description": "Random seed; 0 picks one at random."}
        elif draw < 0.9:
            properties["seed"] = {"type": "integer", "description": "Random seed; leave out for a random one."}

    def _text_schema(self) -> dict:
        return {"type": "object", "title": "Input", "required": ["messages"],
                "properties": {"messages": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["role", "content"],
                    "properties": {"role": {"type": "string", "enum": ["system", "user", "assistant"]},
                                   "content": {"type": "string"}}}},
                    "max_tokens": {"type": "integer", "minimum": 1, "maximum": 65536, "default": 4096},
                    "temperature": {"type": "number", "minimum": 0, "maximum": 2, "default": 1}},
                "x-order-properties": ["messages", "max_tokens", "temperature"]}

    def _audio_schema(self) -> dict:
        voices = self.rng.sample(("Wise_Woman", "Friendly_Person", "Deep_Voice_Man", "Calm_Woman", "Casual_Guy",
                                  "Lively_Girl", "Patient_Man", "Young_Knight"), 4)
        return {"type": "object", "title": "Input", "required": ["text"],
                "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 5000,
                                        "description": "What to say."},
                               "voice_id": {"type": "string", "enum": voices, "default": voices[0]},
                               "speed": {"type": "number", "minimum": 0.5, "maximum": 2, "default": 1}},
                "x-order-properties": ["text", "voice_id", "speed"]}


# --- rows and documents ------------------------------------------------------------------------

TASK_LABELS = {
    "text-to-image": "", "image-edit": "Edit", "image-to-image": "Image-to-Image", "sequential": "Sequential",
    "text-to-video": "Text-to-Video", "image-to-video": "Image-to-Video", "start-end": "Start-End Frame",
    "reference-to-video": "Reference-to-Video", "video-to-video": "Video-to-Video", "avatar": "Avatar",
    "audio": "", "text": "",
}


def _display_name(family: Family, version: str, tier: str, task: str) -> str:
    """"Kling v2.1 Master Text-to-Video", "Imagen 4 Ultra", "Seedream v4.5 Edit"."""
    words = [family.display, version.replace("-", " "), tier.strip("-").replace("-", " ").title()
             if not any(c.isdigit() for c in tier) else tier, TASK_LABELS[task]]
    return " ".join(word for word in words if word)


_PRICES = {"image": ("0.005", "0.01", "0.02", "0.025", "0.03", "0.04", "0.05", "0.08", "0.15"),
           "video": ("0.05", "0.1", "0.2", "0.3", "0.45", "0.6", "1.0", "1.4", "2.0")}
_DISCOUNTS = ("0.7", "0.8", "0.85", "0.9", "1")


def _row(rng: random.Random, family: Family, model_id: str, display: str, task: str,
         categories: tuple[str, ...], input_schema: dict) -> dict:
    medium = MEDIUM_OF_TASK[task]
    kind = {"image": "Image", "video": "Video", "audio": "Audio", "text": "Text"}[medium]
    if medium in ("image", "video"):
        # Drawn as before, so the rest of a seed's catalog stays the same; the tiers of one
        # family then share a base price and discount and differ by their tier's ratio.
        rng.choice(_PRICES[medium])
        rng.choice(_DISCOUNTS)
        origin = (tiers.family_price(model_id, _PRICES[medium]) * tiers.price_ratio(model_id)).quantize(
            Decimal("0.0001"), ROUND_HALF_UP).normalize()
        discount = tiers.family_price(model_id, _DISCOUNTS, salt="discount")
    else:
        origin = Decimal(rng.choice(("0.001", "0.05", "0.1")))
        discount = Decimal(rng.choice(_DISCOUNTS))
    actual = (origin * discount).quantize(Decimal("0.0001"), ROUND_HALF_UP).normalize()
    category_list = list(categories[: 1 + (len(categories) > 1 and rng.random() < 0.5)])
    tags = sorted({family.display, family.provider, *category_list, rng.choice(("new", "hot", "popular", "fast"))})
    price: dict = {"discount": str(discount), "actual": {"base_price": str(actual)},
                   "origin": {"base_price": str(origin)}}
    if medium == "text":
        price["actual"].update(input_price=str(actual), output_price=str(actual * 4))
    return {
        "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "model": model_id,
        "type": kind,
        "displayName": display,
        "profile": f"{display}: {_PROFILES[task]}",
        "avatar": f"https://static.atlascloud.ai/media/avatars/{model_id.replace('/', '_')}.png",
        "readme": _readme(display, family, task, input_schema),
        "tags": tags,
        "price": price,
        "categories": category_list,
        "organization": family.provider,
        "example": _EXAMPLES[rng.randrange(len(_EXAMPLES))],
        "familyName": family.name,
        "familyDisplayName": family.display,
        "display_console": rng.random() >= HIDDEN_SHARE,
    }


_PROFILES = {
    "text-to-image": "turns a text prompt into a picture.",
    "image-edit": "edits pictures by instruction, with up to several references.",
    "image-to-image": "reworks an input picture guided by a prompt.",
    "sequential": "makes a consistent series of pictures from one prompt.",
    "text-to-video": "makes a video clip from a text prompt.",
    "image-to-video": "animates a start frame into a video clip.",
    "start-end": "makes a clip that moves from a first frame to a last one.",
    "reference-to-video": "keeps subjects from reference pictures consistent in a new clip.",
    "video-to-video": "restyles or edits an input video.",
    "avatar": "lip-syncs a portrait to speech.",
    "audio": "reads text aloud in a chosen voice.",
    "text": "a large language model for chat and code.",
}
_EXAMPLES = (
    "A red fox in fresh snow at dawn, soft light, shallow depth of field",
    "A paper boat drifting down a rainy city gutter, cinematic, close-up",
    "Slow dolly shot through a neon-lit night market, light rain",
    "A ceramic teapot on a wooden table, studio lighting, product photo",
    "An astronaut reading a newspaper on a park bench, 1960s film look",
)


def _readme(display: str, family: Family, task: str, input_schema: dict) -> str:
    """Real rows carry a markdown page about the model: most of a row's size."""
    lines = [f"# {display}", "", f"{display} by {family.provider} {_PROFILES[task]}", "",
             "## Key features", "",
             f"- Built on {family.display}, tuned for {task.replace('-', ' ')}.",
             "- Stable results across seeds; prompts in English and Chinese.",
             "- Outputs are delivered as URLs that stay valid for 14 days.", "",
             "## Parameters", ""]
    for name, prop in input_schema.get("properties", {}).items():
        detail = prop.get("description", "")
        if "enum" in prop:
            detail += f" One of: {', '.join(str(v) for v in prop['enum'])}."
        if "minimum" in prop or "maximum" in prop:
            detail += f" Range {prop.get('minimum', '-')} to {prop.get('maximum', '-')}."
        if "default" in prop:
            detail += f" Default {prop['default']!r}."
        lines.append(f"- `{name}`{' (required)' if name in input_schema.get('required', []) else ''}: {detail}")
    lines += ["", "## Tips", "",
              "Describe the subject first, then the setting, the light and the camera. Keep negative",
              "prompts short. Upload local files with uploadMedia and pass the returned URL.", ""]
    return "\n".join(lines)


def _document(row: dict, input_schema: dict) -> dict:
    endpoint = {"Image": "generateImage", "Video": "generateVideo"}.get(row["type"], "generateText")
    return {
        "openapi": "3.0.0",
        "info": {"title": row["displayName"], "version": "1.0.0",
                 "description": f"Input schema for {row['model']}"},
        "paths": {f"/api/v1/model/{endpoint}": {"post": {
            "summary": row["displayName"],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Input"}}}},
            "responses": {"200": {"description": "Task created"}}}}},
        "components": {"schemas": {"Input": input_schema}},
    }


# --- bodies ------------------------------------------------------------------------------------

def minimal_body(input_schema: dict, prompt: str = "a test") -> dict:
    """The smallest body the schema accepts: every required field, each with its default or the
    least value its rules allow, media as https URLs."""
    body = {}
    properties = input_schema.get("properties", {})
    for name in input_schema.get("required", []):
        body[name] = _least_value(name, properties.get(name, {}), prompt)
    return body


def _least_value(name: str, prop: dict, prompt: str) -> object:
    if "default" in prop:
        return prop["default"]
    shape = classify(name, prop)
    if shape.kind == Kind.MEDIA:
        return SAMPLE_MEDIA[shape.media]
    if shape.kind == Kind.MEDIA_LIST:
        return [SAMPLE_MEDIA[shape.media]] * max(1, shape.min_items or 0)
    if shape.kind == Kind.OBJECT:
        return minimal_body(prop, prompt)
    if shape.kind == Kind.OBJECT_LIST:
        return [minimal_body(prop.get("items", {}), prompt) for _ in range(max(1, shape.min_items or 0))]
    if shape.kind == Kind.LIST:
        items = prop.get("items", {})
        return [_least_value(name, items, prompt) for _ in range(shape.min_items or 0)]
    if shape.kind == Kind.ENUM:
        return prop["enum"][0]
    if shape.kind in (Kind.INTEGER, Kind.NUMBER):
        return prop.get("minimum", 1)
    if shape.kind == Kind.BOOLEAN:
        return False
    text = prompt if shape.kind == Kind.PROMPT else name
    return text.ljust(prop.get("minLength", 0), "x")
