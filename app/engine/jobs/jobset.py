"""Job-set files (YAML or JSON): read, check, translate the tutorial format, write back.

Files carry ``schema_version``; a newer one is refused with a clear message. Writes are
atomic. Loading then saving gives the same content back.
"""

from __future__ import annotations

import copy
import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.engine.jobs import csvjobs
from app.engine.jobs import templates
from app.engine.core.i18n import translate
from app.engine.atlas.catalog import Catalog
from app.engine.core.fileio import NewerVersionError, atomic_write_text, check_version
from app.engine.jobs.spec import MEDIA_SUFFIXES, JobSpec
from app.engine.jobs.tutorial import TutorialError, translate as translate_tutorial
from app.engine.core.gcpause import collector_paused

JOBSET_VERSION = 2
# Version 2 added ``draft`` and ``prompts_as_written``; a set that uses neither is written as version 1, so an older
# Batch Studio still opens it, and one that does is refused there with the newer-version message.
DRAFT_VERSION = 2
TOP_LEVEL_KEYS = ("schema_version", "output_dir", "concurrency", "webhook_url", "defaults", "variables", "csv",
                  "matrix", "template", "jobs", "draft", "prompts_as_written")
JOB_KEYS = ("name", "model", "inputs", "output_subfolder", "image_from")
DEFAULT_KEYS = ("model", "inputs", "output_subfolder")
MAX_CONCURRENCY = 64
# A job set is a handful of levels deep (jobs, a job, its inputs, a list of objects, ...); a
# file nested far deeper is a mistake or an attack, and must not reach a recursive reader.
MAX_NESTING = 64

TUTORIAL_ONLY_KEYS = {"type", "prompt", "width", "height", "duration", "resolution", "aspect_ratio"}


class JobSetError(ValueError):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when the wheel has it: 10x faster
    """YAML 1.1 reads 16:9 as the base-60 number 969; aspect ratios must stay text."""

    def __init__(self, stream):
        super().__init__(stream)
        self._plain_tags: dict[str, str] = {}

    def resolve(self, kind, value, implicit):
        # Called for every scalar: 50,000 jobs repeat the same few keys and values, and a
        # quoted one is text whatever it says, so only a new plain scalar meets the patterns.
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:
            return super().resolve(kind, value, implicit) if implicit[1] is not True else self.DEFAULT_SCALAR_TAG
        tag = self._plain_tags.get(value)
        if tag is None:
            tag = self._plain_tags[value] = super().resolve(kind, value, implicit)
        return tag


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
                                          r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


@dataclass
class JobSet:
    jobs: list[JobSpec] = field(default_factory=list)
    output_dir: str | None = None
    concurrency: int | None = None
    defaults: dict = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    webhook_url: str | None = None
    variables: dict = field(default_factory=dict)
    csv: str | None = None
    matrix: dict = field(default_factory=dict)
    template: dict | None = None
    csv_rows: list = field(default_factory=list, repr=False)
    # Job name -> the prompt as the user wrote it, where prompt help (translate, improve) replaced
    # it with the one sent; shown beside the sent one and kept with the set.
    prompts_as_written: dict = field(default_factory=dict)
    # Draft mode: run each job on the cheapest tier of its family first (app/engine/jobs/draft.py).
    draft: bool = False
    # Where the file lives: "./ref.png" in a job means the file beside the job set, wherever
    # the command runs from (as output_dir and csv do).
    folder: Path | None = field(default=None, repr=False, compare=False)

    def template_count(self) -> int:
        """How many jobs the template makes, known before expanding it."""
        return templates.count(self.csv_rows, self.matrix) if self.template else 0

    def expanded_jobs(self) -> list[JobSpec]:
        if not self.template:
            return []
        return templates.expand(self.template, self.variables, self.csv_rows, self.matrix)

    def resolved_jobs(self, catalog: Catalog | None = None) -> list[JobSpec]:
        """Jobs with the set's defaults applied; a job's own values win.

        A default input reaches only the models that have that input, so one set can say
        ``aspect_ratio: 16:9`` once for Imagen and Veo while Flux (which takes a size) ignores it.
        """
        default_inputs = self.defaults.get("inputs") or {}
        resolved = []
        for job in [*self.jobs, *self.expanded_jobs()]:
            model_id = job.model or self.defaults.get("model", "")
            model = catalog.get(model_id) if catalog is not None else None
            inherited = {k: v for k, v in default_inputs.items() if model is None or k in model.properties}
            inputs = {**inherited, **job.inputs}
            if self.folder is not None:
                inputs = _beside(inputs, self.folder)
            resolved.append(JobSpec(name=job.name, model=model_id, inputs=inputs,
                                    output_subfolder=job.output_subfolder or self.defaults.get("output_subfolder"),
                                    image_from=job.image_from,
                                    prompt_as_written=self.prompts_as_written.get(job.name) or job.prompt_as_written))
        return resolved

    def to_document(self) -> dict:
        # prompts_as_written came in the same version as draft: an older reader refuses either.
        document: dict = {"schema_version": DRAFT_VERSION if self.draft or self.prompts_as_written else 1}
        if self.draft:
            document["draft"] = True
        if self.output_dir is not None:
            document["output_dir"] = self.output_dir
        if self.concurrency is not None:
            document["concurrency"] = self.concurrency
        if self.webhook_url:
            document["webhook_url"] = self.webhook_url
        if self.defaults:
            document["defaults"] = self.defaults
        for key in ("variables", "csv", "matrix", "template", "prompts_as_written"):
            if getattr(self, key):
                document[key] = getattr(self, key)
        jobs = []
        for job in self.jobs:
            entry: dict = {"name": job.name}
            if job.model:
                entry["model"] = job.model
            entry["inputs"] = copy.deepcopy(job.inputs)
            if job.output_subfolder:
                entry["output_subfolder"] = job.output_subfolder
            if job.image_from:
                entry["image_from"] = job.image_from
            jobs.append(entry)
        document["jobs"] = jobs
        return document


class _Dumper(yaml.SafeDumper):
    """Two jobs sharing one list (a form's default, say) are written out twice, never as
    &id001 anchors a reader of the file would have to decode."""

    def ignore_aliases(self, data) -> bool:
        return True


def dumps(jobset: JobSet, fmt: str = "yaml") -> str:
    document = jobset.to_document()
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def save(jobset: JobSet, path: Path) -> None:
    if path.suffix.lower() == ".csv":
        csvjobs.write(path, jobset.resolved_jobs())  # a spreadsheet holds plain jobs only
        return
    atomic_write_text(path, dumps(jobset, "json" if path.suffix.lower() == ".json" else "yaml"))




def load(path: Path, catalog: Catalog | None = None) -> JobSet:
    with collector_paused():
        return _load(path, catalog)


def _load(path: Path, catalog: Catalog | None) -> JobSet:
    if path.suffix.lower() == ".csv":
        try:
            return JobSet(jobs=csvjobs.read(path, catalog or Catalog.snapshot()))
        except templates.TemplateError as exc:
            raise JobSetError([str(exc)]) from None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise JobSetError([translate("JobSet", "{path}: no such file").format(path=path)]) from None
    except UnicodeDecodeError:
        raise JobSetError([translate("JobSet", "{path}: not a text file (expected YAML or JSON in "
                                               "UTF-8)").format(path=path)]) from None
    except OSError as exc:
        raise JobSetError([translate("JobSet", "{path}: cannot be read ({strerror})").format(
                               path=path, strerror=exc.strerror)]) from None
    return loads(text, path.name, fmt="json" if path.suffix.lower() == ".json" else "yaml", catalog=catalog,
                 folder=path.parent)


MEDIA_FILE_SUFFIXES = frozenset(suffix for suffixes in MEDIA_SUFFIXES.values() for suffix in suffixes)
_MEDIA_ENDINGS = tuple(MEDIA_FILE_SUFFIXES)


def _beside(value, folder: Path):
    """Relative paths of media files that exist beside the job set, made absolute. Read
    without the schema (opening a file must not wait for one): only a short string naming
    an existing media file next to the job set qualifies, so prompts are never touched."""
    if isinstance(value, dict):
        return {key: _beside(item, folder) for key, item in value.items()}
    if isinstance(value, list):
        return [_beside(item, folder) for item in value]
    # endswith first: a prompt is turned away without a Path (tens of thousands of them in a big set).
    if (isinstance(value, str) and value and len(value) < 1024 and value.lower().endswith(_MEDIA_ENDINGS)
            and "\n" not in value and "://" not in value
            and not value.startswith("data:") and Path(value).suffix.lower() in MEDIA_FILE_SUFFIXES):
        path = Path(value).expanduser()
        if not path.is_absolute() and (folder / path).is_file():
            return str((folder / path).resolve())
    return value


def loads(text: str, source: str = "job set", fmt: str = "yaml", catalog: Catalog | None = None,
          folder: Path | None = None) -> JobSet:
    document = _parse(text, source, fmt)
    if document is None:
        raise JobSetError([translate("JobSet", "{source}: the file is empty").format(source=source)])
    if isinstance(document, list):
        document = {"jobs": document}
    if not isinstance(document, dict):
        raise JobSetError([translate("JobSet", "{source}: expected a mapping with schema_version and "
                                               "jobs at the top").format(source=source)])
    try:
        check_version(document, JOBSET_VERSION, "job set", source)
    except NewerVersionError as exc:
        raise JobSetError([str(exc)]) from None
    except ValueError as exc:
        raise JobSetError([str(exc)]) from None
    jobs = document.setdefault("jobs", [] if "template" in document else None)
    if not isinstance(jobs, list):
        raise JobSetError([translate("JobSet", "{source}: jobs must be a list of jobs").format(source=source)])
    if _is_tutorial(document):
        try:
            read = translate_tutorial(document, source, catalog or Catalog.snapshot())
        except TutorialError as exc:
            raise JobSetError(exc.messages) from None
        return JobSet(jobs=read.jobs, output_dir=read.output_dir, concurrency=read.concurrency, notices=read.notices)
    jobset = _native(document, source)
    jobset.folder = folder
    if jobset.template:
        try:
            if jobset.csv:
                jobset.csv_rows = templates.read_csv_rows((folder or Path.cwd()) / jobset.csv)
            jobset.expanded_jobs()  # placeholders are checked now, not when the batch runs
        except templates.TemplateError as exc:
            raise JobSetError([f"{source}: {exc}"]) from None
        jobset.notices.append(translate("JobSet", "{source}: the template makes {count} job(s)").format(
                                  source=source, count=jobset.template_count()))
    if not jobset.jobs and not jobset.template:
        raise JobSetError([translate("JobSet", "{source}: the job set has no jobs").format(source=source)])
    return jobset


def _too_deep(source: str, where: str = "") -> JobSetError:
    return JobSetError([translate("JobSet", "{source}: {where}the file is nested too deeply (over {limit} levels); "
                                            "a job set needs only a few").format(
                            source=source, where=where, limit=MAX_NESTING)])


def _nesting_exceeds(document: object, limit: int) -> bool:
    """Without recursion: the point is to refuse what would overflow a recursive walk (and a
    YAML alias may even make a list contain itself)."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _parse(text: str, source: str, fmt: str):
    document, depth_checked = _parse_text(text, source, fmt)
    if not depth_checked and _nesting_exceeds(document, MAX_NESTING):
        raise _too_deep(source)
    return document


def _parse_text(text: str, source: str, fmt: str) -> tuple[object, bool]:
    """(the document, whether its nesting was checked on the way)."""
    if fmt == "json":
        try:
            return json.loads(text), False
        except json.JSONDecodeError as exc:
            raise JobSetError([translate("JobSet", "{source}: line {lineno}, column {colno}: {msg}").format(
                                   source=source, lineno=exc.lineno, colno=exc.colno, msg=exc.msg)]) from None
        except RecursionError:
            raise _too_deep(source) from None
    try:
        return _load_yaml(text)
    except _TooDeep:
        raise _too_deep(source) from None
    except RecursionError:  # the pure-Python reader, when PyYAML comes without libyaml
        raise _too_deep(source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = translate("JobSet", "line {line}, column {column}: ").format(
            line=mark.line + 1, column=mark.column + 1) if mark else ""
        if "nesting depth" in str(exc.problem or ""):  # libyaml's own limit (1000 levels)
            raise _too_deep(source, where) from None
        # PyYAML's own wording ("found unexpected end of stream") stays as it is.
        problem = exc.problem or exc.context or translate("JobSet", "not valid YAML")
        started = exc.context_mark
        if exc.problem and exc.context and started and mark and started.line != mark.line:
            # "found unexpected end of stream" alone hides where the unclosed thing began.
            problem += translate("JobSet", " ({context} at line {line}, column {column})").format(
                context=exc.context, line=started.line + 1, column=started.column + 1)
        raise JobSetError([f"{source}: {where}{problem}"]) from None
    except yaml.YAMLError as exc:
        message = translate("JobSet", "{source}: not valid YAML ({exc})").format(source=source, exc=exc)
        raise JobSetError([message]) from None


class _Unusual(Exception):
    """A node the quick builder leaves to PyYAML's own constructor."""


class _TooDeep(Exception):
    """The quick builder went past MAX_NESTING."""


_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_TAG + name for name in ("null", "bool", "int", "float", "binary", "timestamp"))


def _load_yaml(text: str):
    """Plain maps, lists and scalars are built straight from libyaml's parse events, one at a
    time; anything else goes to the node tree below, and from there to PyYAML's constructor.

    PyYAML's constructor (Python even with libyaml) was most of the time a 10,000-job set took to read.
    The node tree it needs holds a node and two marks for every scalar: about 5 KB a job, so a
    50,000-job set peaked at about 250 MB while it was read, and the process kept that memory.
    Anything else (anchors and aliases, merge keys, sets, tags) or a file that does not parse
    is read again through the nodes, so the result and the errors are PyYAML's."""
    loader = _Loader(text)
    try:
        return _build_from_events(loader), True
    except (_Unusual, yaml.YAMLError):
        pass
    finally:
        loader.dispose()
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, True
        try:
            return _build(loader, node), True
        except _Unusual:
            return loader.construct_document(node), False
    finally:
        loader.dispose()


_KEY_TAGS = frozenset(_TAG + name for name in ("str", "int", "bool", "null", "float"))
_NO_KEY = object()


def _build_from_events(loader):
    """The document from the parser's events, as _build makes it from the nodes (the same
    tags, scalars, nesting limit and last-key-wins), never holding more than the result and
    one event. Raises _Unusual for what only the node tree handles."""
    get = loader.get_event
    resolve, constructors = loader.resolve, loader.yaml_constructors
    get()  # the stream's start
    if isinstance(get(), yaml.StreamEndEvent):
        return None  # an empty file
    stack: list[list] = []  # [container, the mapping's pending key or _NO_KEY, whether that key may be one]
    scalar, str_tag = yaml.events.ScalarEvent, _TAG + "str"
    while True:
        event = get()
        kind = type(event)
        key_ok = False
        if kind is scalar:
            if event.anchor is not None:
                raise _Unusual
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == str_tag:
                value = event.value
            elif tag in _SCALAR_TAGS:
                value = constructors[tag](loader, yaml.ScalarNode(tag, event.value, style=event.style))
            else:
                raise _Unusual  # << merges, = values, custom tags
            key_ok = tag in _KEY_TAGS
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None:
                raise _Unusual
            is_map = kind is yaml.MappingStartEvent
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolve(yaml.MappingNode if is_map else yaml.SequenceNode, None, event.implicit)
            if tag != _TAG + ("map" if is_map else "seq"):
                raise _Unusual
            if len(stack) + 1 > MAX_NESTING:
                raise _TooDeep
            stack.append([{} if is_map else [], _NO_KEY])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
        else:
            raise _Unusual  # an alias
        if not stack:
            break
        top = stack[-1]
        container = top[0]
        if type(container) is list:
            container.append(value)
        elif top[1] is _NO_KEY:
            if not key_ok:
                raise _Unusual  # a complex key
            top[1] = value
        else:
            container[top[1]] = value
            top[1] = _NO_KEY
    if not isinstance(get(), yaml.DocumentEndEvent) or not isinstance(get(), yaml.StreamEndEvent):
        raise _Unusual  # more than one document: the node tree says so in PyYAML's words
    return value


def _build(loader, root):
    constructors = loader.yaml_constructors
    built: dict[int, object] = {}  # an alias is the same node again: the same object, as PyYAML gives
    building: set[int] = set()

    # The nesting is counted here, on the way down, rather than in a second walk of the result
    # (an alias counts as deep as where it is used, as that walk counts it).
    def build(node, depth):
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _TAG + "str":
                return node.value
            if tag not in _SCALAR_TAGS:
                raise _Unusual
            return constructors[tag](loader, node)
        if depth > MAX_NESTING:
            raise _TooDeep
        key = id(node)
        if key in built:
            if _nesting_exceeds(built[key], MAX_NESTING - depth + 1):
                raise _TooDeep
            return built[key]
        if key in building:
            raise _Unusual
        building.add(key)
        inner = depth + 1
        if tag == _TAG + "seq":
            value = [build(item, inner) for item in node.value]
        elif tag == _TAG + "map":
            value = {}
            for key_node, value_node in node.value:
                if key_node.tag not in (_TAG + "str", _TAG + "int", _TAG + "bool", _TAG + "null", _TAG + "float"):
                    raise _Unusual  # << merges, = values, complex keys
                value[build(key_node, inner)] = build(value_node, inner)
        else:
            raise _Unusual
        building.discard(key)
        built[key] = value
        return value

    return build(root, 1)


def _is_tutorial(document: dict) -> bool:
    if "schema_version" in document:
        return False
    return any(isinstance(job, dict) and "inputs" not in job and TUTORIAL_ONLY_KEYS & set(job)
               for job in document["jobs"])


def _inputs_of(entry: dict) -> tuple[dict, list[tuple[bool, str]]]:
    """A job's inputs, from ``inputs:`` and from keys written beside name and model.

    One rule whatever the version line: ``{name, model, prompt: x}`` means ``inputs: {prompt: x}``
    (and is saved back that way). A key that is a misspelt job key is refused instead of being
    sent to the model. Problems come as (about the named job, message).
    """
    problems: list[tuple[bool, str]] = []
    inputs = entry.get("inputs") or {}
    if not isinstance(inputs, dict):
        problems.append((True, translate("JobSet", "inputs must be a mapping of field names to values")))
        inputs = {}
    inputs = dict(inputs)
    for key, value in entry.items():
        if key in JOB_KEYS:
            continue
        close = difflib.get_close_matches(str(key), JOB_KEYS, n=1, cutoff=0.8)
        if close or not isinstance(key, str):
            hint = translate("JobSet", "; did you mean {name}?").format(name=close[0]) if close else ""
            problems.append((False, translate("JobSet", "unknown key {key} (known: {names}){hint}").format(
                key=repr(key), names=", ".join(JOB_KEYS), hint=hint)))
        elif key in inputs and inputs[key] != value:
            problems.append((True, translate("JobSet", "{key} is given twice, beside name and under inputs, "
                                                       "with different values").format(key=key)))
        else:
            inputs[key] = value
    return inputs, problems


def _native(document: dict, source: str) -> JobSet:
    problems = [translate("JobSet", "{source}: unknown top-level key {key} (known: {names})").format(
                    source=source, key=repr(key), names=', '.join(TOP_LEVEL_KEYS))
                for key in document if key not in TOP_LEVEL_KEYS]
    output_dir = document.get("output_dir")
    if output_dir is not None and not isinstance(output_dir, str):
        problems.append(translate("JobSet", "{source}: output_dir must be a folder path").format(source=source))
    concurrency = document.get("concurrency")
    if concurrency is not None and (isinstance(concurrency, bool) or not isinstance(concurrency, int)
                                    or not 1 <= concurrency <= MAX_CONCURRENCY):
        problems.append(translate("JobSet", "{source}: concurrency must be a whole number from 1 to "
                                            "{MAX_CONCURRENCY}, not {concurrency}").format(
                            source=source, MAX_CONCURRENCY=MAX_CONCURRENCY, concurrency=repr(concurrency)))
    webhook_url = document.get("webhook_url")
    if webhook_url is not None and (not isinstance(webhook_url, str) or not webhook_url.startswith(("http://",
                                                                                                    "https://"))):
        problems.append(translate("JobSet", "{source}: webhook_url must be an http(s) URL").format(source=source))
        webhook_url = None
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.append(translate("JobSet", "{source}: defaults must be a mapping (model, inputs, "
                                            "output_subfolder)").format(source=source))
        defaults = {}
    problems.extend(translate("JobSet", "{source}: defaults: unknown key {key} (known: {names})").format(
                        source=source, key=repr(key), names=', '.join(DEFAULT_KEYS))
                    for key in defaults if key not in DEFAULT_KEYS)
    if not isinstance(defaults.get("inputs", {}), dict):
        problems.append(translate("JobSet", "{source}: defaults.inputs must be a mapping of field "
                                            "names to values").format(source=source))
    jobs = []
    for index, entry in enumerate(document["jobs"]):
        where = f"{source}: jobs[{index}]"
        if not isinstance(entry, dict):
            problems.append(translate("JobSet", "{where} must be a mapping with name, model and "
                                                "inputs").format(where=where))
            continue
        name = entry.get("name")
        if not isinstance(name, (str, int)) or not str(name).strip():
            problems.append(translate("JobSet", "{where}: name is required").format(where=where))
            name = f"job {index + 1}"
        model = entry.get("model", "")
        if not isinstance(model, str) or (not model and not defaults.get("model")):
            problems.append(translate("JobSet", "{where} \"{name}\": model is required (a model id such "
                                                "as google/imagen4)").format(
                                where=where, name=name))
            model = ""
        inputs, input_problems = _inputs_of(entry)
        problems.extend(f'{where} "{name}": {message}' if i else f"{where}: {message}"
                        for i, message in input_problems)
        subfolder = entry.get("output_subfolder")
        if subfolder is not None and not isinstance(subfolder, str):
            problems.append(translate("JobSet", "{where} \"{name}\": output_subfolder must be a folder "
                                                "name").format(where=where, name=name))
            subfolder = None
        image_from = entry.get("image_from")
        if image_from is not None and (not isinstance(image_from, (str, int)) or not str(image_from).strip()):
            problems.append(translate("JobSet", "{where} \"{name}\": image_from must be the name of "
                                                "another job").format(
                                where=where, name=name))
            image_from = None
        jobs.append(JobSpec(str(name), model, dict(inputs), subfolder,
                            str(image_from) if image_from is not None else None))
    variables = document.get("variables") or {}
    if not isinstance(variables, dict):
        problems.append(translate("JobSet", "{source}: variables must be a mapping of names to values").format(
                            source=source))
        variables = {}
    matrix = document.get("matrix") or {}
    if not isinstance(matrix, dict):
        problems.append(translate("JobSet", "{source}: matrix must be a mapping of names to lists of "
                                            "values").format(source=source))
        matrix = {}
    csv_name = document.get("csv")
    if csv_name is not None and not isinstance(csv_name, str):
        problems.append(translate("JobSet", "{source}: csv must be the path of a CSV file, relative "
                                            "to the job set").format(source=source))
        csv_name = None
    template = document.get("template")
    if template is not None and not isinstance(template, dict):
        problems.append(translate("JobSet", "{source}: template must be a job (name, model, inputs)").format(
                            source=source))
        template = None
    if template is not None:
        template_inputs, template_problems = _inputs_of(template)
        problems.extend(f"{source}: template: {message}" for _, message in template_problems)
        template = {**{k: v for k, v in template.items() if k in JOB_KEYS}, "inputs": template_inputs}
    draft = document.get("draft", False)
    if not isinstance(draft, bool):
        problems.append(translate("JobSet", "{source}: draft must be true or false").format(source=source))
        draft = False
    if (csv_name or matrix) and template is None:
        problems.append(translate("JobSet", "{source}: csv and matrix fill a template; add a template "
                                            "job").format(source=source))
    if problems:
        raise JobSetError(problems)
    written = document.get("prompts_as_written") or {}
    if not isinstance(written, dict) or not all(isinstance(v, str) for v in written.values()):
        raise JobSetError([translate("JobSet", "{source}: prompts_as_written must map job names to the prompts "
                                               "as written").format(source=source)])
    return JobSet(jobs=jobs, output_dir=output_dir, concurrency=concurrency, defaults=defaults,
                  webhook_url=webhook_url, variables=variables, csv=csv_name, matrix=matrix, template=template,
                  draft=draft, prompts_as_written={str(k): v for k, v in written.items()})
