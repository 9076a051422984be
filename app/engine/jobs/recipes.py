"""Every output carries its recipe: what made it, written into the file (or beside it), and
read back from any output into the jobs that make it again.

Atlas Cloud's output URLs expire; the downloaded file is the lasting record, and it travels
without manifest.json. So each file gets, after its download is verified:
- the full recipe as JSON (model, inputs as written and as sent, seed, job, batch,
  prediction id, parent link, app version): the "batch-studio-recipe" text of a PNG, an MP4
  freeform atom, Matroska tag or XMP ``bstudio:recipe`` of a JPEG or WebP;
- the A1111 ``parameters`` text (prompt, ``Negative prompt:`` line, ``Seed: …, Size: …``), so
  other tools' "PNG info" reads it too.
A file signed with C2PA, a format we do not write, or a batch set to keep files exactly as
downloaded gets ``NAME.recipe.json`` beside it instead. Nothing written carries the API key or
an absolute local path: local inputs are named by file name and content hash.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from app import __version__
from app.engine.core import mediatags
from app.engine.core.fileio import atomic_write_text, file_sha256
from app.engine.core.i18n import translate
from app.engine.atlas.shapes import is_remote_media, media_values, replaced_at

RECIPE_SCHEMA = "batch-studio-recipe"
RECIPE_VERSION = 1
RECIPE_KEY = RECIPE_SCHEMA  # the PNG text keyword, MP4 freeform name and Matroska tag
A1111_KEY = "parameters"
SIDECAR_SUFFIX = ".recipe.json"
CREATOR_TOOL = f"Batch Studio {__version__}"
KNOWN_KEYS = {"schema", "schema_version", "app", "model", "type", "job", "inputs", "sent", "files", "seed", "prompt",
              "negative_prompt", "parent", "output", "prompts_left_out"}
PROMPT_FIELDS = ("prompt", "negative_prompt")
MAX_SIDECAR = mediatags.MAX_TEXT
RECIPE_POLICY_KEY = "recipe_policy"  # the job store's meta key a fleet's workers read it from
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class RecipePolicy:
    """``embed``: write into the files (False keeps every file byte-identical to the download
    and writes sidecars); ``prompts``: put the prompts in embedded metadata (False, for sharing
    files whose prompts are a client's business; the sidecar and manifest keep them)."""
    embed: bool = True
    prompts: bool = True

    def as_dict(self) -> dict:
        return {"embed": self.embed, "prompts": self.prompts}

    @classmethod
    def from_dict(cls, data: object) -> "RecipePolicy":
        if not isinstance(data, dict):
            return cls()
        return cls(bool(data.get("embed", True)), bool(data.get("prompts", True)))

    @classmethod
    def from_json(cls, text: str | None) -> "RecipePolicy":
        try:
            return cls.from_dict(json.loads(text)) if text else cls()
        except ValueError:
            return cls()


# --- building ---------------------------------------------------------------------------
def _is_local_path(value: object) -> bool:
    return isinstance(value, str) and bool(value) and not is_remote_media(value) and (
        value.startswith(("/", "~", "\\", "./", "../")) or bool(_WINDOWS_PATH.match(value)) or os.sep in value
        or "/" in value)


def _file_name(value: str) -> str:
    return PurePath(value.replace("\\", "/")).name


def scrub(value: object) -> object:
    """A copy with nothing private: an absolute path becomes its file name, an API key goes."""
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if "api_key" not in str(k).lower()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        if value.startswith("apikey-"):
            return "[removed]"
        # Only a path that names a file here: a prompt such as "/imagine a fox" stays as written.
        if (value.startswith(("/", "~", "\\")) or _WINDOWS_PATH.match(value)) and "\n" not in value \
                and len(value) < 4096 and _exists(value):
            return _file_name(value)
    return value


def _exists(value: str) -> bool:
    try:
        return Path(value).expanduser().exists()
    except (OSError, ValueError):
        return False


class RecipeWriter:
    """Writes each downloaded output's recipe; shared by a runner's download threads."""

    def __init__(self, out_dir: Path, policy: RecipePolicy = RecipePolicy(), store=None):
        self.out_dir = out_dir
        self.policy = policy
        self.store = store
        self._digests: dict[tuple, str] = {}
        self._lock = threading.Lock()

    def _link(self, record) -> dict | None:
        if record.spec.image_from:
            return {"kind": "chain", "original": {"name": record.spec.image_from}}
        if self.store is None:
            return None
        # Read each time: a re-roll may join the batch while it runs. The table holds only the
        # re-rolls and variations, so this stays small next to a download.
        link = self.store.links().get((record.batch, record.index))
        return link.as_manifest() if link is not None else None

    def _digest(self, path: Path) -> str | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            known = self._digests.get(key)
        if known is None:
            try:
                known = file_sha256(path)
            except OSError:
                return None
            with self._lock:
                self._digests[key] = known
        return known

    def recipe(self, record, part: int | None, downloaded_sha256: str | None, file_name: str) -> dict:
        spec, model = record.spec, record.model
        written = dict(spec.inputs)
        sent_body = getattr(record, "sent_body", None)
        if sent_body is None:
            sent_body = spec.request_body(model)
        sent = {k: v for k, v in sent_body.items() if k != "model"}
        files = []
        for item in media_values(written, model.properties):
            if not isinstance(item.value, str) or not item.value or is_remote_media(item.value) \
                    or item.value.startswith("data:"):
                continue
            local = Path(str(item.value)).expanduser()
            entry = {"field": item.label, "path": list(item.path), "file": _file_name(str(item.value)),
                     "sha256": self._digest(local)}
            uploaded = _value_at(sent, item.path)
            if isinstance(uploaded, str) and is_remote_media(uploaded):
                entry["url"] = uploaded
            elif uploaded is not None:  # not uploaded (yet): its name, never its path
                sent = replaced_at(sent, item.path, entry["file"])
            files.append(entry)
            written = replaced_at(written, item.path, entry["file"])
        for item in media_values(sent, model.properties):
            # A chained job's start image, sent as the parent's file once its URL had expired.
            if isinstance(item.value, str) and _is_local_path(item.value) and not is_remote_media(item.value):
                sent = replaced_at(sent, item.path, _file_name(item.value))
        recipe = {
            "schema": RECIPE_SCHEMA, "schema_version": RECIPE_VERSION, "app": CREATOR_TOOL,
            "model": spec.model, "type": model.type.lower(),
            "job": {"name": spec.name, "output_subfolder": spec.output_subfolder, "image_from": spec.image_from,
                    "batch": record.batch, "position": record.index, "part": part,
                    "prediction_id": record.prediction_id},
            "inputs": scrub(written), "sent": scrub(sent), "files": files,
            "seed": sent.get("seed", written.get("seed")),
            "prompt": {"written": spec.prompt_as_written or spec.inputs.get("prompt"), "sent": sent.get("prompt")},
            "negative_prompt": sent.get("negative_prompt", written.get("negative_prompt")),
            "parent": self._link(record),
            "output": {"file": file_name, "sha256_downloaded": downloaded_sha256},
        }
        return recipe

    def save(self, record, part: int | None, path: Path, downloaded_sha256: str) -> "Saved":
        """The recipe into (or beside) the file just downloaded; never raises: a file that
        cannot take it keeps its bytes and gets a sidecar, with the reason."""
        try:
            recipe = self.recipe(record, part, downloaded_sha256, path.name)
            return save_recipe(path, recipe, self.policy)
        except Exception as exc:  # the paid-for file matters more than its label
            return Saved("none", downloaded_sha256, None, None, translate("Recipes", "the recipe was not written: "
                                                                                     "{reason}").format(reason=exc))


def _value_at(document, path):
    for step in path:
        try:
            document = document[step]
        except (KeyError, IndexError, TypeError):
            return None
    return document


def without_prompts(recipe: dict) -> dict:
    """The recipe as shared: no prompt text anywhere, said so."""
    def strip(inputs):
        return {k: v for k, v in inputs.items() if "prompt" not in k.lower()} if isinstance(inputs, dict) else inputs
    return {**recipe, "inputs": strip(recipe.get("inputs")), "sent": strip(recipe.get("sent")),
            "prompt": None, "negative_prompt": None, "prompts_left_out": True}


def _a1111_value(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    # A1111 quotes a value with a comma or colon so its "Key: value, Key: value" line splits right.
    return json.dumps(text, ensure_ascii=False) if ("," in text or ":" in text or "\n" in text) else text


def a1111_text(recipe: dict) -> str:
    """The recipe in A1111's "parameters" convention, which most image tools read."""
    sent = recipe.get("sent") or {}
    lines = []
    prompt = (recipe.get("prompt") or {}).get("sent") if isinstance(recipe.get("prompt"), dict) else None
    if prompt:
        lines.append(str(prompt))
    negative = recipe.get("negative_prompt")
    if negative:
        lines.append(f"Negative prompt: {negative}")
    params = []
    if recipe.get("seed") is not None:
        params.append(("Seed", recipe["seed"]))
    size = _size_text(sent)
    if size:
        params.append(("Size", size))
    params.append(("Model", recipe.get("model")))
    for key, value in sent.items():
        if key in ("seed", "size", "width", "height", *PROMPT_FIELDS) or isinstance(value, (dict, list)):
            continue
        if isinstance(value, str) and is_remote_media(value):
            continue
        params.append((key.replace("_", " ").capitalize(), value))
    params.append(("Version", recipe.get("app")))
    lines.append(", ".join(f"{key}: {_a1111_value(value)}" for key, value in params if value is not None))
    return "\n".join(lines)


def _size_text(inputs: dict) -> str | None:
    size = inputs.get("size")
    if isinstance(size, str) and re.match(r"^\d+[*x]\d+$", size):
        return size.replace("*", "x")
    width, height = inputs.get("width"), inputs.get("height")
    if isinstance(width, int) and isinstance(height, int):
        return f"{width}x{height}"
    return None


@dataclass
class Saved:
    how: str  # "embedded", "sidecar" or "none"
    sha256: str | None  # of the bytes as written
    bytes: int | None
    sidecar: str | None  # its file name, beside the output
    note: str | None = None  # why a sidecar instead of embedding, or why nothing


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def write_sidecar(path: Path, recipe: dict) -> Path:
    sidecar = sidecar_path(path)
    document = {**recipe, "output": {**(recipe.get("output") or {}), "file": path.name,
                                     "sha256_written": file_sha256(path)}}
    atomic_write_text(sidecar, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return sidecar


def embedding_for(recipe: dict, policy: RecipePolicy, kind: str) -> mediatags.Embedding:
    shared = recipe if policy.prompts else without_prompts(recipe)
    recipe_text = json.dumps(shared, ensure_ascii=False, separators=(",", ":"))
    parameters = a1111_text(shared)
    prompt = (shared.get("prompt") or {}).get("sent") if isinstance(shared.get("prompt"), dict) else None
    xmp = mediatags.XmpFields(description=prompt or None, creator_tool=CREATOR_TOOL,
                              source_type=mediatags.SOURCE_TYPE)
    if kind in ("jpeg", "webp"):
        xmp.recipe = recipe_text  # their named text lives in XMP
        return mediatags.Embedding(comment=parameters, xmp=xmp)
    if kind == "png":
        return mediatags.Embedding(texts={A1111_KEY: parameters, RECIPE_KEY: recipe_text})
    return mediatags.Embedding(texts={RECIPE_KEY: recipe_text}, comment=parameters, xmp=xmp)


def save_recipe(path: Path, recipe: dict, policy: RecipePolicy) -> Saved:
    kind = mediatags.kind_of(path)
    reason = None
    if not policy.embed:
        reason = translate("Recipes", "files are kept exactly as downloaded (setting)")
    elif mediatags.has_c2pa(path):
        reason = translate("Recipes", "{file} carries C2PA content credentials, which any change would break").format(
            file=path.name)
    elif kind not in ("png", "jpeg", "webp", "mp4", "webm"):
        reason = translate("Recipes", "{file} is not a format that carries metadata we write").format(file=path.name)
    else:
        try:
            mediatags.embed(path, embedding_for(recipe, policy, kind))
        except mediatags.TagError as exc:
            reason = str(exc)
        else:
            return Saved("embedded", file_sha256(path), path.stat().st_size, None)
    sidecar = write_sidecar(path, recipe)
    return Saved("sidecar", file_sha256(path), path.stat().st_size, sidecar.name, reason)


# --- reading ----------------------------------------------------------------------------
@dataclass
class Found:
    """What one dropped or named file gave: our recipes, another tool's parameters, and a
    sentence for each thing that was missing, broken or skipped."""
    source: Path
    recipes: list[dict] = field(default_factory=list)
    foreign: list = field(default_factory=list)  # foreign.Parameters
    notes: list[str] = field(default_factory=list)


def _checked(recipe: object, where: str, notes: list[str]) -> dict | None:
    if not isinstance(recipe, dict) or recipe.get("schema") != RECIPE_SCHEMA:
        notes.append(translate("Recipes", "{file}: the recipe is not a Batch Studio recipe").format(file=where))
        return None
    version = recipe.get("schema_version")
    if not isinstance(version, int) or version < 1:
        notes.append(translate("Recipes", "{file}: the recipe has no valid schema_version").format(file=where))
        return None
    if version > RECIPE_VERSION:
        notes.append(translate("Recipes", "{file}: the recipe is version {version}, written by a newer Batch Studio; "
                                          "this version reads up to version {supported}. Update Batch Studio to "
                                          "restore it.").format(file=where, version=version,
                                                                supported=RECIPE_VERSION))
        return None
    if not isinstance(recipe.get("model"), str) or not recipe["model"] or not isinstance(recipe.get("inputs"), dict):
        notes.append(translate("Recipes", "{file}: the recipe has no model or no inputs").format(file=where))
        return None
    unknown = sorted(set(recipe) - KNOWN_KEYS)
    if unknown:
        notes.append(translate("Recipes", "{file}: the recipe has keys this version does not know ({keys}); they "
                                          "were ignored").format(file=where, keys=", ".join(unknown)))
    return recipe


def _parse_recipe(text: str, where: str, notes: list[str]) -> dict | None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:  # a nesting thousands deep is broken too
        notes.append(translate("Recipes", "{file}: the recipe is broken ({reason}); the file itself is fine").format(
            file=where, reason=exc))
        return None
    return _checked(document, where, notes)


def _ours_in(tags: mediatags.Tags) -> str | None:
    for key, value in tags.texts.items():
        if key.lower() == RECIPE_KEY:
            return value
    if tags.xmp:
        return mediatags.parse_xmp(tags.xmp).recipe
    return None


def read_file(path: Path) -> Found:
    """Never raises for what a file holds; an unreadable file is a note too."""
    from app.engine.jobs import foreign

    path = Path(path)
    found = Found(path)
    try:
        if path.name.lower().endswith(SIDECAR_SUFFIX):
            if path.stat().st_size > MAX_SIDECAR:
                found.notes.append(translate("Recipes", "{file} is too large to be a recipe").format(file=path.name))
                return found
            recipe = _parse_recipe(path.read_text(encoding="utf-8", errors="replace"), path.name, found.notes)
            if recipe is not None:
                found.recipes.append(recipe)
            return found
        if path.suffix.lower() == ".csv":
            return _read_picks(path, found)
        tags = mediatags.read_tags(path)
    except OSError as exc:
        found.notes.append(translate("Recipes", "{file} cannot be read: {reason}").format(
            file=path.name, reason=exc.strerror or exc))
        return found
    found.notes.extend(tags.notes)
    if not tags.kind and not sidecar_path(path).is_file():
        found.notes.append(translate("Recipes", "{file} is not an image or video this app reads (PNG, JPEG, WebP, MP4, "
                                                "WebM) nor a recipe or picks.csv").format(file=path.name))
        return found
    text = _ours_in(tags)
    if text is not None:
        recipe = _parse_recipe(text, path.name, found.notes)
        if recipe is not None:
            found.recipes.append(recipe)
            return found
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        side = read_file(sidecar)
        found.notes.extend(side.notes)
        if side.recipes:
            found.recipes.extend(side.recipes)
            return found
    params = foreign.parse(tags) if tags.kind else None
    if params is not None:
        found.foreign.append(params)
    elif text is None:
        found.notes.append(translate("Recipes", "{file} carries no recipe: it was not made by Batch Studio or another "
                                                "tool whose metadata we read, or its metadata was removed").format(
            file=path.name))
    return found


def _read_picks(path: Path, found: Found) -> Found:
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except (UnicodeDecodeError, csv.Error) as exc:
        found.notes.append(translate("Recipes", "{file} cannot be read ({reason})").format(file=path.name, reason=exc))
        return found
    if not rows or "file" not in rows[0]:
        found.notes.append(translate("Recipes", "{file} is not a picks.csv written by Batch Studio").format(
            file=path.name))
        return found
    for row in rows:
        name = str(row.get("file") or "")
        target = path.parent / name
        # Exported picks sit beside the csv: a row naming a path elsewhere is not followed.
        if not name or Path(name).name != name or not target.is_file():
            found.notes.append(translate("Recipes", "{file} lists {pick}, which is not beside it").format(
                file=path.name, pick=row.get("file") or "?"))
            continue
        inner = read_file(target)
        found.recipes.extend(inner.recipes)
        found.foreign.extend(inner.foreign)
        found.notes.extend(inner.notes)
    return found


# --- restoring --------------------------------------------------------------------------
def job_from_recipe(recipe: dict, source: Path, notes: list[str]):
    """The job that made the output again: same model, inputs and seed. Local inputs are
    looked for by name beside the file (and one folder up) and checked by content hash; else
    the uploaded URL stands in for them while it lasts."""
    from app.engine.jobs.spec import JobSpec

    job = recipe.get("job") if isinstance(recipe.get("job"), dict) else {}
    inputs = dict(recipe["inputs"])
    name = str(job.get("name") or "restored")
    for entry in recipe.get("files") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), list):
            continue
        path = tuple(entry["path"])
        local = _find_local(source, str(entry.get("file") or ""), entry.get("sha256"))
        if local is not None:
            inputs = replaced_at(inputs, path, str(local))
        elif isinstance(entry.get("url"), str):
            inputs = replaced_at(inputs, path, entry["url"])
            notes.append(translate("Recipes", "{job}: {file} was not found beside {source}; its uploaded copy is used "
                                              "while its link lasts").format(job=name, file=entry.get("file"),
                                                                             source=source.name))
        else:
            notes.append(translate("Recipes", "{job}: choose {file} again for {field}; it was not found beside "
                                              "{source}").format(job=name, file=entry.get("file"),
                                                                 field=entry.get("field"), source=source.name))
    if recipe.get("prompts_left_out"):
        notes.append(translate("Recipes", "{job}: the prompt was left out of this file when it was shared; write it "
                                          "again").format(job=name))
    image_from = job.get("image_from")
    if image_from:
        # The chain's parent is not in the list: its output, as sent, starts the job instead.
        sent = recipe.get("sent") or {}
        for key, value in sent.items():
            if isinstance(value, str) and is_remote_media(value) and key not in inputs:
                inputs[key] = value
        notes.append(translate("Recipes", "{job} started from the output of {parent}; that image is used by its link "
                                          "while it lasts").format(job=name, parent=image_from))
    subfolder = job.get("output_subfolder")
    return JobSpec(name, recipe["model"], inputs, subfolder if isinstance(subfolder, str) else None)


def _find_local(source: Path, name: str, digest: str | None) -> Path | None:
    if not name or "/" in name or "\\" in name:
        return None
    folder = source.parent
    for candidate in (folder / name, folder.parent / name, folder.parent.parent / name):
        try:
            if candidate.is_file() and (not digest or file_sha256(candidate) == digest):
                return candidate.resolve()
        except OSError:
            continue
    return None


def restore(paths, model_for_foreign: str | None = None, catalog=None) -> tuple[list, list[str], int]:
    """(jobs, notes, foreign count) from files: our recipes give their jobs back; other tools'
    files give a job on ``model_for_foreign`` (none without one)."""
    from app.engine.jobs import foreign

    jobs, notes, foreign_count = [], [], 0
    for path in paths:
        found = read_file(Path(path))
        notes.extend(found.notes)
        for recipe in found.recipes:
            jobs.append(job_from_recipe(recipe, found.source, notes))
        for params in found.foreign:
            foreign_count += 1
            if model_for_foreign:
                model = catalog.get(model_for_foreign) if catalog is not None else None
                jobs.append(foreign.to_job(params, model_for_foreign, model, notes))
    names: dict[str, int] = {}
    for job in jobs:  # a file restored twice must still give two jobs their own outputs
        count = names.get(job.name, 0)
        names[job.name] = count + 1
        if count:
            job.name = f"{job.name} ({count + 1})"
    return jobs, notes, foreign_count
