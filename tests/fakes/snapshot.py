"""Real models of the bundled snapshot with the shapes the app must handle (ids and fields
from Atlas's ComfyUI nodes, 2026)."""

SHAPED_MODELS = (
    "bytedance/seedream-v4.5/edit", "bytedance/seedream-v4.5/sequential",
    "bytedance/seedream-v5.0-lite/edit-sequential", "google/nano-banana-pro/edit",
    "alibaba/qwen-image/edit-plus-20251215", "black-forest-labs/flux-kontext-dev-lora",
    "kwaivgi/kling-v2.1-t2v-master", "kwaivgi/kling-v2.1-i2v-pro/start-end-frame", "minimax/hailuo-2.3/t2v-pro",
    "vidu/q2-pro-fast/reference-to-video", "kwaivgi/kling-video-o3-std/reference-to-video",
    "alibaba/wan-2.6/video-to-video",
)
