"""Other tools' metadata, read as far as it goes: prompt, negative prompt, seed, size, model.

Each tool documents (or shows by its source) where it keeps its parameters:
- AUTOMATIC1111 (and Forge, Fooocus in its A1111 mode): text ``parameters`` in PNG, EXIF
  UserComment in JPEG and WebP: the prompt, ``Negative prompt: …``, then ``Steps: 20, Seed: 1, Size: 512x768``.
- Fooocus: ``parameters`` as JSON (its own scheme, ``fooocus_scheme`` beside it).
- SwarmUI: ``parameters`` as JSON under ``sui_image_params``.
- InvokeAI: ``invokeai_metadata`` (JSON); older versions ``sd-metadata``.
- ComfyUI: ``prompt`` (the graph it ran, as JSON) and ``workflow`` in PNG; EXIF Make/Model
  ("workflow:…", "prompt:…") in WebP and JPEG; the video nodes' MP4 comment ({"prompt": …}).
A job made from these runs on a model the user picks: the other tool's model and sampler
settings do not carry over, and the window says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from app.engine.core.i18n import translate

_SIZE = re.compile(r"(\d+)\s*[x*,]\s*(\d+)")
_PARAM = re.compile(r'\s*([\w ]+):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)')


@dataclass
class Parameters:
    tool: str
    prompt: str = ""
    negative_prompt: str = ""
    seed: int | None = None
    width: int | None = None
    height: int | None = None
    model_name: str | None = None


def _json(text: str | None):
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _int(value) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number


def _size(value) -> tuple[int | None, int | None]:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return _int(value[0]), _int(value[1])
    match = _SIZE.search(str(value or ""))
    return (int(match.group(1)), int(match.group(2))) if match else (None, None)


def parse(tags) -> Parameters | None:
    """Parameters from the first convention that fits ``tags`` (mediatags.Tags), or None."""
    texts = {key.lower().replace("\xa9cmt", "comment"): value for key, value in tags.texts.items()}
    invoke = _json(texts.get("invokeai_metadata"))
    if isinstance(invoke, dict):
        return _invokeai(invoke)
    legacy = _json(texts.get("sd-metadata"))
    if isinstance(legacy, dict):
        return _invokeai_legacy(legacy)
    comfy = _json(texts.get("prompt"))
    if comfy is None:
        for key in ("model", "make", "imagedescription"):
            text = texts.get(key, "")
            if text.startswith("prompt:"):
                comfy = _json(text[len("prompt:"):])
    if comfy is None:
        # ComfyUI's video nodes (VideoHelperSuite) keep {"prompt": graph, "workflow": …} in the comment.
        comment = _json(texts.get("comment"))
        if isinstance(comment, dict):
            graph = comment.get("prompt")
            comfy = _json(graph) if isinstance(graph, str) else graph
    if isinstance(comfy, dict) and any(isinstance(node, dict) and "class_type" in node for node in comfy.values()):
        return _comfyui(comfy)
    parameters = texts.get("parameters") or texts.get("usercomment") or texts.get("comment")
    document = _json(parameters)
    if isinstance(document, dict):
        if isinstance(document.get("sui_image_params"), dict):
            return _swarmui(document["sui_image_params"])
        if "fooocus_scheme" in texts or any(k.lower() in ("base_model", "base model") for k in document):
            return _fooocus(document)
        return None
    if isinstance(parameters, str) and parameters.strip():
        return _a1111(parameters)
    return None


def _a1111(text: str) -> Parameters | None:
    lines = text.strip().split("\n")
    last = lines[-1]
    found = dict((k.strip(), v.strip().strip('"')) for k, v in _PARAM.findall(last)) if ":" in last else {}
    if "Steps" not in found and "Seed" not in found and "Size" not in found:
        found, prompt_lines = {}, lines
    else:
        prompt_lines = lines[:-1]
    prompt, negative, in_negative = [], [], False
    for line in prompt_lines:
        if line.startswith("Negative prompt:"):
            in_negative = True
            line = line[len("Negative prompt:"):].strip()
        (negative if in_negative else prompt).append(line)
    width, height = _size(found.get("Size"))
    version = found.get("Version", "")
    tool = "Fooocus" if "fooocus" in version.lower() else "A1111"
    if not any(prompt) and not found:
        return None
    return Parameters(tool, "\n".join(prompt).strip(), "\n".join(negative).strip(), _int(found.get("Seed")), width,
                      height, found.get("Model"))


def _fooocus(document: dict) -> Parameters:
    lower = {k.lower().replace(" ", "_"): v for k, v in document.items()}
    width, height = _size(lower.get("resolution"))
    return Parameters("Fooocus", str(lower.get("prompt") or ""), str(lower.get("negative_prompt") or ""),
                      _int(lower.get("seed")), width, height, lower.get("base_model"))


def _swarmui(params: dict) -> Parameters:
    return Parameters("SwarmUI", str(params.get("prompt") or ""), str(params.get("negativeprompt") or ""),
                      _int(params.get("seed")), _int(params.get("width")), _int(params.get("height")),
                      params.get("model"))


def _invokeai(meta: dict) -> Parameters:
    model = meta.get("model")
    name = model.get("name") or model.get("model_name") if isinstance(model, dict) else model
    return Parameters("InvokeAI", str(meta.get("positive_prompt") or ""), str(meta.get("negative_prompt") or ""),
                      _int(meta.get("seed")), _int(meta.get("width")), _int(meta.get("height")), name)


def _invokeai_legacy(meta: dict) -> Parameters:
    image = meta.get("image") if isinstance(meta.get("image"), dict) else {}
    prompt = image.get("prompt")
    if isinstance(prompt, list) and prompt and isinstance(prompt[0], dict):
        prompt = prompt[0].get("prompt")
    text = str(prompt or "")
    negative = ""
    match = re.search(r"\[(.*?)\]", text)  # InvokeAI 2 wrote the negative prompt in brackets
    if match:
        negative, text = match.group(1), (text[:match.start()] + text[match.end():]).strip()
    return Parameters("InvokeAI", text, negative, _int(image.get("seed")), _int(image.get("width")),
                      _int(image.get("height")), meta.get("model_weights"))


def _comfyui(graph: dict) -> Parameters:
    def node(link):
        return graph.get(str(link[0])) if isinstance(link, list) and link else None

    def text_of(link, depth=0) -> str:
        found = node(link)
        if not isinstance(found, dict) or depth > 8:
            return ""
        inputs = found.get("inputs") or {}
        for key in ("text", "text_g", "prompt", "string", "value"):
            value = inputs.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, list):
                return text_of(value, depth + 1)
        for key in ("conditioning", "conditioning_1", "positive"):
            if isinstance(inputs.get(key), list):
                return text_of(inputs[key], depth + 1)
        return ""

    params = Parameters("ComfyUI")
    for item in graph.values():
        if not isinstance(item, dict):
            continue
        kind, inputs = str(item.get("class_type", "")), item.get("inputs") or {}
        if "KSampler" in kind or kind.startswith("Sampler"):
            seed = inputs.get("seed", inputs.get("noise_seed"))
            params.seed = params.seed if params.seed is not None else (_int(seed) if not isinstance(seed, list)
                                                                       else None)
            params.prompt = params.prompt or text_of(inputs.get("positive"))
            params.negative_prompt = params.negative_prompt or text_of(inputs.get("negative"))
            latent = node(inputs.get("latent_image"))
            if isinstance(latent, dict):
                latent_inputs = latent.get("inputs") or {}
                params.width = params.width or _int(latent_inputs.get("width"))
                params.height = params.height or _int(latent_inputs.get("height"))
        elif "CheckpointLoader" in kind or kind == "UNETLoader":
            params.model_name = params.model_name or inputs.get("ckpt_name") or inputs.get("unet_name")
    return params


def _nearest_choice(width: int, height: int, choices: list, ratio: bool) -> str | None:
    target = width / height
    best, best_error = None, None
    for choice in choices:
        match = re.match(r"^(\d+)\s*[:*x]\s*(\d+)$", str(choice))
        if not match or int(match.group(2)) == 0:
            continue
        w, h = int(match.group(1)), int(match.group(2))
        error = abs(w / h - target) if ratio else abs(w / h - target) * 10 + abs(w * h - width * height) / (
            width * height)
        if best_error is None or error < best_error:
            best, best_error = choice, error
    return best


def to_job(params: Parameters, model_id: str, model, notes: list[str]):
    """A job on ``model_id`` (its ModelInfo ``model`` when known) with what carries over."""
    from app.engine.jobs.spec import JobSpec

    properties = model.properties if model is not None else {"prompt": {}}
    inputs: dict = {}
    name = f"{params.tool.lower()} {params.seed}" if params.seed is not None else params.tool.lower()
    if params.prompt:
        inputs["prompt"] = params.prompt
    left = []
    if params.negative_prompt:
        if "negative_prompt" in properties:
            inputs["negative_prompt"] = params.negative_prompt
        else:
            left.append(translate("Recipes", "the negative prompt"))
    if params.seed is not None:
        if "seed" in properties:
            inputs["seed"] = params.seed
        else:
            left.append(translate("Recipes", "the seed"))
    if params.width and params.height:
        size = properties.get("size") if isinstance(properties.get("size"), dict) else None
        ratio = properties.get("aspect_ratio") if isinstance(properties.get("aspect_ratio"), dict) else None
        if size is not None:
            choices = size.get("enum")
            inputs["size"] = _nearest_choice(params.width, params.height, choices, False) if choices \
                else f"{params.width}*{params.height}"
        elif "width" in properties and "height" in properties:
            inputs["width"], inputs["height"] = params.width, params.height
        elif ratio is not None and ratio.get("enum"):
            inputs["aspect_ratio"] = _nearest_choice(params.width, params.height, ratio["enum"], True)
        else:
            left.append(translate("Recipes", "the size"))
        inputs = {k: v for k, v in inputs.items() if v is not None}
    notes.append(translate("Recipes", "From {tool}, best effort: the prompt, negative prompt, seed and size go to "
                                      "{model}; the other tool's model ({source}) and sampler settings do not carry "
                                      "over.").format(tool=params.tool, model=model_id,
                                                      source=params.model_name or "?"))
    if left:
        notes.append(translate("Recipes", "{model} has no place for {what}; left out").format(
            model=model_id, what=", ".join(left)))
    return JobSpec(name, model_id, inputs)
