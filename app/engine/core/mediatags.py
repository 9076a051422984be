"""Metadata inside image and video files: written without re-encoding, read without trusting.

Each format keeps its own convention, so other tools read what we write:
- PNG: iTXt chunks (Pillow's PngInfo builds them; they are spliced in before IEND, so the
  pixels and every other chunk stay byte for byte as downloaded).
- JPEG and WebP: EXIF through piexif (UserComment), and an XMP packet (an APP1 segment, a
  ``XMP `` RIFF chunk) for dc:description, xmp:CreatorTool, the IPTC source type and the recipe.
- MP4 and MOV: iTunes-style atoms through mutagen, the recipe in a freeform ``----`` atom.
- WebM: Matroska tags, written by a stream copy through PyAV (no re-encoding).

A file signed with C2PA content credentials is never touched: ``has_c2pa`` finds the manifest
store by structure (a ``caBX`` chunk, a JUMBF APP11 segment, a ``C2PA`` RIFF chunk, the C2PA
``uuid`` box), and writing into such a file would break its signature.

Reading walks the structure itself with a size limit, so a 50 MB chunk is named, not loaded.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from app.engine.core.i18n import translate

MAX_TEXT = 8 * 1024 * 1024  # no recipe or workflow is this big; a bigger chunk is junk or an attack
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")
XMP_JPEG_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_PNG_KEY = "XML:com.adobe.xmp"
MAX_JPEG_SEGMENT = 65533  # a segment's length field counts itself: 65535 - 2
MP4_FREEFORM_MEAN = "com.batch-studio"


class TagError(Exception):
    """Metadata that could not be written; the file is as it was. The message is a sentence."""


@dataclass
class Tags:
    """What a file says about itself, as found: nothing here is trusted yet."""
    kind: str  # png, jpeg, webp, mp4, webm, or "" when the format is not one we read
    texts: dict[str, str] = field(default_factory=dict)  # PNG text chunks, MP4/WebM tags, EXIF fields
    xmp: str | None = None
    notes: list[str] = field(default_factory=list)  # what was skipped, and why


def sniff(head: bytes) -> str:
    """The format by its first bytes (a file's suffix can lie)."""
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(b"\xff\xd8"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return ""


def kind_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return sniff(handle.read(16))


# --- structure walkers ------------------------------------------------------------------
def png_chunks(data: bytes):
    """(type, start of the chunk, length of its data); stops at a truncated chunk."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        if position + 12 + length > len(data):
            return
        yield kind, position, length
        position += 12 + length
        if kind == b"IEND":
            return


def jpeg_segments(data: bytes):
    """(marker, start of the segment, length of its payload) up to the image data."""
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        length = struct.unpack(">H", data[position + 2:position + 4])[0]
        yield marker, position, length - 2
        if marker == 0xDA:  # start of scan: the rest is image data
            return
        position += 2 + length


def riff_chunks(data: bytes):
    """(fourcc, start of the chunk, length of its data) of a WebP file."""
    position = 12
    while position + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[position:position + 8])
        if position + 8 + length > len(data):
            return
        yield kind, position, length
        position += 8 + length + (length & 1)


def mp4_boxes(handle, start: int, end: int):
    """(type, start of the box, size of its header, size of the box) at one level of a file."""
    position = start
    while position + 8 <= end:
        handle.seek(position)
        header = handle.read(16)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header[:8])
        head = 8
        if size == 1 and len(header) >= 16:
            size, head = struct.unpack(">Q", header[8:16])[0], 16
        elif size == 0:
            size = end - position
        if size < head:
            return
        yield kind, position, head, size
        position += size


# --- C2PA -------------------------------------------------------------------------------
def has_c2pa(path: Path) -> bool:
    """Whether the file carries a C2PA manifest store, found by the places the C2PA
    specification puts one in each format (JUMBF boxes labelled ``c2pa``)."""
    kind = kind_of(path)
    if kind == "mp4":
        with open(path, "rb") as handle:
            end = os.fstat(handle.fileno()).st_size
            for box, start, head, _size in mp4_boxes(handle, 0, end):
                if box == b"uuid":
                    handle.seek(start + head)
                    if handle.read(16) == C2PA_UUID:
                        return True
        return False
    if kind not in ("png", "jpeg", "webp"):
        return False
    data = path.read_bytes()
    if _remote_manifest(data, kind):
        return True
    if kind == "png":
        return any(chunk == b"caBX" for chunk, _, _ in png_chunks(data))
    if kind == "webp":
        return any(chunk == b"C2PA" for chunk, _, _ in riff_chunks(data))
    for marker, start, length in jpeg_segments(data):
        # APP11 carries JUMBF: "JP", a box instance, then a jumb superbox whose label is c2pa.
        if marker == 0xEB and b"jumb" in data[start + 4:start + 4 + length] \
                and b"c2pa" in data[start + 4:start + 4 + length]:
            return True
    return False


def _remote_manifest(data: bytes, kind: str) -> bool:
    """A manifest kept online, named in the file's XMP (``dcterms:provenance``): its signature
    covers these bytes all the same."""
    tags = Tags(kind)
    {"png": _read_png, "jpeg": _read_jpeg, "webp": _read_webp}[kind](data, tags, "")
    return bool(tags.xmp) and "dcterms:provenance" in tags.xmp


# --- XMP --------------------------------------------------------------------------------
NS = {"x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
      "dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
      "bstudio": "https://batch-studio.app/ns/recipe/1.0/"}
SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


@dataclass
class XmpFields:
    description: str | None = None
    creator_tool: str | None = None
    recipe: str | None = None
    rating: int | None = None
    source_type: str | None = None


def xmp_packet(fields: XmpFields) -> str:
    parts = []
    if fields.description:
        parts.append(f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(fields.description)}'
                     "</rdf:li></rdf:Alt></dc:description>")
    if fields.creator_tool:
        parts.append(f"<xmp:CreatorTool>{escape(fields.creator_tool)}</xmp:CreatorTool>")
    if fields.rating is not None:
        parts.append(f"<xmp:Rating>{int(fields.rating)}</xmp:Rating>")
    if fields.source_type:
        parts.append(f"<Iptc4xmpExt:DigitalSourceType>{escape(fields.source_type)}</Iptc4xmpExt:DigitalSourceType>")
    if fields.recipe:
        parts.append(f"<bstudio:recipe>{escape(fields.recipe)}</bstudio:recipe>")
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items() if prefix not in ("x", "rdf"))
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
            f'<x:xmpmeta xmlns:x="{NS["x"]}"><rdf:RDF xmlns:rdf="{NS["rdf"]}">'
            f'<rdf:Description rdf:about="" {namespaces}>{"".join(parts)}</rdf:Description>'
            '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def parse_xmp(text: str) -> XmpFields:
    """The fields we know from any XMP packet (ours or a photo tool's); unreadable XML gives
    empty fields, never an exception. Values may be elements or attributes."""
    fields = XmpFields()
    start, end = text.find("<x:xmpmeta"), text.rfind("</x:xmpmeta>")
    if start < 0 or end < 0:
        start, end = text.find("<rdf:RDF"), text.rfind("</rdf:RDF>") + len("</rdf:RDF>") - len("</x:xmpmeta>")
        if start < 0:
            return fields
    try:
        root = ElementTree.fromstring(text[start:end + len("</x:xmpmeta>")])
    except ElementTree.ParseError:
        return fields
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        attributes = description.attrib
        tool = attributes.get(f"{{{NS['xmp']}}}CreatorTool") or _text(description, "xmp", "CreatorTool")
        fields.creator_tool = fields.creator_tool or tool
        rating = attributes.get(f"{{{NS['xmp']}}}Rating") or _text(description, "xmp", "Rating")
        if rating is not None and fields.rating is None:
            try:
                fields.rating = int(float(rating))
            except ValueError:
                pass
        fields.recipe = fields.recipe or attributes.get(f"{{{NS['bstudio']}}}recipe") \
            or _text(description, "bstudio", "recipe")
        fields.source_type = fields.source_type or _text(description, "Iptc4xmpExt", "DigitalSourceType")
        node = description.find(f"dc:description", NS)
        if node is not None and fields.description is None:
            item = node.find(".//rdf:li", NS)
            fields.description = (item.text if item is not None else node.text) or None
    return fields


def _text(parent, prefix: str, name: str) -> str | None:
    node = parent.find(f"{prefix}:{name}", NS)
    return node.text if node is not None else None


# --- writing ----------------------------------------------------------------------------
@dataclass
class Embedding:
    """What to put into a file: ``texts`` go where a format keeps named text (PNG chunks,
    MP4 freeform atoms, Matroska tags); ``comment`` is the A1111 text; ``xmp`` the fields."""
    texts: dict[str, str] = field(default_factory=dict)
    comment: str | None = None
    xmp: XmpFields | None = None


def embed(path: Path, what: Embedding) -> None:
    """Writes ``what`` into the file at ``path`` through a copy that replaces it whole. Raises
    TagError (the file untouched) when the format is not one we write or the write fails."""
    kind = kind_of(path)
    writer = {"png": _png_bytes, "jpeg": _jpeg_bytes, "webp": _webp_bytes}.get(kind)
    try:
        if writer is not None:
            _replace(path, writer(path.read_bytes(), what))
        elif kind == "mp4":
            _edit_copy(path, lambda copy: _mp4_write(copy, what))
        elif kind == "webm":
            _edit_copy(path, lambda copy: _webm_write(path, copy, what), copy_first=False)
        else:
            raise TagError(translate("Recipes", "{file} is not a PNG, JPEG, WebP, MP4 or WebM file, so nothing can be "
                                                "written inside it").format(file=path.name))
    except TagError:
        raise
    except Exception as exc:  # a library's error on a file it cannot parse: the file stays as it was
        raise TagError(translate("Recipes", "{file} could not take its metadata ({reason})").format(
            file=path.name, reason=f"{type(exc).__name__}: {exc}")) from exc


def _replace(path: Path, data: bytes) -> None:
    from app.engine.core.fileio import atomic_write_bytes

    atomic_write_bytes(path, data)


def _edit_copy(path: Path, edit, copy_first: bool = True) -> None:
    """Edits a copy beside the file, then swaps it in: a crash mid-write never leaves half a video."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        if copy_first:
            shutil.copyfile(path, temp)
        edit(Path(temp))
        os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png_bytes(data: bytes, what: Embedding) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    texts = dict(what.texts)
    if what.xmp is not None:
        texts[XMP_PNG_KEY] = xmp_packet(what.xmp)
    for key, value in texts.items():
        # Compressed when long (a recipe); the short A1111 text stays readable to simple tools.
        info.add_itxt(key, value, zip=len(value) > 1024 and key != XMP_PNG_KEY)
    new_chunks = b"".join(_png_chunk(kind, body) for kind, body, *_ in info.chunks)
    keys = {key.encode("latin-1") for key in texts}
    kept, end = [data[:len(PNG_SIGNATURE)]], None
    for kind, start, length in png_chunks(data):
        if kind == b"IEND":
            end = start
            break
        # A chunk we write again is replaced, so writing twice leaves one copy.
        if kind in (b"tEXt", b"iTXt", b"zTXt") and data[start + 8:start + 8 + length].split(b"\x00", 1)[0] in keys:
            continue
        kept.append(data[start:start + 12 + length])
    if end is None:
        raise TagError(translate("Recipes", "the PNG file has no end chunk; it may be cut short"))
    return b"".join(kept) + new_chunks + data[end:]


def _exif_bytes(existing: bytes | None, what: Embedding) -> bytes:
    import piexif
    import piexif.helper

    exif = {"0th": {}, "Exif": {}, "GPS": {}, "1st": {}, "thumbnail": None}
    if existing:
        try:
            exif = piexif.load(existing)
        except Exception:
            pass  # unreadable EXIF is replaced rather than carried on broken
    if what.comment is not None:
        exif.setdefault("Exif", {})[piexif.ExifIFD.UserComment] = piexif.helper.UserComment.dump(
            what.comment, encoding="unicode")
    if what.xmp is not None and what.xmp.creator_tool:
        exif.setdefault("0th", {})[piexif.ImageIFD.Software] = what.xmp.creator_tool.encode("ascii", "replace")
    return piexif.dump(exif)


def _jpeg_bytes(data: bytes, what: Embedding) -> bytes:
    import piexif

    existing = None
    for marker, start, length in jpeg_segments(data):
        if marker == 0xE1 and data[start + 4:start + 10] == b"Exif\x00\x00":
            existing = data[start + 4:start + 4 + length]
    if what.comment is not None or what.xmp is not None:
        out = io.BytesIO()
        piexif.insert(_exif_bytes(existing, what), data, out)
        data = out.getvalue()
    if what.xmp is None:
        return data
    packet = XMP_JPEG_HEADER + xmp_packet(what.xmp).encode("utf-8")
    if len(packet) > MAX_JPEG_SEGMENT:
        raise TagError(translate("Recipes", "the recipe is too long for a JPEG's XMP segment"))
    segment = b"\xff\xe1" + struct.pack(">H", len(packet) + 2) + packet
    # An XMP packet already there goes: ours replaces it, so writing twice leaves one copy.
    old = [(start, start + 4 + length) for marker, start, length in jpeg_segments(data)
           if marker == 0xE1 and data[start + 4:start + 4 + len(XMP_JPEG_HEADER)] == XMP_JPEG_HEADER]
    for start, end in reversed(old):
        data = data[:start] + data[end:]
    insert_at = 2
    for marker, start, length in jpeg_segments(data):
        if marker not in (0xE0, 0xE1):
            break
        insert_at = start + 4 + length  # after JFIF and EXIF, where readers look for XMP
    return data[:insert_at] + segment + data[insert_at:]


def _webp_bytes(data: bytes, what: Embedding) -> bytes:
    import piexif

    existing = None
    for kind, start, length in riff_chunks(data):
        if kind == b"EXIF":
            existing = b"Exif\x00\x00" + data[start + 8:start + 8 + length]
    if what.comment is not None or what.xmp is not None:
        out = io.BytesIO()
        # piexif adds the extended header (VP8X) a simple WebP needs before it may carry metadata.
        piexif.insert(_exif_bytes(existing, what), data, out)
        data = out.getvalue()
    if what.xmp is None:
        return data
    payload = xmp_packet(what.xmp).encode("utf-8")
    chunks = [data[start:start + 8 + length + (length & 1)] for kind, start, length in riff_chunks(data)
              if kind != b"XMP "]
    if not chunks or chunks[0][:4] != b"VP8X":
        raise TagError(translate("Recipes", "the WebP file has no extended header to mark its XMP in"))
    header = bytearray(chunks[0])
    header[8] |= 0x04  # the XMP flag
    chunks[0] = bytes(header)
    chunks.append(b"XMP " + struct.pack("<I", len(payload)) + payload + (b"\x00" if len(payload) & 1 else b""))
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def mp4_freeform_key(name: str) -> str:
    return f"----:{MP4_FREEFORM_MEAN}:{name}"


def _mp4_write(path: Path, what: Embedding) -> None:
    from mutagen.mp4 import MP4, AtomDataType, MP4FreeForm

    video = MP4(path)
    if video.tags is None:
        video.add_tags()
    tags = video.tags
    if what.comment is not None:
        tags["\xa9cmt"] = [what.comment]
    if what.xmp is not None:
        if what.xmp.creator_tool:
            tags["\xa9too"] = [what.xmp.creator_tool]
        if what.xmp.description:
            tags["desc"] = [what.xmp.description]
    for key, value in what.texts.items():
        tags[mp4_freeform_key(key)] = [MP4FreeForm(value.encode("utf-8"), dataformat=AtomDataType.UTF8)]
    video.save()


def _webm_write(source: Path, target: Path, what: Embedding) -> None:
    """A stream copy with the tags set: the packets pass through as they are."""
    import av

    with av.open(str(source)) as src, av.open(str(target), "w", format="webm") as out:
        out.metadata.update({k: v for k, v in src.metadata.items()})
        for key, value in what.texts.items():
            out.metadata[key] = value
        if what.comment is not None:
            out.metadata["COMMENT"] = what.comment
        if what.xmp is not None and what.xmp.creator_tool:
            out.metadata["ENCODER_TOOL"] = what.xmp.creator_tool
        mapping = {}
        for stream in src.streams:
            if stream.type in ("video", "audio"):
                mapping[stream.index] = out.add_stream_from_template(stream)
        for packet in src.demux(*[s for s in src.streams if s.index in mapping]):
            if packet.dts is None:
                continue
            packet.stream = mapping[packet.stream.index]
            out.mux(packet)


def write_xmp_sidecar(path: Path, fields: XmpFields) -> Path:
    """NAME.xmp beside a file that must not change, as photo tools look for it."""
    from app.engine.core.fileio import atomic_write_text

    sidecar = path.with_suffix(".xmp")
    atomic_write_text(sidecar, xmp_packet(fields))
    return sidecar


# --- reading ----------------------------------------------------------------------------
def read_tags(path: Path) -> Tags:
    """The text a file carries, by format; never raises for a file's content (an unreadable
    part becomes a note), only OSError when the file cannot be read at all."""
    kind = kind_of(path)
    tags = Tags(kind)
    if kind in ("png", "jpeg", "webp"):
        if path.stat().st_size > 512 * 1024 * 1024:
            tags.notes.append(translate("Recipes", "{file} is larger than 512 MB; its metadata was not read").format(
                file=path.name))
            return tags
        data = path.read_bytes()
        {"png": _read_png, "jpeg": _read_jpeg, "webp": _read_webp}[kind](data, tags, path.name)
    elif kind == "mp4":
        _read_mp4(path, tags)
    elif kind == "webm":
        _read_webm(path, tags)
    return tags


def _too_big(tags: Tags, name: str, what: str, length: int) -> bool:
    if length <= MAX_TEXT:
        return False
    tags.notes.append(translate("Recipes", "{file} has a {what} of {size} MB, more than any recipe needs; it was "
                                           "skipped").format(file=name, what=what, size=round(length / 1048576)))
    return True


def _inflate(data: bytes, tags: Tags, name: str) -> str | None:
    # Bounded: a small compressed chunk must not expand into gigabytes.
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_TEXT + 1)
    except zlib.error:
        tags.notes.append(translate("Recipes", "{file} has a compressed text chunk that does not decompress").format(
            file=name))
        return None
    if len(text) > MAX_TEXT or inflater.unconsumed_tail:
        _too_big(tags, name, translate("Recipes", "compressed text chunk"), MAX_TEXT + 1)
        return None
    return text.decode("utf-8", "replace")


def _read_png(data: bytes, tags: Tags, name: str) -> None:
    for kind, start, length in png_chunks(data):
        if kind not in (b"tEXt", b"zTXt", b"iTXt"):
            continue
        if _too_big(tags, name, translate("Recipes", "text chunk"), length):
            continue
        body = data[start + 8:start + 8 + length]
        key, _, rest = body.partition(b"\x00")
        key_text = key.decode("latin-1", "replace")
        value: str | None
        if kind == b"tEXt":
            value = rest.decode("latin-1", "replace")
        elif kind == b"zTXt":
            value = _inflate(rest[1:], tags, name)
        else:
            if len(rest) < 2:
                continue
            compressed, rest = rest[0], rest[2:]
            _language, _, rest = rest.partition(b"\x00")
            _translated, _, text = rest.partition(b"\x00")
            value = _inflate(text, tags, name) if compressed else text.decode("utf-8", "replace")
        if value is None:
            continue
        if key_text == XMP_PNG_KEY:
            tags.xmp = value
        else:
            tags.texts[key_text] = value


def _read_exif(exif: bytes, tags: Tags) -> None:
    import piexif
    import piexif.helper

    try:
        loaded = piexif.load(exif)
    except Exception:
        tags.notes.append(translate("Recipes", "the EXIF block could not be read"))
        return
    comment = loaded.get("Exif", {}).get(piexif.ExifIFD.UserComment)
    if comment:
        try:
            tags.texts["UserComment"] = piexif.helper.UserComment.load(comment)
        except Exception:
            tags.texts["UserComment"] = comment[8:].decode("utf-8", "replace")
    zeroth = loaded.get("0th", {})
    # ComfyUI's WebP and JPEG outputs keep their workflow in Make ("workflow:…") and
    # Model ("prompt:…") or ImageDescription.
    for tag, label in ((piexif.ImageIFD.Make, "Make"), (piexif.ImageIFD.Model, "Model"),
                       (piexif.ImageIFD.ImageDescription, "ImageDescription"),
                       (piexif.ImageIFD.Software, "Software")):
        value = zeroth.get(tag)
        if isinstance(value, bytes):
            tags.texts[label] = value.decode("utf-8", "replace").rstrip("\x00")


def _read_jpeg(data: bytes, tags: Tags, name: str) -> None:
    for marker, start, length in jpeg_segments(data):
        body = data[start + 4:start + 4 + length]
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            _read_exif(body, tags)
        elif marker == 0xE1 and body.startswith(XMP_JPEG_HEADER):
            tags.xmp = body[len(XMP_JPEG_HEADER):].decode("utf-8", "replace")
        elif marker == 0xFE:  # a JPEG comment: some tools keep their parameters here
            tags.texts.setdefault("comment", body.decode("utf-8", "replace"))


def _read_webp(data: bytes, tags: Tags, name: str) -> None:
    for kind, start, length in riff_chunks(data):
        if kind not in (b"EXIF", b"XMP "):
            continue
        if _too_big(tags, name, translate("Recipes", "metadata chunk"), length):
            continue
        body = data[start + 8:start + 8 + length]
        if kind == b"EXIF":
            _read_exif(body if body.startswith(b"Exif") else b"Exif\x00\x00" + body, tags)
        else:
            tags.xmp = body.decode("utf-8", "replace")


def _read_mp4(path: Path, tags: Tags) -> None:
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    try:
        video = MP4(path)
    except (MutagenError, struct.error, ValueError) as exc:
        tags.notes.append(translate("Recipes", "{file}: its MP4 tags could not be read ({reason})").format(
            file=path.name, reason=exc))
        return
    for key, values in (video.tags or {}).items():
        value = values[0] if isinstance(values, list) and values else values
        if isinstance(value, bytes):
            if _too_big(tags, path.name, translate("Recipes", "tag"), len(value)):
                continue
            value = value.decode("utf-8", "replace")
        if isinstance(value, str):
            name = key.split(":", 2)[2] if key.startswith("----:") else key
            tags.texts[name] = value


def _read_webm(path: Path, tags: Tags) -> None:
    import av

    try:
        with av.open(str(path)) as container:
            for key, value in container.metadata.items():
                if not _too_big(tags, path.name, translate("Recipes", "tag"), len(value)):
                    tags.texts[key] = value
    except (av.FFmpegError, OSError, ValueError) as exc:
        tags.notes.append(translate("Recipes", "{file}: its tags could not be read ({reason})").format(
            file=path.name, reason=exc))
