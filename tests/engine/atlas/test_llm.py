"""Prompt help against the simulator's /v1/chat/completions, through the openai package."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from app.engine.atlas.client import AtlasClient
from app.engine.atlas.llm import LLMAccessError, LLMCancelled, LLMClient, LLMError, default_model, text_models
from app.engine.atlas.catalog import Catalog
from app.engine.jobs.promptassist import PromptReplyError, assist, clean_reply, estimated_cost, language_of
from app.sim import DEMO_KEY, SimServer
from app.sim.llm import MARKER


@pytest.fixture
def make_sim():
    servers = []

    def make(**options):
        options.setdefault("llm_chunk_delay", 0.0)
        server = SimServer(port=0, **options).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def models_of(server):
    client = AtlasClient(server.base_url, DEMO_KEY)
    try:
        return text_models(client.list_models())
    finally:
        client.close()


def test_text_models_are_priced_and_the_default_is_cheap_while_media_lists_ignore_them(make_sim):
    server = make_sim()
    models = models_of(server)
    assert {m.model_id for m in models} >= {"qwen/qwen3-8b", "deepseek-ai/DeepSeek-V3-0324"}
    assert default_model(models).model_id == "qwen/qwen3-8b"
    assert default_model(models, "qwen/qwen3-32b").model_id == "qwen/qwen3-32b"
    client = AtlasClient(server.base_url, DEMO_KEY)
    schemas = {model_id: model.schema for model_id, model in server.state.catalog.models.items()}
    catalog = Catalog.from_documents({"data": client.list_models()}, schemas, "test")
    client.close()
    assert "google/imagen4" in catalog.models
    assert not [m for m in catalog.models.values() if m.type == "Text"]


@pytest.mark.parametrize("kind, prompt, expected", [
    ("translate", "바다 위에서 달리는 귀여운 고양이", "sea from above running cute cat"),
    ("translate", "夕焼けの海を走る少女", "sunset sea running girl"),
    ("translate", "城市夜晚下雨", "city night raining"),
])
def test_translation_streams_in_and_is_charged_by_its_tokens(make_sim, kind, prompt, expected):
    server = make_sim(llm_chunk_delay=0.001)
    model = default_model(models_of(server))
    llm = LLMClient(server.base_url, DEMO_KEY)
    pieces = []
    result = assist(llm, model, kind, prompt, is_video=False, on_delta=pieces.append)
    llm.close()
    assert result.prompts == [f"{expected} {MARKER}"] and len(pieces) > 3 and "".join(pieces).strip() == result.prompts[0]
    assert result.chat.usage_reported and result.cost == model.cost(result.chat.prompt_tokens,
                                                                    result.chat.completion_tokens) > 0
    entries = server.log_entries(until=lambda logged: any(e.get("kind") == "chat" for e in logged))
    charged = [e["charged"] for e in entries if e.get("kind") == "chat"]
    assert [Decimal(c) for c in charged] == [result.cost.quantize(Decimal("0.00000001"))]


def test_improve_and_variations_follow_the_model_type(make_sim):
    server = make_sim()
    model = default_model(models_of(server))
    llm = LLMClient(server.base_url, DEMO_KEY)
    video = assist(llm, model, "improve", "고양이", is_video=True).prompts[0]
    image = assist(llm, model, "improve", "고양이", is_video=False).prompts[0]
    variations = assist(llm, model, "variations", "a cat", is_video=False, count=4).prompts
    llm.close()
    assert "dolly" in video and "composition" in image
    assert len(variations) == 4 and len(set(variations)) == 4 and all(v.startswith("a cat") for v in variations)


@pytest.mark.parametrize("fault, error, message", [
    ("llm401=1", LLMAccessError, "cannot use Atlas Cloud's LLMs"),
    ("llm429=1", LLMError, "429"),
    ("llm500=1", LLMError, "500"),
])
def test_errors_are_sentences(make_sim, fault, error, message):
    server = make_sim(faults=fault)
    model = default_model(models_of(server))
    llm = LLMClient(server.base_url, DEMO_KEY, max_retries=1)
    with pytest.raises(error, match=message):
        assist(llm, model, "translate", "고양이", is_video=False)
    llm.close()


def test_retries_ride_out_a_passing_rate_limit(make_sim):
    server = make_sim(faults="llm429=0.5", seed=3)
    model = default_model(models_of(server))
    llm = LLMClient(server.base_url, DEMO_KEY, max_retries=6)
    for word in ("고양이", "바다", "하늘", "숲"):
        assert assist(llm, model, "translate", word, is_video=False).prompts
    llm.close()


def test_no_network_and_no_key_are_sentences():
    from app.engine.atlas.llm import TextModel

    model = TextModel("qwen/qwen3-8b", "Qwen3 8B", Decimal("0.035"), Decimal("0.138"))
    with pytest.raises(LLMError, match="Cannot reach"):
        LLMClient("http://127.0.0.1:9", DEMO_KEY, max_retries=0).chat(model, [{"role": "user", "content": "x"}])
    with pytest.raises(LLMAccessError, match="No API key"):
        LLMClient("http://127.0.0.1:9", None).chat(model, [{"role": "user", "content": "x"}])


def test_a_stream_can_be_cancelled(make_sim):
    server = make_sim(llm_chunk_delay=0.01)
    model = default_model(models_of(server))
    llm = LLMClient(server.base_url, DEMO_KEY)
    stop = threading.Event()
    with pytest.raises(LLMCancelled):
        assist(llm, model, "improve", "고양이", is_video=True, on_delta=lambda text: stop.set(), cancelled=stop.is_set)
    llm.close()


@pytest.mark.parametrize("user, sentence", [
    ("<<empty>> 고양이", "empty reply"),
    ("<<long>>", "far more than a prompt"),
    ("<<chatter>> 고양이", "talk around a prompt"),
])
def test_bad_replies_replace_nothing_and_are_still_charged(make_sim, user, sentence):
    server = make_sim()
    model = default_model(models_of(server))
    llm = LLMClient(server.base_url, DEMO_KEY)
    with pytest.raises(PromptReplyError, match=sentence) as caught:
        assist(llm, model, "improve", user, is_video=False)
    llm.close()
    assert caught.value.chat.cost > 0


def test_reply_cleaning_and_languages():
    assert language_of("고양이") == "ko" and language_of("ねこ") == "ja" and language_of("猫咪") == "zh"
    assert language_of("a cat") is None
    assert clean_reply("translate", '"A cat on the sea"', "바다 고양이") == ["A cat on the sea"]
    assert clean_reply("variations", "1. a\n2. b\n3. c\n4. d", "x", 3) == ["a", "b", "c"]
    with pytest.raises(PromptReplyError, match="not in English"):
        clean_reply("translate", "바다 고양이", "바다 고양이")
    with pytest.raises(PromptReplyError, match="several lines"):
        clean_reply("improve", "one\ntwo", "x")


def test_the_estimate_shown_first_is_not_below_what_is_charged(make_sim):
    server = make_sim()
    model = default_model(models_of(server))
    llm = LLMClient(server.base_url, DEMO_KEY)
    result = assist(llm, model, "variations", "바다 위의 고양이", is_video=False, count=3)
    llm.close()
    assert estimated_cost(model, "variations", ["바다 위의 고양이"], 3) >= result.cost
