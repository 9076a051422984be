"""Atlas's LLM endpoint: OpenAI-compatible chat completions on the same key, under ``{origin}/v1``.

The ``openai`` package speaks the protocol (streaming, typed errors, retries with backoff);
this module picks the model from the catalog's Text rows, prices each call from its token
counts, and turns every failure into a sentence. Media calls stay in client.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Callable, Iterable

from app.engine.atlas.client import USER_AGENT

if TYPE_CHECKING:
    import openai

# Preferred when the catalog lists it: small, cheap and good enough at rewriting one prompt.
CHEAP_DEFAULTS = ("qwen/qwen3-8b", "qwen/qwen3-32b", "deepseek-ai/deepseek-v3.2", "deepseek-ai/DeepSeek-V3-0324")
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class TextModel:
    model_id: str
    name: str
    input_price: Decimal  # USD per million tokens
    output_price: Decimal

    def cost(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        return (self.input_price * prompt_tokens + self.output_price * completion_tokens) / MILLION

    def label(self) -> str:
        return f"{self.name} (${self.input_price}/${self.output_price} per million tokens in/out)"


def text_models(rows: Iterable[dict]) -> list[TextModel]:
    """The catalog's usable LLMs, cheapest first: ``type: "Text"``, shown in the console, with
    token prices (a row without them cannot be charged honestly, so it is left out)."""
    models = []
    for row in rows:
        if not isinstance(row, dict) or row.get("type") != "Text" or row.get("display_console") is False:
            continue
        actual = ((row.get("price") or {}).get("actual") or {})
        try:
            input_price = Decimal(str(actual["input_price"]))
            output_price = Decimal(str(actual["output_price"]))
        except (KeyError, InvalidOperation):
            continue
        models.append(TextModel(str(row["model"]), str(row.get("displayName") or row["model"]), input_price,
                                output_price))
    return sorted(models, key=lambda m: (m.input_price + m.output_price, m.model_id))


def default_model(models: list[TextModel], preferred: str | None = None) -> TextModel | None:
    """The user's choice when listed, else a known cheap one, else the cheapest."""
    by_id = {m.model_id: m for m in models}
    for model_id in (preferred, *CHEAP_DEFAULTS):
        if model_id and model_id in by_id:
            return by_id[model_id]
    return models[0] if models else None


class LLMError(Exception):
    """A sentence for the user; the job list is never touched when one is raised."""


class LLMAccessError(LLMError):
    pass


class LLMCancelled(LLMError):
    pass


@dataclass(frozen=True)
class ChatResult:
    text: str
    model: TextModel
    prompt_tokens: int
    completion_tokens: int
    usage_reported: bool  # False: the server sent no usage and the tokens are estimated
    cut_short: bool = False  # the reply reached max_tokens: it is not a whole prompt

    @property
    def cost(self) -> Decimal:
        return self.model.cost(self.prompt_tokens, self.completion_tokens)


def estimate_tokens(text: str) -> int:
    """About four bytes of UTF-8 a token: rough for Korean, fine for a price shown in advance."""
    return max(1, (len(text.encode("utf-8")) + 3) // 4)


class LLMClient:
    def __init__(self, base_url: str, api_key: str | None, *, timeout: float = 60.0, max_retries: int = 2,
                 http_client=None):
        # Imported here, not with the module: it takes most of a second, and the window and the
        # CLI load this module whether or not prompt help is used.
        import openai

        self._openai = openai
        self.origin = base_url.rstrip("/")
        self._has_key = bool(api_key)
        self._client = openai.OpenAI(base_url=self.origin + "/v1", api_key=api_key or "missing", timeout=timeout,
                                     max_retries=max_retries, default_headers={"User-Agent": USER_AGENT},
                                     http_client=http_client)

    def __repr__(self) -> str:  # the key never shows in a log or a traceback
        return f"LLMClient({self.origin!r}, key={'set' if self._has_key else 'none'})"

    def close(self) -> None:
        self._client.close()

    def chat(self, model: TextModel, messages: list[dict], *, max_tokens: int = 600, temperature: float = 0.4,
             on_delta: Callable[[str], None] = lambda text: None,
             cancelled: Callable[[], bool] = lambda: False) -> ChatResult:
        """Streams the reply; ``on_delta`` gets each piece as it arrives (on this thread), and
        ``cancelled()`` is asked between pieces: the stream is closed and LLMCancelled raised."""
        if not self._has_key:
            raise LLMAccessError("No API key is set: add one in Settings or set ATLASCLOUD_API_KEY to use "
                                 "prompt help.")
        openai = self._openai
        pieces: list[str] = []
        usage = None
        cut_short = False
        try:
            stream = self._client.chat.completions.create(
                model=model.model_id, messages=messages, max_tokens=max_tokens, temperature=temperature,
                stream=True, stream_options={"include_usage": True})
            with stream:
                for chunk in stream:
                    if cancelled():
                        raise LLMCancelled("Cancelled; nothing was changed.")
                    if chunk.usage is not None:
                        usage = chunk.usage
                    for choice in chunk.choices or []:
                        cut_short = cut_short or choice.finish_reason == "length"
                        text = choice.delta.content if choice.delta else None
                        if text:
                            pieces.append(text)
                            on_delta(text)
        except LLMError:
            raise
        except openai.APIStatusError as exc:
            raise _status_error(exc, model) from None
        except openai.APITimeoutError:
            raise LLMError(f"{model.name} did not answer in time; try again, or pick another model.") from None
        except openai.APIConnectionError:
            raise LLMError(f"Cannot reach {self.origin}: check the network connection; nothing was changed.") from None
        except openai.OpenAIError as exc:
            raise LLMError(f"The LLM reply could not be read ({type(exc).__name__}); nothing was changed.") from None
        text = "".join(pieces)
        if usage is not None:
            return ChatResult(text, model, int(usage.prompt_tokens or 0), int(usage.completion_tokens or 0), True,
                              cut_short)
        prompt_tokens = sum(estimate_tokens(str(m.get("content", ""))) for m in messages)
        return ChatResult(text, model, prompt_tokens, estimate_tokens(text), False, cut_short)


def _status_error(exc: openai.APIStatusError, model: TextModel) -> LLMError:
    body = exc.body if isinstance(exc.body, dict) else {}
    detail = body.get("msg") or body.get("message") or ""
    request_id = body.get("request_id") or exc.response.headers.get("X-Request-ID")
    suffix = f" (request id {request_id})" if request_id else ""
    status = exc.status_code
    if status in (401, 403):
        return LLMAccessError(f"This API key cannot use Atlas Cloud's LLMs ({status}: {detail or 'refused'}); "
                              f"check the key or enable LLM access in the console{suffix}.")
    if status == 402:
        return LLMError(f"Insufficient balance for an LLM call (402); top up your Atlas Cloud account{suffix}.")
    if status == 404:
        return LLMError(f"{model.model_id} is not available to this account (404); pick another model{suffix}.")
    if status == 429:
        return LLMError(f"Atlas Cloud's LLM is busy (429, rate limited) after several tries; wait a moment and "
                        f"try again{suffix}.")
    if status >= 500:
        return LLMError(f"Atlas Cloud's LLM failed ({status}) after several tries; try again later{suffix}.")
    return LLMError(f"Atlas Cloud refused the LLM request ({status}: {detail or 'no detail'}){suffix}.")
