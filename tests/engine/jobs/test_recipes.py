"""Every output carries its recipe: written after the download is verified, read back into the
same job, never into a C2PA-signed file, and any broken or foreign file gets a sentence."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from pathlib import Path

import av
import pytest
from PIL import Image

from app.engine.jobs import foreign
from app.engine.core import mediatags
from app.engine.jobs import recipes
from app.engine.atlas.catalog import Catalog
from app.engine.atlas.client import Download
from app.engine.jobs.spec import JobSpec
from app.engine.run.records import JobState
from app.engine.jobs.recipes import RecipePolicy
from app.engine.run.store import JobLink, JobStore
from tests.fakes import c2pa_signed, media
from tests.fakes.atlas import FakeAtlas
from tests.fakes.clock import ManualClock
from tests.fakes.runs import new_runner

IMAGE = "google/imagen4"
FLUX = "black-forest-labs/flux-2-pro/text-to-image"
EDIT = "bytedance/seedream-v4.5/edit"


@pytest.fixture(scope="module")
def catalog():
    return Catalog.snapshot()


class FormatAtlas(FakeAtlas):
    """Outputs in the format a prompt starts with ("jpeg: a cat"), optionally signed with C2PA
    content credentials by the reference SDK ("signed png: …"); uploads answer with a CDN URL."""

    def __init__(self):
        super().__init__()
        self.downloaded: dict[str, bytes] = {}

    @staticmethod
    def _kind(prompt: str) -> tuple[str, bool]:
        head = prompt.split(":", 1)[0].split()
        return (head[-1] if head and head[-1] in media.FORMATS else "png"), "signed" in head

    def poll(self, prediction_id: str):
        prediction = super().poll(prediction_id)
        kind, _ = self._kind(self._prompt_of[prediction_id])
        outputs = tuple(url.rsplit(".", 1)[0] + media.SUFFIX[kind] for url in prediction.outputs)
        return dataclasses.replace(prediction, outputs=outputs)

    def download(self, url: str, destination: Path) -> Download:
        prediction_id = url.rsplit("/", 1)[1].split(".")[0]
        with self._lock:
            self.downloads.append(url)
            kind, signed = self._kind(self._prompt_of[prediction_id])
        data = media.media_bytes(kind, colour=(len(url) * 7 % 255, 90, 30))
        if signed:
            data = c2pa_signed.sign(kind, data)
        destination.write_bytes(data)
        with self._lock:
            self.downloaded[destination.name] = data
        return Download(destination, len(data), hashlib.sha256(data).hexdigest())

    def upload(self, path: Path) -> str:
        return f"https://cdn.fake.test/uploads/{Path(path).name}"


def run(catalog, jobs, out: Path, policy=RecipePolicy(), store=None, fake=None):
    clock = ManualClock()
    fake = fake or FormatAtlas()
    runner = new_runner(jobs, catalog, out, client=fake, clock=clock, sleep=clock.sleep, recipes=policy,
                        store=store)
    result = runner.run()
    assert all(r.state == JobState.DONE for r in result.records), [r.error for r in result.records]
    return result, fake


@pytest.mark.parametrize("kind", media.FORMATS)
def test_each_format_round_trips_to_the_same_job(catalog, tmp_path, kind):
    spec = JobSpec("fox 한국", IMAGE, {"prompt": f"{kind}: a red fox, 50mm", "negative_prompt": "blurry",
                                      "seed": 42, "aspect_ratio": "16:9"})
    result, fake = run(catalog, [spec], tmp_path / "out")
    record = result.records[0]
    output = tmp_path / "out" / record.files[0].path
    assert output.suffix == media.SUFFIX[kind] and record.files[0].recipe == "embedded"
    data = output.read_bytes()
    # Verified as downloaded, then written: both hashes are kept, and they differ.
    assert record.files[0].sha256 == hashlib.sha256(fake.downloaded[output.name]).hexdigest()
    assert record.files[0].written_sha256 == hashlib.sha256(data).hexdigest() != record.files[0].sha256
    assert not list(output.parent.glob("*.recipe.json"))

    found = recipes.read_file(output)
    assert found.notes == [] and len(found.recipes) == 1
    recipe = found.recipes[0]
    assert recipe["schema_version"] == recipes.RECIPE_VERSION and recipe["app"].startswith("Batch Studio")
    assert recipe["model"] == IMAGE and recipe["seed"] == 42 and recipe["job"]["prediction_id"] == record.prediction_id
    assert recipe["prompt"] == {"written": spec.inputs["prompt"], "sent": spec.inputs["prompt"]}
    assert recipe["output"]["sha256_downloaded"] == record.files[0].sha256
    jobs, notes, _ = recipes.restore([output])
    assert notes == [] and [(j.name, j.model, j.inputs) for j in jobs] == [(spec.name, spec.model, spec.inputs)]

    if kind in ("png", "jpeg", "webp"):
        with Image.open(output) as picture:  # still a picture every viewer opens
            picture.load()
            assert picture.size == (32, 24)
    else:
        with av.open(str(output)) as container:  # still a playable video, its tags where players look
            assert sum(1 for _ in container.decode(video=0)) == 4
            tags = {k.lower(): v for k, v in container.metadata.items()}
            assert json.loads(tags[recipes.RECIPE_KEY])["model"] == IMAGE
            assert "Seed: 42" in tags["comment"]
    # Other tools read the A1111 text (the prompt, its negative, then Seed and Size).
    tags = mediatags.read_tags(output)
    a1111 = tags.texts.get("parameters") or tags.texts.get("UserComment") or tags.texts.get("\xa9cmt") \
        or tags.texts.get("COMMENT")
    assert a1111.startswith("jpeg: a red fox" if kind == "jpeg" else f"{kind}: a red fox")
    assert "\nNegative prompt: blurry\n" in a1111 and "Seed: 42" in a1111 and f"Model: {IMAGE}" in a1111
    if kind in ("jpeg", "webp"):
        xmp = mediatags.parse_xmp(tags.xmp)
        assert xmp.description == spec.inputs["prompt"] and xmp.creator_tool.startswith("Batch Studio")
        assert xmp.source_type.endswith("/trainedAlgorithmicMedia")


def test_a1111_size_line_and_the_parameters_chunk(catalog, tmp_path):
    spec = JobSpec("flux", FLUX, {"prompt": "png: a heron", "size": "1024*768", "seed": 7})
    result, _ = run(catalog, [spec], tmp_path / "out")
    output = tmp_path / "out" / result.records[0].files[0].path
    text = mediatags.read_tags(output).texts["parameters"]
    assert text.splitlines()[-1].startswith(f"Seed: 7, Size: 1024x768, Model: {FLUX}")
    assert foreign.parse(mediatags.Tags("png", {"parameters": text})).seed == 7  # A1111 readers agree


def test_local_inputs_by_name_and_hash_uploads_kept_and_no_path_or_key_inside(catalog, tmp_path, monkeypatch):
    monkeypatch.setenv("ATLASCLOUD_API_KEY", "apikey-secret-123")
    refs = tmp_path / "my private refs"
    refs.mkdir()
    ref = refs / "shelf.png"
    media.picture((10, 200, 10)).save(ref)
    spec = JobSpec("shelf", EDIT, {"prompt": "jpeg: put it on a shelf", "images": [str(ref)]})
    result, _ = run(catalog, [spec], tmp_path / "out")
    output = tmp_path / "out" / result.records[0].files[0].path
    data = output.read_bytes()
    assert str(tmp_path).encode() not in data and b"my private refs" not in data and b"apikey-" not in data
    recipe = recipes.read_file(output).recipes[0]
    assert recipe["inputs"]["images"] == ["shelf.png"]
    assert recipe["sent"]["images"] == ["https://cdn.fake.test/uploads/shelf.png"]
    [entry] = recipe["files"]
    assert entry == {"field": "images[0]", "path": ["images", 0], "file": "shelf.png",
                     "sha256": hashlib.sha256(ref.read_bytes()).hexdigest(),
                     "url": "https://cdn.fake.test/uploads/shelf.png"}
    manifest = (tmp_path / "out" / "manifest.json").read_text()
    assert "apikey-" not in manifest

    # Handed to someone else with the reference beside it: the local file, checked by its hash.
    handed = tmp_path / "handed"
    handed.mkdir()
    shutil.copy(output, handed / output.name)
    shutil.copy(ref, handed / "shelf.png")
    [job], notes, _ = recipes.restore([handed / output.name])
    assert job.inputs["images"] == [str((handed / "shelf.png").resolve())] and notes == []
    # A different file of that name is not it: the uploaded copy stands in, and it says so.
    media.picture((1, 2, 3)).save(handed / "shelf.png")
    [job], notes, _ = recipes.restore([handed / output.name])
    assert job.inputs["images"] == ["https://cdn.fake.test/uploads/shelf.png"]
    assert any("shelf.png was not found" in note for note in notes)


def test_rerolls_record_their_parent(catalog, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    store = JobStore(out)
    try:
        clock = ManualClock()
        fake = FormatAtlas()
        from app.engine.run.planning import plan_batch
        from app.engine.run.runner import BatchPlan, BatchRunner, Connections

        records = plan_batch([JobSpec("hero", IMAGE, {"prompt": "png: hero"}),
                              JobSpec("hero (re-roll 1)", IMAGE, {"prompt": "png: hero", "seed": 5})], catalog)
        batch = store.new_batch(records[:1])
        store.append(batch, records[1:], [JobLink("reroll", batch, 0, "hero")])
        for index, record in enumerate(records):
            record.index, record.batch = index, batch
        BatchRunner(BatchPlan(records, out), io=Connections(client=fake, store=store, clock=clock,
                                                            sleep=clock.sleep)).run()
    finally:
        store.close()
    reroll = out / records[1].files[0].path
    recipe = recipes.read_file(reroll).recipes[0]
    assert recipe["parent"] == {"kind": "reroll", "original": {"batch": batch, "position": 0, "name": "hero"}}
    assert recipes.read_file(out / records[0].files[0].path).recipes[0]["parent"] is None


@pytest.mark.parametrize("kind", ["png", "jpeg", "webp", "mp4"])
def test_a_c2pa_signed_file_stays_byte_identical_and_gets_a_sidecar(catalog, tmp_path, kind):
    spec = JobSpec("signed", IMAGE, {"prompt": f"signed {kind}: a signed picture", "seed": 3})
    result, fake = run(catalog, [spec], tmp_path / "out")
    file = result.records[0].files[0]
    output = tmp_path / "out" / file.path
    assert mediatags.has_c2pa(output)
    assert output.read_bytes() == fake.downloaded[output.name]
    assert c2pa_signed.validation_state(kind, output.read_bytes()) == "Valid"  # the credentials still hold
    assert file.recipe == "sidecar" and file.written_sha256 == file.sha256
    sidecar = output.with_name(output.name + ".recipe.json")
    assert file.sidecar == sidecar.name and sidecar.is_file()
    document = json.loads(sidecar.read_text())
    assert document["output"]["sha256_written"] == file.sha256
    # Dropping either the file or its sidecar gives the job back.
    for dropped in (output, sidecar):
        [job], notes, _ = recipes.restore([dropped])
        assert (job.model, job.inputs) == (IMAGE, spec.inputs) and notes == []


@pytest.mark.parametrize("kind", ["png", "jpeg", "webp", "mp4"])
def test_a_manifest_store_is_found_where_each_format_keeps_it_even_unsigned(tmp_path, kind, monkeypatch):
    """A store the SDK could not validate (an unsupported claim, here) is still a store: the
    file is not ours to change."""
    path = tmp_path / f"store{media.SUFFIX[kind]}"
    path.write_bytes(media.with_c2pa(kind, media.media_bytes(kind)))
    before = path.read_bytes()
    assert mediatags.has_c2pa(path)
    recipe = {"schema": "batch-studio-recipe", "schema_version": 1, "model": IMAGE, "inputs": {"prompt": "s"}}
    assert recipes.save_recipe(path, recipe, RecipePolicy()).how == "sidecar" and path.read_bytes() == before
    plain = tmp_path / f"plain{media.SUFFIX[kind]}"
    plain.write_bytes(media.media_bytes(kind))
    assert not mediatags.has_c2pa(plain)
    if kind != "mp4":
        # A manifest kept online, named in the XMP, signs these bytes too.
        packet = mediatags.xmp_packet
        monkeypatch.setattr(mediatags, "xmp_packet", lambda fields: packet(fields).replace(
            "<xmp:CreatorTool>", '<dcterms:provenance xmlns:dcterms="http://purl.org/dc/terms/">'
                                 "https://cai.example/manifest/1</dcterms:provenance><xmp:CreatorTool>"))
        mediatags.embed(plain, mediatags.Embedding(xmp=mediatags.XmpFields(creator_tool="a signing camera")))
        assert "dcterms:provenance" in mediatags.read_tags(plain).xmp
        assert mediatags.has_c2pa(plain)


def test_no_embed_keeps_every_file_as_downloaded(catalog, tmp_path):
    jobs = [JobSpec(f"job {kind}", IMAGE, {"prompt": f"{kind}: plain", "seed": 1}) for kind in media.FORMATS]
    result, fake = run(catalog, jobs, tmp_path / "out", policy=RecipePolicy(embed=False))
    for record in result.records:
        output = tmp_path / "out" / record.files[0].path
        assert output.read_bytes() == fake.downloaded[output.name]
        assert record.files[0].recipe == "sidecar" and output.with_name(output.name + ".recipe.json").is_file()
        [job], _, _ = recipes.restore([output])
        assert job.inputs == record.spec.inputs
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert all(r["sha256"] == r["sha256_written"] for r in manifest["results"])


def test_prompts_can_be_left_out_of_the_files(catalog, tmp_path):
    spec = JobSpec("secret", IMAGE, {"prompt": "png: the client's unreleased sneaker", "negative_prompt": "logo",
                                     "seed": 9})
    result, _ = run(catalog, [spec], tmp_path / "out", policy=RecipePolicy(prompts=False))
    output = tmp_path / "out" / result.records[0].files[0].path
    assert b"unreleased sneaker" not in output.read_bytes() and b"logo" not in output.read_bytes()
    [job], notes, _ = recipes.restore([output])
    assert job.inputs == {"seed": 9} and "prompt was left out" in notes[0]
    assert "unreleased sneaker" in (tmp_path / "out" / "manifest.json").read_text()


# --- other tools ------------------------------------------------------------------------
EXPECTED = {
    "a1111": ("A1111", "a lighthouse at dusk, oil painting", "blurry, text", 1234567, 768, 512),
    "a1111-jpeg": ("A1111", "a lighthouse at dusk, oil painting", "blurry, text", 1234567, 768, 512),
    "comfyui": ("ComfyUI", "a red fox in snow", "watermark", 99887766, 1024, 1024),
    "comfyui-webp": ("ComfyUI", "a red fox in snow", "watermark", 99887766, 1024, 1024),
    "comfyui-mp4": ("ComfyUI", "a red fox in snow", "watermark", 99887766, 1024, 1024),
    "invokeai": ("InvokeAI", "a castle on a hill", "fog", 424242, 896, 1152),
    "swarmui": ("SwarmUI", "a blue bicycle", "people", 31337, 1344, 768),
    "fooocus": ("Fooocus", "a bowl of ramen", "cartoon", 777, 1152, 896),
}


def test_other_tools_files_give_prompt_negative_seed_and_size(catalog, tmp_path):
    made = media.samples(tmp_path / "samples")
    for name, path in made.items():
        found = recipes.read_file(path)
        assert found.recipes == [] and found.notes == [], name
        [params] = found.foreign
        assert (params.tool, params.prompt, params.negative_prompt, params.seed, params.width,
                params.height) == EXPECTED[name], name
    jobs, notes, count = recipes.restore([made["comfyui"], made["swarmui"]], IMAGE, catalog)
    assert count == 2 and [j.model for j in jobs] == [IMAGE, IMAGE]
    assert jobs[0].inputs == {"prompt": "a red fox in snow", "negative_prompt": "watermark", "seed": 99887766,
                              "aspect_ratio": "1:1"}
    assert jobs[1].inputs["aspect_ratio"] == "16:9"
    assert any("best effort" in note for note in notes)
    # Without a model there is no job to make, and nothing breaks.
    assert recipes.restore([made["a1111"]])[0] == []
    [flux_job], notes, _ = recipes.restore([made["invokeai"]], FLUX, catalog)
    assert flux_job.inputs["size"] and "negative" in " ".join(notes)


# --- bad input --------------------------------------------------------------------------
def _png_with_chunk(path: Path, key: str, value: bytes) -> Path:
    import struct
    import zlib

    data = media.media_bytes("png")
    body = b"tEXt" + key.encode() + b"\x00" + value
    chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
    path.write_bytes(data[:-12] + chunk + data[-12:])
    return path


def test_bad_input_never_crashes_and_never_changes_the_file(tmp_path):
    good = json.dumps({"schema": "batch-studio-recipe", "schema_version": 1, "model": IMAGE,
                       "inputs": {"prompt": "x"}, "wishes": 1, "mood": "calm"})
    cases = {
        "plain.png": (media.png_with_texts(tmp_path / "plain.png", {}), "carries no recipe"),
        "broken.png": (_png_with_chunk(tmp_path / "broken.png", "batch-studio-recipe", b'{"schema": "batch-st'),
                       "the recipe is broken"),
        "huge.png": (_png_with_chunk(tmp_path / "huge.png", "batch-studio-recipe", b"x" * (50 * 1024 * 1024)),
                     "50 MB"),
        "newer.png": (_png_with_chunk(tmp_path / "newer.png", "batch-studio-recipe", json.dumps(
            {"schema": "batch-studio-recipe", "schema_version": 99, "model": IMAGE, "inputs": {}}).encode()),
            "newer Batch Studio"),
        "unknown.png": (_png_with_chunk(tmp_path / "unknown.png", "batch-studio-recipe", good.encode()),
                        "mood, wishes"),
        "noise.png": (tmp_path / "noise.png", "is not an image or video"),
        "cut.png": (tmp_path / "cut.png", "carries no recipe"),
        "empty.recipe.json": (tmp_path / "empty.recipe.json", "the recipe is broken"),
        "picks.csv": (tmp_path / "picks.csv", "not a picks.csv"),
        "deep.recipe.json": (tmp_path / "deep.recipe.json", "the recipe is broken"),
        "elsewhere.csv": (tmp_path / "elsewhere.csv", "which is not beside it"),
    }
    (tmp_path / "deep.recipe.json").write_text("[" * 200000)
    (tmp_path / "elsewhere.csv").write_text("file,name\n../plain.png,x\n")
    (tmp_path / "noise.png").write_bytes(b"\x00garbage" * 100)
    (tmp_path / "cut.png").write_bytes(media.media_bytes("png")[:60])
    (tmp_path / "empty.recipe.json").write_text("")
    (tmp_path / "picks.csv").write_text("a,b\n1,2\n")
    before = {name: path.read_bytes() for name, (path, _) in cases.items()}
    for name, (path, expected) in cases.items():
        found = recipes.read_file(path)
        assert any(expected in note for note in found.notes), (name, found.notes)
        assert path.read_bytes() == before[name]
    assert len(recipes.read_file(tmp_path / "unknown.png").recipes) == 1  # the known part still restores
    assert recipes.read_file(tmp_path / "gone.png").notes[0].startswith("gone.png cannot be read")


def test_a_file_that_cannot_take_its_recipe_keeps_its_bytes_and_gets_a_sidecar(tmp_path):
    odd = tmp_path / "odd.gif"
    Image.new("P", (4, 4)).save(odd, "GIF")
    before = odd.read_bytes()
    recipe = {"schema": "batch-studio-recipe", "schema_version": 1, "model": IMAGE, "inputs": {"prompt": "g"}}
    saved = recipes.save_recipe(odd, recipe, RecipePolicy())
    assert saved.how == "sidecar" and odd.read_bytes() == before and "not a format" in saved.note
    assert recipes.read_file(odd).recipes[0]["inputs"] == {"prompt": "g"}


def test_writing_twice_leaves_one_copy(tmp_path):
    for kind in ("png", "jpeg", "webp"):
        path = tmp_path / f"twice{media.SUFFIX[kind]}"
        path.write_bytes(media.media_bytes(kind))
        recipe = {"schema": "batch-studio-recipe", "schema_version": 1, "model": IMAGE,
                  "inputs": {"prompt": "p"}, "sent": {"prompt": "p"}, "prompt": {"sent": "p"}}
        recipes.save_recipe(path, recipe, RecipePolicy())
        once = path.read_bytes()
        recipes.save_recipe(path, recipe, RecipePolicy())
        assert path.read_bytes() == once, kind


def test_the_rating_goes_into_the_xmp_unless_the_file_is_signed(tmp_path):
    from app.engine.review.ratings import read_rating, write_rating, xmp_rating

    assert (xmp_rating("rejected", 4), xmp_rating("picked", 9), xmp_rating("picked", None)) == (-1, 5, None)
    for kind in ("png", "jpeg", "webp"):
        plain = tmp_path / f"plain{media.SUFFIX[kind]}"
        plain.write_bytes(media.media_bytes(kind))
        assert write_rating(plain, 4) == "embedded" and read_rating(plain) == 4
        assert not plain.with_suffix(".xmp").exists()
        signed = tmp_path / f"signed{media.SUFFIX[kind]}"
        signed.write_bytes(c2pa_signed.sign(kind, media.media_bytes(kind)))
        before = signed.read_bytes()
        assert write_rating(signed, -1) == "sidecar" and signed.read_bytes() == before
        assert c2pa_signed.validation_state(kind, before) == "Valid"
        assert read_rating(signed) == -1 and "<xmp:Rating>-1</xmp:Rating>" in signed.with_suffix(".xmp").read_text()


def test_concurrent_downloads_each_carry_their_own_job(catalog, tmp_path):
    from app.engine.run.runner import Limits

    jobs = [JobSpec(f"job {i}", IMAGE, {"prompt": f"{media.FORMATS[i % 3]}: picture {i}", "seed": i})
            for i in range(9)]
    clock = ManualClock()
    runner = new_runner(jobs, catalog, tmp_path / "out", client=FormatAtlas(), clock=clock, sleep=clock.sleep,
                        limits=Limits(concurrency=4))
    for record in runner.run().records:
        recipe = recipes.read_file(tmp_path / "out" / record.files[0].path).recipes[0]
        assert (recipe["job"]["name"], recipe["seed"]) == (record.spec.name, record.spec.inputs["seed"])


def test_no_absolute_path_even_for_a_chained_start_image_and_prompts_stay_as_written(catalog, tmp_path):
    from app.engine.run.planning import plan_batch

    chain = "bytedance/seedance-v1.5-pro-fast/image-to-video"
    parent_file = tmp_path / "out" / "images" / "parent.png"
    parent_file.parent.mkdir(parents=True)
    parent_file.write_bytes(media.media_bytes("png"))
    records = plan_batch([JobSpec("parent", IMAGE, {"prompt": "a pier"}),
                          JobSpec("clip", chain, {"prompt": "/imagine waves at ~/home"}, image_from="parent")],
                         catalog)
    record = records[1]
    field = record.model.image_fields()[0]
    # The parent's URL had expired: its downloaded file was sent (uploaded), named by its path.
    record.sent_body = {**record.spec.request_body(record.model), field: str(parent_file)}
    recipe = recipes.RecipeWriter(tmp_path / "out").recipe(record, None, "abc", "clip.mp4")
    assert str(tmp_path) not in json.dumps(recipe, ensure_ascii=False)
    assert recipe["sent"][field] == "parent.png"
    assert recipe["prompt"]["written"] == recipe["inputs"]["prompt"] == "/imagine waves at ~/home"
    assert recipe["parent"] == {"kind": "chain", "original": {"name": "parent"}}


def test_a_quicktime_mov_takes_its_recipe_as_an_mp4_does(tmp_path):
    path = tmp_path / "clip.mov"
    with av.open(str(path), "w", format="mov") as out:
        stream = out.add_stream("libx264", rate=8)
        stream.width, stream.height, stream.pix_fmt = 32, 24, "yuv420p"
        for _ in range(3):
            for packet in stream.encode(av.VideoFrame.from_image(media.picture())):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    recipe = {"schema": "batch-studio-recipe", "schema_version": 1, "model": IMAGE, "inputs": {"prompt": "q"},
              "sent": {"prompt": "q"}, "prompt": {"sent": "q"}}
    assert recipes.save_recipe(path, recipe, RecipePolicy()).how == "embedded"
    assert recipes.read_file(path).recipes[0]["inputs"] == {"prompt": "q"}
    with av.open(str(path)) as container:
        assert sum(1 for _ in container.decode(video=0)) == 3
        assert json.loads(container.metadata[recipes.RECIPE_KEY])["model"] == IMAGE
