"""Prompt help from an LLM: translate to English, improve for the model's type, or vary.

What to ask, how much it may cost beforehand, and whether a reply is a prompt at all. A reply
that is empty, far too long or talk around a prompt replaces nothing: ``PromptReplyError``
says why in a sentence. The LLM call itself is app.engine.atlas.llm's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from app.engine.atlas.llm import ChatResult, LLMClient, TextModel, estimate_tokens

KINDS = ("translate", "improve", "variations")
MAX_PROMPT_CHARS = 2000
MAX_VARIATIONS = 10
LANGUAGES = {"ko": "Korean", "ja": "Japanese", "zh": "Chinese"}
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# How a chat model talks around a prompt instead of giving one.
_CHATTER = re.compile(r"^\s*(sure|certainly|of course|here is|here's|here are|i can|i'm sorry|as an ai|"
                      r"okay|ok,|네|물론|以下|好的)", re.IGNORECASE)
_LABEL = re.compile(r"^\s*(?:\d+[.)]\s*|[-*•]\s*|(?:prompt|english|translation|variation \d+)\s*:\s*)",
                    re.IGNORECASE)


class PromptReplyError(ValueError):
    pass


def language_of(text: str) -> str | None:
    """"ko", "ja" or "zh" when the text is written in one of them, else None (English or other)."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return "zh"
    return None


def messages_for(kind: str, prompt: str, *, is_video: bool, count: int = 3) -> list[dict]:
    medium = "video" if is_video else "image"
    if kind == "translate":
        source = LANGUAGES.get(language_of(prompt) or "", "the original language")
        system = (f"Translate this {medium} generation prompt from {source} to English. Keep every detail and "
                  "its order; do not add anything. Reply with the English prompt only, on one line.")
    elif kind == "improve":
        cues = ("camera movement, shot size and the subject's motion" if is_video
                else "composition, framing, light and texture")
        system = (f"Improve this {medium} generation prompt: keep its subject and intent, write it in English, and "
                  f"enrich it with {cues}. Reply with the improved prompt only, on one line, under 80 words.")
    elif kind == "variations":
        system = (f"Write {count} variations of this {medium} generation prompt in English, each changing one "
                  "thing (setting, time, light or framing) and keeping the subject. Reply with the "
                  f"{count} variations only, one per line, no numbering.")
    else:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return [{"role": "system", "content": system}, {"role": "user", "content": prompt}]


def max_tokens_for(kind: str, prompt: str, count: int = 3) -> int:
    per_prompt = min(600, 2 * estimate_tokens(prompt) + 160)
    return per_prompt * (count if kind == "variations" else 1)


def estimated_cost(model: TextModel, kind: str, prompts: list[str], count: int = 3) -> Decimal:
    """An upper estimate shown before anything is sent: the reply at its token limit."""
    total = Decimal(0)
    for prompt in prompts:
        messages = messages_for(kind, prompt, is_video=False, count=count)
        asked = sum(estimate_tokens(m["content"]) for m in messages)
        total += model.cost(asked, max_tokens_for(kind, prompt, count))
    return total


def clean_reply(kind: str, reply: str, original: str, count: int = 3) -> list[str]:
    """The prompt(s) a reply gives, or PromptReplyError with a sentence; never a partial list."""
    text = reply.strip()
    if not text:
        raise PromptReplyError("The LLM sent an empty reply; the prompt was left as it was.")
    if len(text) > MAX_PROMPT_CHARS * (count if kind == "variations" else 1):
        raise PromptReplyError(f"The LLM's reply is {len(text)} characters long, far more than a prompt; "
                               "the prompt was left as it was.")
    if _CHATTER.match(text):
        raise PromptReplyError("The LLM answered with talk around a prompt instead of a prompt; the prompt was "
                               "left as it was. Try again or pick another model.")
    lines = [_LABEL.sub("", line).strip().strip('"“”').strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if kind != "variations":
        if len(lines) != 1:
            raise PromptReplyError("The LLM sent several lines where one prompt was asked for; the prompt was "
                                   "left as it was.")
        if kind == "translate" and language_of(lines[0]) is not None and language_of(original) is not None:
            raise PromptReplyError("The LLM's reply is not in English; the prompt was left as it was.")
        return lines
    if len(lines) < 1:
        raise PromptReplyError("The LLM sent no variations; nothing was added.")
    return lines[:count]


@dataclass(frozen=True)
class AssistResult:
    kind: str
    original: str
    prompts: list[str]
    chat: ChatResult

    @property
    def cost(self) -> Decimal:
        return self.chat.cost


def assist(llm: LLMClient, model: TextModel, kind: str, prompt: str, *, is_video: bool, count: int = 3,
           on_delta: Callable[[str], None] = lambda text: None,
           cancelled: Callable[[], bool] = lambda: False) -> AssistResult:
    """One call: raises LLMError (the call) or PromptReplyError (the reply), each a sentence;
    a PromptReplyError carries the charge in ``.chat`` since the call was paid for anyway."""
    if not prompt.strip():
        raise PromptReplyError("This job has no prompt to work on.")
    count = max(1, min(count, MAX_VARIATIONS))
    chat = llm.chat(model, messages_for(kind, prompt, is_video=is_video, count=count),
                    max_tokens=max_tokens_for(kind, prompt, count), on_delta=on_delta, cancelled=cancelled)
    try:
        if chat.cut_short and chat.text.strip():
            raise PromptReplyError("The LLM's reply ran past the length allowed for a prompt, far more than a "
                                   "prompt; the prompt was left as it was.")
        prompts = clean_reply(kind, chat.text, prompt, count)
    except PromptReplyError as exc:
        exc.chat = chat
        raise
    return AssistResult(kind, prompt, prompts, chat)
