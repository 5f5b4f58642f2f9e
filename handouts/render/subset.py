"""Smaller CJK PDFs: embedded CFF fonts without the empty glyph slots WeasyPrint keeps.

WeasyPrint 70 subsets with HarfBuzz keeping every glyph ID (HB_SUBSET_FLAGS_RETAIN_GIDS, no
option turns it off), because its page content addresses glyphs by their IDs in the original
font. Noto Sans CJK has 65,535 glyphs and a Chinese page uses some near the end, so each
subset keeps ~63,000 slots, and the CFF CharStrings INDEX pays an offset per slot that deflate
cannot shrink: about 270 KB of a 350 KB flyer.

This pass renumbers the glyphs. Each such font is subset again without retained IDs
(HarfBuzz, a few milliseconds) and its glyphs renamed so that its CID-keyed charset is the
identity: CID and glyph index agree, however a reader looks glyphs up. Its bounding boxes stay
the old ones (renderers size glyph caches from them), so pages render to the same pixels. The
character codes the pages show with that font (two bytes each, Identity-H: the glyph IDs) are
renumbered in every content stream, following Tf through q/Q, and so are the keys of its
/W widths and its ToUnicode CMap: every reader, pypdf included, sees an ordinary Identity-H
font. A font or a stream this pass cannot renumber exactly leaves the whole PDF as it was.
"""

from __future__ import annotations

import ctypes.util
import functools
import io
import re

import pikepdf
from cffi import FFI
from fontTools.ttLib import TTFont

#: Only fonts with this many more glyph slots than glyphs used are worth rewriting.
MIN_EMPTY_SLOTS = 1000
#: HarfBuzz subset flags: no hinting, desubroutinized (as WeasyPrint subsets), the .notdef
#: outline kept, and no layout closure (where HarfBuzz supports the flag).
_FLAGS = 0x1 | 0x4 | 0x40 | 0x200
_CDEF = """
typedef struct hb_blob_t hb_blob_t; typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t; typedef struct hb_subset_input_t hb_subset_input_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data,
                          void *destroy);
void hb_blob_destroy(hb_blob_t *blob);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
void hb_set_add(hb_set_t *set, uint32_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_CID_NAME = re.compile(r"cid(\d+)")


@functools.cache
def _harfbuzz():
    """(ffi, libharfbuzz, libharfbuzz-subset), or None where HarfBuzz cannot be loaded."""
    names = ctypes.util.find_library("harfbuzz"), ctypes.util.find_library("harfbuzz-subset")
    if not all(names):
        return None
    ffi = FFI()
    ffi.cdef(_CDEF)
    try:
        return ffi, ffi.dlopen(names[0]), ffi.dlopen(names[1])
    except OSError:
        return None


def _hb_subset(data: bytes, glyphs: list[int]) -> bytes | None:
    """The font with only these glyph IDs, renumbered in order; None if HarfBuzz fails."""
    loaded = _harfbuzz()
    if loaded is None:
        return None
    ffi, hb, hb_subset = loaded
    blob = hb.hb_blob_create(data, len(data), 1, ffi.NULL, ffi.NULL)  # 1: read-only
    face = hb.hb_face_create(blob, 0)
    plan = hb_subset.hb_subset_input_create_or_fail()
    try:
        glyph_set = hb_subset.hb_subset_input_glyph_set(plan)
        for glyph in glyphs:
            hb.hb_set_add(glyph_set, glyph)
        hb_subset.hb_subset_input_set_flags(plan, _FLAGS)
        subset = hb_subset.hb_subset_or_fail(face, plan)
        if subset == ffi.NULL:
            return None
        out = hb.hb_face_reference_blob(subset)
        length = ffi.new("unsigned int *")
        result = bytes(ffi.buffer(hb.hb_blob_get_data(out, length), length[0]))
        hb.hb_blob_destroy(out)
        hb.hb_face_destroy(subset)
        return result
    finally:
        hb_subset.hb_subset_input_destroy(plan)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _cid(glyph_name: str) -> int:
    """The CID a CID-keyed CFF glyph name stands for (fontTools names them cid01234)."""
    if glyph_name == ".notdef":
        return 0
    match = _CID_NAME.fullmatch(glyph_name)
    return int(match.group(1)) if match else -1


def compact_cff(data: bytes, used: list[int]) -> tuple[bytes, dict[int, int]] | None:
    """The OpenType CFF font `data` with only the glyphs `used` (glyph IDs), renumbered, its
    charset the identity; and old glyph ID -> new glyph ID (= CID).

    None unless every step can be checked: the old font must be CID-keyed with CID = glyph ID
    for the glyphs used (Noto Sans CJK is), and the new font must hold each of them (HarfBuzz
    may add a few, such as variation-sequence forms: they get CIDs no character code reaches).
    """
    old = TTFont(io.BytesIO(data), lazy=True)
    if "CFF " not in old or not hasattr(old["CFF "].cff.topDictIndex[0], "ROS"):
        return None
    old_cids = [_cid(name) for name in old["CFF "].cff.topDictIndex[0].charset]
    glyphs = sorted({0, *used})
    if glyphs[-1] >= len(old_cids) or any(old_cids[g] != g for g in glyphs):
        return None
    subset = _hb_subset(data, glyphs)
    if subset is None:
        return None
    # HarfBuzz keeps the old bounding boxes; recomputing them from the glyphs kept would
    # move pixels (poppler sizes its glyph cache from them and draws larger glyphs uncached).
    font = TTFont(io.BytesIO(subset), recalcBBoxes=False)
    top = font["CFF "].cff.topDictIndex[0]
    new_cids = [_cid(name) for name in top.charset]
    position = {cid: index for index, cid in enumerate(new_cids)}
    if not hasattr(top, "ROS") or any(glyph not in position for glyph in glyphs):
        return None
    names = [".notdef"] + [f"cid{cid:05d}" for cid in range(1, len(new_cids))]
    _rename_glyphs(font, names)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue(), {glyph: position[glyph] for glyph in glyphs}


def _rename_glyphs(font: TTFont, names: list[str]) -> None:
    """Give the glyphs new names in every table that keys by name (CFF: the charset)."""
    rename = dict(zip(font.getGlyphOrder(), names, strict=True))
    tables = {tag: font[tag] for tag in font.keys() if tag != "GlyphOrder"}  # decompiled
    top = tables["CFF "].cff.topDictIndex[0]
    char_strings = top.CharStrings  # read before the charset changes: built from it
    char_strings.charStrings = {rename[name]: index for name, index
                                in char_strings.charStrings.items()}
    top.charset = list(names)
    top.CIDCount = len(names)
    for tag in ("hmtx", "vmtx"):
        if tag in tables:
            tables[tag].metrics = {rename[n]: m for n, m in tables[tag].metrics.items()}
    if "VORG" in tables:
        tables["VORG"].VOriginRecords = {rename[n]: y for n, y
                                         in tables["VORG"].VOriginRecords.items()}
    if "cmap" in tables:
        for table in tables["cmap"].tables:
            if table.format == 14:
                table.uvsDict = {vs: [(uv, rename.get(n, n) if n else n) for uv, n in items]
                                 for vs, items in table.uvsDict.items()}
            else:
                table.cmap = {code: rename[n] for code, n in table.cmap.items()}
    font.setGlyphOrder(list(names))


def _widths(w_array) -> dict[int, object]:
    """The /W array ([first [w1 w2 ...]] or [first last w]) as CID -> width."""
    widths: dict[int, object] = {}
    items, index = list(w_array), 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], pikepdf.Array):
            widths.update((first + i, w) for i, w in enumerate(items[index + 1]))
            index += 2
        else:
            widths.update((cid, items[index + 2])
                          for cid in range(first, int(items[index + 1]) + 1))
            index += 3
    return widths


def _w_array(widths: dict[int, object]) -> pikepdf.Array:
    runs: list = []
    for cid in sorted(widths):
        if not runs or runs[-2] + len(runs[-1]) != cid:
            runs += [cid, []]
        runs[-1].append(widths[cid])
    return pikepdf.Array([item if isinstance(item, int) else pikepdf.Array(item)
                          for item in runs])


_BFCHAR = re.compile(rb"(beginbfchar)(.*?)(endbfchar)", re.S)
_BFCHAR_LINE = re.compile(rb"<([0-9A-Fa-f]{4})>(\s*<[0-9A-Fa-f]*>)")


def _to_unicode(data: bytes, mapping: dict[int, int]) -> bytes | None:
    """The ToUnicode CMap with its character codes renumbered; None if it holds anything but
    two-byte bfchar entries of codes in the mapping (WeasyPrint writes only those)."""
    if b"bfrange" in data:
        return None
    unknown = []

    def renumber(line: re.Match) -> bytes:
        code = int(line.group(1), 16)
        if code not in mapping:
            unknown.append(code)
            return line.group(0)
        return b"<%04x>" % mapping[code] + line.group(2)

    result = _BFCHAR.sub(lambda block: block.group(1) + _BFCHAR_LINE.sub(
        renumber, block.group(2)) + block.group(3), data)
    return None if unknown else result


class _Unmapped(Exception):
    """A glyph drawn that the renumbering does not know: leave the PDF as it was."""


def _renumbered(string: bytes, mapping: dict[int, int]) -> pikepdf.String:
    codes = [int.from_bytes(string[i:i + 2], "big") for i in range(0, len(string), 2)]
    if len(string) % 2 or any(code not in mapping for code in codes):
        raise _Unmapped
    return pikepdf.String(b"".join(mapping[code].to_bytes(2, "big") for code in codes))


def _rewrite_text(pdf: pikepdf.Pdf, holder,
                  mappings: dict[tuple[int, int], dict[int, int]]) -> None:
    """Renumber the glyph codes shown in one content stream (a page or a form), following the
    font selected by Tf through q/Q, for the fonts in `mappings` (by font dictionary)."""
    resources = holder.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    stack: list[dict[int, int] | None] = []
    current: dict[int, int] | None = None
    rewritten: list = []
    changed = False
    for instruction in pikepdf.parse_content_stream(holder):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            rewritten.append(instruction)
            continue
        operands, name = list(instruction.operands), str(instruction.operator)
        if name == "q":
            stack.append(current)
        elif name == "Q":
            current = stack.pop() if stack else None
        elif name == "Tf":
            font = fonts.get(str(operands[0]))
            current = mappings.get(font.objgen) if font is not None else None
        elif current is not None and name in ("Tj", "'", '"', "TJ"):
            changed = True
            if name == "TJ":
                operands[0] = pikepdf.Array(
                    [_renumbered(bytes(item), current) if isinstance(item, pikepdf.String)
                     else item for item in operands[0]])
            else:
                operands[-1] = _renumbered(bytes(operands[-1]), current)
        rewritten.append((operands, instruction.operator))
    if changed:
        data = pikepdf.unparse_content_stream(rewritten)
        if isinstance(holder, pikepdf.Page):
            holder.obj.Contents = pdf.make_stream(data)
        else:
            holder.write(data)


def _content_holders(pdf: pikepdf.Pdf):
    """Every page and every form XObject or tiling pattern: whatever has content to draw."""
    yield from pdf.pages
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and (obj.get("/Subtype") == "/Form"
                                               or obj.get("/PatternType") == 1):
            yield obj


def _compactable(font) -> bool:
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return False
    descendant = font.DescendantFonts[0]
    descriptor = descendant.get("/FontDescriptor")
    return (descendant.get("/Subtype") == "/CIDFontType0" and descriptor is not None
            and "/CIDSet" not in descriptor and "/FontFile3" in descriptor
            and descriptor.FontFile3.get("/Subtype") == "/OpenType" and "/W" in descendant)


def compact_fonts(data: bytes) -> bytes:
    """The PDF with its large CID-keyed CFF fonts renumbered (see the module docstring);
    the same bytes when no font needs it or anything cannot be renumbered exactly."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                 and obj.get("/Type") == "/Font" and _compactable(obj)]
        by_file: dict[tuple[int, int], list] = {}
        for font in fonts:
            stream = font.DescendantFonts[0].FontDescriptor.FontFile3
            by_file.setdefault(stream.objgen, []).append(font)
        mappings: dict[tuple[int, int], dict[int, int]] = {}
        for sharing in by_file.values():
            mappings.update(_compact_one(pdf, sharing))
        if not mappings:
            return data
        try:
            for holder in _content_holders(pdf):
                _rewrite_text(pdf, holder, mappings)
        except _Unmapped:
            return data
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True)
        return out.getvalue()


def _compact_one(pdf: pikepdf.Pdf, sharing: list) -> dict[tuple[int, int], dict[int, int]]:
    """Rewrite one embedded font program and every font dictionary that uses it: font
    dictionary -> old code -> new code (empty when the font is left as it was)."""
    descendants = [font.DescendantFonts[0] for font in sharing]
    stream = descendants[0].FontDescriptor.FontFile3
    widths = [_widths(d.W) for d in descendants]
    used = sorted(set().union(*widths))
    font_data = stream.read_bytes()
    if TTFont(io.BytesIO(font_data), lazy=True)["maxp"].numGlyphs - len(used) < MIN_EMPTY_SLOTS:
        return {}
    compacted = compact_cff(font_data, used)
    if compacted is None:
        return {}
    cff, mapping = compacted
    to_unicode = [_to_unicode(font.ToUnicode.read_bytes(), mapping) if "/ToUnicode" in font
                  else b"" for font in sharing]
    if any(cmap is None for cmap in to_unicode) or \
            len({font.ToUnicode.objgen for font in sharing if "/ToUnicode" in font}) \
            < sum("/ToUnicode" in font for font in sharing):
        return {}  # a CMap it cannot renumber, or one shared by two fonts
    new_stream = pikepdf.Stream(pdf, cff)
    new_stream.Subtype = pikepdf.Name.OpenType
    for font, descendant, font_widths, cmap in zip(sharing, descendants, widths, to_unicode,
                                                  strict=True):
        descendant.FontDescriptor.FontFile3 = new_stream
        descendant.W = _w_array({mapping[cid]: w for cid, w in font_widths.items()})
        if cmap:
            font.ToUnicode.write(cmap)
    return {font.objgen: mapping for font in sharing}
