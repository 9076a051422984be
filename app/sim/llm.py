"""POST /v1/chat/completions: Atlas's OpenAI-compatible LLM endpoint, with deterministic replies.

No model runs here. A reply is computed from the request, so tests can assert on it:
- translating: each word of a small Korean, Japanese and Chinese glossary becomes its English
  word, other CJK text is dropped, and the marker ``[sim]`` ends the line;
- improving: the English prompt plus camera and motion cues (video) or composition and light
  cues (image), whichever the instructions name;
- variations: N lines, each the prompt plus a different cue.
Which one is read from the system message, the way a real model reads its instructions.
A few literal tokens in the user's text make the bad replies clients must survive:
``<<empty>>`` (nothing), ``<<chatter>>`` (talk around the prompt), ``<<long>>`` (far too long).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

MARKER = "[sim]"
# USD per million tokens, as the catalog's Text rows give them.
TEXT_MODEL_PRICES = {
    "qwen/qwen3-8b": ("0.035", "0.138"),
    "qwen/qwen3-32b": ("0.10", "0.45"),
    "deepseek-ai/DeepSeek-V3-0324": ("0.28", "0.88"),
    "deepseek-ai/deepseek-v3.2": ("0.27", "0.41"),
}
_DISPLAY = {"qwen/qwen3-8b": "Qwen3 8B", "qwen/qwen3-32b": "Qwen3 32B",
            "deepseek-ai/DeepSeek-V3-0324": "DeepSeek V3 0324", "deepseek-ai/deepseek-v3.2": "DeepSeek V3.2"}

GLOSSARY = {
    # Korean
    "고양이": "cat", "강아지": "puppy", "바다": "sea", "해변": "beach", "노을": "sunset", "도시": "city",
    "밤": "night", "비": "rain", "숲": "forest", "산": "mountain", "꽃": "flower", "하늘": "sky",
    "달리는": "running", "걷는": "walking", "춤추는": "dancing", "빨간": "red", "파란": "blue",
    "귀여운": "cute", "작은": "small", "아름다운": "beautiful", "위에서": "from above", "소녀": "girl",
    "자동차": "car", "눈": "snow", "불빛": "lights",
    # Japanese
    "猫": "cat", "犬": "dog", "海": "sea", "夕焼け": "sunset", "桜": "cherry blossoms", "夜": "night",
    "雨": "rain", "森": "forest", "山": "mountain", "走る": "running", "少女": "girl", "街": "street",
    "美しい": "beautiful",
    # Chinese
    "猫咪": "kitten", "小狗": "puppy", "大海": "ocean", "日落": "sunset", "城市": "city", "夜晚": "night",
    "下雨": "raining", "森林": "forest", "高山": "high mountains", "奔跑": "running", "女孩": "girl",
    "美丽": "beautiful", "红色": "red",
}
VIDEO_CUES = ("slow dolly-in", "handheld camera drift", "the subject turns toward the light",
              "gentle wind moves the scene")
IMAGE_CUES = ("rule-of-thirds composition", "soft golden-hour light", "shallow depth of field",
              "fine detail")
VARIATION_CUES = ("at dawn", "in heavy rain", "seen from above", "in neon light", "in winter", "in fog",
                  "at golden hour", "in black and white", "close-up", "wide shot")
_CJK = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def text_model_rows(existing: list[dict]) -> list[dict]:
    """Catalog rows for the LLMs: the snapshot's Text rows get their token prices, and the other
    models Atlas's clients name are added."""
    rows = []
    seen = set()
    for row in existing:
        if row.get("type") == "Text" and row.get("model") in TEXT_MODEL_PRICES:
            seen.add(row["model"])
            rows.append(_priced(row))
        else:
            rows.append(row)
    for model_id in TEXT_MODEL_PRICES:
        if model_id not in seen:
            rows.append(_priced({"model": model_id, "type": "Text", "displayName": _DISPLAY[model_id],
                                 "categories": ["LLM"], "display_console": True}))
    return rows


def _priced(row: dict) -> dict:
    input_price, output_price = TEXT_MODEL_PRICES[row["model"]]
    prices = {"input_price": input_price, "output_price": output_price}
    return {**row, "price": {"discount": "1.0", "actual": dict(prices), "origin": dict(prices)}}


class ChatError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class ChatReply:
    model: str
    text: str
    prompt_tokens: int
    completion_tokens: int
    cost: Decimal
    finish_reason: str = "stop"  # "length" when max_tokens cut the reply short

    def usage(self) -> dict:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
                "total_tokens": self.prompt_tokens + self.completion_tokens}

    def completion(self) -> dict:
        return {"id": "chatcmpl-" + uuid.uuid4().hex[:24], "object": "chat.completion", "created": int(time.time()),
                "model": self.model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": self.text},
                             "finish_reason": self.finish_reason}],
                "usage": self.usage(), "price": {"currency": "usd", "amount": f"{self.cost:.8f}"}}

    def chunks(self, include_usage: bool) -> list[bytes]:
        """The SSE lines of a streamed reply, ``data: [DONE]`` last."""
        ident, created = "chatcmpl-" + uuid.uuid4().hex[:24], int(time.time())

        def event(choices: list, **extra) -> bytes:
            body = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": self.model,
                    "choices": choices, **extra}
            return b"data: " + json.dumps(body, ensure_ascii=False).encode("utf-8") + b"\n\n"

        lines = [event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])]
        for piece in re.findall(r"\S+\s*|\s+", self.text):
            lines.append(event([{"index": 0, "delta": {"content": piece}, "finish_reason": None}]))
        lines.append(event([{"index": 0, "delta": {}, "finish_reason": self.finish_reason}]))
        if include_usage:
            lines.append(event([], usage=self.usage(), price={"currency": "usd", "amount": f"{self.cost:.8f}"}))
        lines.append(b"data: [DONE]\n\n")
        return lines


def answer(body: dict, text_models: dict[str, tuple[str, str]] | None = None) -> ChatReply:
    """The reply to one chat request, or ChatError(400/404) for a request the service refuses."""
    prices = text_models or TEXT_MODEL_PRICES
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ChatError(400, "model: is required (a Text model id from GET /api/v1/models).")
    if model not in prices:
        raise ChatError(404, f"Model not found: {model} is not a Text model.")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(
            isinstance(m, dict) and isinstance(m.get("content"), str) for m in messages):
        raise ChatError(400, "messages: must be a non-empty list of {role, content} objects.")
    system = " ".join(m["content"] for m in messages if m.get("role") == "system")
    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    text = _reply_text(system, user)
    limit = body.get("max_tokens")
    completion_tokens = _tokens(text)
    finish_reason = "stop"
    if isinstance(limit, int) and limit > 0 and completion_tokens > limit:
        text, completion_tokens, finish_reason = text[: limit * 4], limit, "length"
    prompt_tokens = sum(_tokens(m["content"]) for m in messages)
    input_price, output_price = (Decimal(p) for p in prices[model])
    cost = (input_price * prompt_tokens + output_price * completion_tokens) / Decimal(1_000_000)
    return ChatReply(model, text, prompt_tokens, completion_tokens, cost, finish_reason)


def _reply_text(system: str, user: str) -> str:
    if "<<empty>>" in user:
        return ""
    if "<<long>>" in user:
        return " ".join(["an endless prompt"] * 800)
    instructions = system.lower()
    english = translate(user)
    if "<<chatter>>" in user:
        return f"Sure! Here is the improved prompt you asked for:\n\n\"{english}\"\n\nLet me know if you need more."
    count = re.search(r"(\d+)\s+variations", instructions)
    if count:
        n = max(1, min(int(count.group(1)), len(VARIATION_CUES)))
        return "\n".join(f"{english}, {VARIATION_CUES[k]} {MARKER}" for k in range(n))
    if "improve" in instructions or "enrich" in instructions:
        cues = VIDEO_CUES if "video" in instructions else IMAGE_CUES
        return f"{english}, {', '.join(cues)} {MARKER}"
    return f"{english} {MARKER}"


def translate(text: str) -> str:
    """Glossary words to English, leftover CJK dropped, the existing prompt markers removed."""
    out = text.replace(MARKER, "").replace("<<chatter>>", "")
    for word in sorted(GLOSSARY, key=len, reverse=True):
        out = out.replace(word, f" {GLOSSARY[word]} ")
    out = _CJK.sub(" ", out)  # particles and words the glossary does not know
    out = re.sub(r"\s+([,.])", r"\1", re.sub(r"\s+", " ", out)).strip(" ,")
    return out or "a scene"


def _tokens(text: str) -> int:
    return max(1, (len(text.encode("utf-8")) + 3) // 4)
