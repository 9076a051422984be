"""A catalog of real Atlas ids that come in tiers (../shared/atlas-api.md, "Tiers of one model
family" and the known models, 2026), with list prices as Atlas showed them. Prices have no
reliable unit across models; within a family they compare, which is all a ladder needs."""

from __future__ import annotations

from app.engine.atlas.catalog import Catalog, ModelInfo

# (id, type, task category, list price)
REAL_TIERED = (
    ("google/veo3.1/text-to-video", "Video", "Text-to-Video", "0.40"),
    ("google/veo3.1-fast/text-to-video", "Video", "Text-to-Video", "0.15"),
    ("google/veo3.1/image-to-video", "Video", "Image-to-Video", "0.40"),
    ("google/veo3.1-fast/image-to-video", "Video", "Image-to-Video", "0.15"),
    ("google/veo3/image-to-video", "Video", "Image-to-Video", "0.40"),
    ("google/veo3-fast/image-to-video", "Video", "Image-to-Video", "0.20"),
    ("google/veo2", "Video", "Text-to-Video", "0.50"),
    ("kwaivgi/kling-v2.1-i2v-standard", "Video", "Image-to-Video", "0.25"),
    ("kwaivgi/kling-v2.1-i2v-pro", "Video", "Image-to-Video", "0.45"),
    ("kwaivgi/kling-v2.1-i2v-master", "Video", "Image-to-Video", "1.30"),
    ("kwaivgi/kling-v2.1-t2v-master", "Video", "Text-to-Video", "1.19"),
    ("kwaivgi/kling-v2.1-i2v-pro/start-end-frame", "Video", "Image-to-Video", "0.3825"),
    ("kwaivgi/kling-v3.0-std/text-to-video", "Video", "Text-to-Video", "0.50"),
    ("kwaivgi/kling-v3.0-pro/text-to-video", "Video", "Text-to-Video", "0.75"),
    ("minimax/hailuo-02/t2v-standard", "Video", "Text-to-Video", "0.27"),
    ("minimax/hailuo-02/t2v-pro", "Video", "Text-to-Video", "0.48"),
    ("minimax/hailuo-02/fast", "Video", "Image-to-Video", "0.17"),
    ("minimax/hailuo-02/i2v-standard", "Video", "Image-to-Video", "0.27"),
    ("vidu/q3-turbo/text-to-video", "Video", "Text-to-Video", "0.20"),
    ("vidu/q3/text-to-video", "Video", "Text-to-Video", "0.35"),
    ("vidu/q3-pro/text-to-video", "Video", "Text-to-Video", "0.50"),
    ("google/nano-banana/text-to-image", "Image", "Text-to-Image", "0.038"),
    ("google/nano-banana-pro/text-to-image", "Image", "Text-to-Image", "0.14"),
    ("google/nano-banana-pro/edit", "Image", "Image Edit", "0.14"),
    ("google/imagen4-fast", "Image", "Text-to-Image", "0.02"),
    ("google/imagen4", "Image", "Text-to-Image", "0.04"),
    ("google/imagen4-ultra", "Image", "Text-to-Image", "0.06"),
    ("black-forest-labs/flux-2-pro/text-to-image", "Image", "Text-to-Image", "0.04"),
    ("bytedance/seedance-v1.5-pro/text-to-video", "Video", "Text-to-Video", "0.047"),
    ("bytedance/seedance-v1.5-pro-fast/text-to-video", "Video", "Text-to-Video", "0.018"),
    ("bytedance/seedance-v1.5-pro/image-to-video", "Video", "Image-to-Video", "0.047"),
    ("bytedance/seedance-v1.5-pro-fast/image-to-video", "Video", "Image-to-Video", "0.018"),
    ("bytedance/seedance-v1-lite-i2v-1080p", "Video", "Image-to-Video", "0.18"),
    ("bytedance/seedream-v4.5/edit", "Image", "Image Edit", "0.036"),
    ("bytedance/seedream-v5.0-lite/edit-sequential", "Image", "Image Edit", "0.032"),
    ("alibaba/qwen-image/edit-plus-20251215", "Image", "Image Edit", "0.021"),
)


def tiered_catalog() -> Catalog:
    models = {}
    for model_id, kind, category, price in REAL_TIERED:
        row = {"model": model_id, "type": kind, "displayName": model_id, "categories": [category],
               "price": {"actual": {"base_price": price}}, "display_console": True}
        schema = {"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"]}
        models[model_id] = ModelInfo(model_id, kind, model_id, (category,), "", schema, row)
    return Catalog(models, "test")
