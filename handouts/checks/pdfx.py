"""A PDF/X-4 preflight of what a print shop's software will check, run on every print-shop PDF.

The conditions of ISO 15930-7 that can be read from the file: PDF 1.6 or lower with a file
identifier; an output intent (GTS_PDFX) naming its registered condition (FOGRA39 in the ICC
registry) with an embedded CMYK output ("prtr") profile; the PDF/X identification in the Info
dictionary and in XMP, with the XMP dates and IDs PDF/X-4 asks for; /Trapped; MediaBox >
BleedBox > TrimBox on every page; no device RGB without a default colour space; no annotation
on the printed area. And what this project promises on top: crop marks at every trim corner,
outside the bleed, at least 0.25 in long, in registration colour, with nothing painted over
them and nothing but marks beyond the bleed. Each problem names the page.
"""

from __future__ import annotations

import io
from typing import Any
from xml.etree import ElementTree

import pikepdf

from ..render import imposition, printshop
from .painted import Painted, page_ink

PDFX_VERSION = "PDF/X-4"
MAX_PDF_VERSION = "1.6"
#: Marks shorter than this are hard to line a guillotine up on.
MIN_MARK_PT = imposition.MARK_LENGTH_PT - 0.01
_NS = {"pdfxid": "http://www.npes.org/pdfx/ns/id/", "pdf": "http://ns.adobe.com/pdf/1.3/",
       "xmp": "http://ns.adobe.com/xap/1.0/", "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
       "pdfuaid": "http://www.aiim.org/pdfua/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
       "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}
#: XMP properties PDF/X-4 requires (xmp:CreateDate etc.), as prefix:name.
XMP_REQUIRED = ("pdfxid:GTS_PDFXVersion", "xmp:CreateDate", "xmp:ModifyDate",
                "xmp:MetadataDate", "xmpMM:DocumentID", "xmpMM:VersionID",
                "xmpMM:RenditionClass", "dc:title", "pdf:Trapped")


def _xmp_values(packet: bytes) -> dict[str, str]:
    """prefix:name -> text for every property, written as an element or an attribute."""
    values: dict[str, str] = {}
    prefixes = {uri: prefix for prefix, uri in _NS.items()}
    try:
        root = ElementTree.fromstring(packet.strip().split(b"?>", 1)[-1].rsplit(b"<?", 1)[0])
    except ElementTree.ParseError:
        return values
    for element in root.iter():
        for name, value in [(element.tag, "".join(element.itertext()).strip()),
                            *element.attrib.items()]:
            uri, _, local = name[1:].partition("}") if name.startswith("{") else ("", "", name)
            if uri in prefixes:
                values.setdefault(f"{prefixes[uri]}:{local}", value)
    return values


def _box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float] | None:
    if f"/{name}" not in page.obj:
        return None
    x0, y0, x1, y1 = (float(v) for v in page.obj[f"/{name}"])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _strictly_inside(inner, outer) -> bool:
    return (outer[0] < inner[0] and outer[1] < inner[1] and inner[2] < outer[2]
            and inner[3] < outer[3])


def _outside(item: Painted, box) -> bool:
    """Wholly outside the box (touching its edge counts as outside)."""
    return (item.x1 <= box[0] + 0.01 or item.x0 >= box[2] - 0.01 or item.y1 <= box[1] + 0.01
            or item.y0 >= box[3] - 0.01)


def document_problems(pdf: pikepdf.Pdf) -> list[str]:
    """The file-level conditions: version, ID, output intent, identification, XMP."""
    problems = []
    if pdf.pdf_version > MAX_PDF_VERSION:
        problems.append(f"PDF {pdf.pdf_version}: PDF/X-4 needs {MAX_PDF_VERSION} or lower")
    if "/ID" not in pdf.trailer:
        problems.append("no file identifier (/ID)")
    if pdf.is_encrypted:
        problems.append("encrypted")
    info: Any = pdf.docinfo
    if str(info.get("/GTS_PDFXVersion", "")) != PDFX_VERSION:
        problems.append(f"Info /GTS_PDFXVersion is {str(info.get('/GTS_PDFXVersion', ''))!r}, "
                        f"expected {PDFX_VERSION!r}")
    if str(info.get("/Trapped", "")) not in ("/True", "/False"):
        problems.append("Info /Trapped is not /True or /False")
    if not str(info.get("/Title", "")):
        problems.append("Info /Title is empty")
    problems += _output_intent_problems(pdf)
    metadata = pdf.Root.get("/Metadata")
    values = _xmp_values(metadata.read_bytes()) if metadata is not None else {}
    missing = [name for name in XMP_REQUIRED if not values.get(name)]
    if missing:
        problems.append(f"XMP metadata lacks {', '.join(missing)}")
    if values.get("pdfxid:GTS_PDFXVersion", PDFX_VERSION) != PDFX_VERSION:
        problems.append(f"XMP pdfxid:GTS_PDFXVersion is {values['pdfxid:GTS_PDFXVersion']!r}")
    trapped = str(info.get("/Trapped", "")).lstrip("/")
    if values.get("pdf:Trapped") and values["pdf:Trapped"] != trapped:
        problems.append(f"XMP pdf:Trapped {values['pdf:Trapped']} differs from Info {trapped}")
    if values.get("pdfuaid:part") != "1":
        problems.append("XMP lacks pdfuaid:part 1: the tagged PDF's PDF/UA-1 claim was lost")
    return problems


def _output_intent_problems(pdf: pikepdf.Pdf) -> list[str]:
    intents = [i for i in (pdf.Root.get("/OutputIntents") or []) if i.get("/S") == "/GTS_PDFX"]
    if len(intents) != 1:
        return [f"{len(intents)} PDF/X output intents (GTS_PDFX); PDF/X-4 needs exactly one"]
    intent, problems = intents[0], []
    identifier = str(intent.get("/OutputConditionIdentifier", ""))
    if identifier != printshop.OUTPUT_CONDITION:
        problems.append(f"output intent's OutputConditionIdentifier is {identifier!r}, "
                        f"expected the registered {printshop.OUTPUT_CONDITION!r}")
    if str(intent.get("/RegistryName", "")) != printshop.REGISTRY:
        problems.append(f"output intent's RegistryName is not {printshop.REGISTRY!r}")
    profile = intent.get("/DestOutputProfile")
    if profile is None:
        return problems + ["output intent has no DestOutputProfile (embedded ICC profile)"]
    header = profile.read_bytes()[:20]
    if int(profile.get("/N", 0)) != 4 or header[12:16] != b"prtr" or header[16:20] != b"CMYK":
        problems.append(f"output profile is {header[12:16]!r} {header[16:20]!r} with "
                        f"N={profile.get('/N')}; PDF/X-4 here needs a CMYK output (prtr) profile")
    return problems


def mark_problems(number: int, trim, bleed, items: list[Painted]) -> list[str]:
    """Crop marks at each trim corner, outside the bleed, long, in registration colour,
    uncovered; nothing else beyond the bleed."""
    problems = []
    marks = [i for i in items if i.registration and i.kind == "stroke" and _outside(i, bleed)]
    for x in (trim[0], trim[2]):
        for y in (trim[1], trim[3]):
            vertical = [m for m in marks if abs((m.x0 + m.x1) / 2 - x) < 0.5
                        and m.height >= MIN_MARK_PT and (m.y1 <= y or m.y0 >= y)]
            horizontal = [m for m in marks if abs((m.y0 + m.y1) / 2 - y) < 0.5
                          and m.width >= MIN_MARK_PT and (m.x1 <= x or m.x0 >= x)]
            if not (any(abs(m.y0 - y) < 40 or abs(m.y1 - y) < 40 for m in vertical)
                    and any(abs(m.x0 - x) < 40 or abs(m.x1 - x) < 40 for m in horizontal)):
                problems.append(f"page {number}: no crop marks at the trim corner "
                                f"({x:g}, {y:g}) outside the bleed, {MIN_MARK_PT:.0f} pt or "
                                "longer, in registration colour")
    stray = [i for i in items if not i.registration and not _inside_box(i, bleed)]
    if stray:
        first = stray[0]
        problems.append(f"page {number}: {len(stray)} item(s) painted beyond the bleed that are "
                        f"not registration marks, e.g. a {first.kind} at "
                        f"({first.x0:.1f}, {first.y0:.1f})-({first.x1:.1f}, {first.y1:.1f})")
    for mark in marks:
        over = [i for i in items if i.order > mark.order and not i.registration
                and i.overlaps(mark)]
        if over:
            problems.append(f"page {number}: a crop mark at ({mark.x0:.1f}, {mark.y0:.1f}) is "
                            f"covered by a {over[0].kind} painted after it")
            break
    return problems


def _inside_box(item: Painted, box, tolerance: float = 0.05) -> bool:
    return (item.x0 >= box[0] - tolerance and item.y0 >= box[1] - tolerance
            and item.x1 <= box[2] + tolerance and item.y1 <= box[3] + tolerance)


def page_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems = []
    for number, page in enumerate(pdf.pages, 1):
        media, bleed, trim = (_box(page, n) for n in ("MediaBox", "BleedBox", "TrimBox"))
        if media is None or bleed is None or trim is None:
            problems.append(f"page {number}: needs MediaBox, BleedBox and TrimBox")
            continue
        if not (_strictly_inside(trim, bleed) and _strictly_inside(bleed, media)):
            problems.append(f"page {number}: boxes are not nested MediaBox > BleedBox > TrimBox "
                            f"(media {media}, bleed {bleed}, trim {trim})")
        for annotation in page.obj.get("/Annots") or []:
            rect = [float(v) for v in annotation.get("/Rect", [0, 0, 0, 0])]
            if annotation.get("/Subtype") not in ("/TrapNet", "/PrinterMark") and not (
                    rect[2] <= bleed[0] or rect[0] >= bleed[2] or rect[3] <= bleed[1]
                    or rect[1] >= bleed[3]):
                problems.append(f"page {number}: a {annotation.get('/Subtype')} annotation "
                                "lies on the printed area")
        ink = page_ink(page)
        if ink.rgb_without_default:
            problems.append(f"page {number}: DeviceRGB used without a /DefaultRGB colour space "
                            "(PDF/X-4 allows device colour only as the output intent's)")
        problems += mark_problems(number, trim, bleed, ink.items)
    return problems


def pdfx_problems(data: bytes) -> list[str]:
    """Every PDF/X-4 and print-mark problem of one print-shop PDF."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [f"PDF/X-4: {p}" for p in document_problems(pdf) + page_problems(pdf)]
