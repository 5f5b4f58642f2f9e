"""The machine-checkable conditions of PDF/UA-1 (the Matterhorn protocol's), run on every PDF.

WeasyPrint's `pdf/ua-1` variant claims PDF/UA; this checks what a screen reader relies on:
the structure tree (standard or role-mapped types, headings, lists, figures), that every
painted item is tagged or an artifact, and the document-level entries (/Lang, DisplayDocTitle,
the XMP pdfuaid:part, ToUnicode maps). Each problem names its condition first ("PDF/UA
headings: ..."), then where: the page and the element's path in the structure tree.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from .structure import EXAMPLES, Tree, heading_problems, list_problems, name, structure_tree

#: Every condition this module checks, in the order it reports them.
CONDITIONS = ("structure types", "untagged content", "figure alt", "figure bbox", "lang",
              "display doc title", "pdfuaid", "tounicode", "headings", "lists")
#: Operators that put marks on the page (text, paths, shadings, images, forms).
PAINTING = frozenset(["Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*",
                      "sh", "Do"])
#: Alternative text that only repeats an address says nothing about the image.
_BARE_ADDRESS = re.compile(r"^\s*(\w+://)?[\w.-]+\.[a-z]{2,}(/\S*)?\s*$", re.IGNORECASE)
_UA_PART = re.compile(rb"pdfuaid:part(?:>|\s*=\s*[\"'])\s*(\d+)")
_TOLERANCE_PT = 0.5


def _limited(condition: str, items: list[str]) -> list[str]:
    """Problems of one condition, at most EXAMPLES of them, and how many more there were."""
    shown = [f"PDF/UA {condition}: {item}" for item in items[:EXAMPLES]]
    if len(items) > EXAMPLES:
        shown.append(f"PDF/UA {condition}: and {len(items) - EXAMPLES} more like these")
    return shown


def _properties(page: pikepdf.Page, operand: Any) -> Any:
    """A BDC's property list: inline, or named in the page's /Properties resources."""
    if isinstance(operand, pikepdf.Dictionary):
        return operand
    resources: Any = page.obj.get("/Resources") or {}
    named: Any = resources.get("/Properties") or {}
    return named.get(str(operand)) if isinstance(operand, pikepdf.Name) else None


@dataclass
class Marks:
    """What one pass over the page content streams found."""
    problems: list[str] = field(default_factory=list)
    #: The extent [x0, y0, x1, y1] of the path points drawn in each Figure's marked content,
    #: by (page number, MCID): what its BBox must enclose.
    extents: dict[tuple[int, int], list[float]] = field(default_factory=dict)


def _grow(extents: dict, key: tuple[int, int], ctm: pikepdf.Matrix, operator: str,
          operands) -> None:
    """Widen a figure's extent by a path operator's points, in page space."""
    values = [float(v) for v in operands]
    points = list(zip(values[::2], values[1::2], strict=False))
    if operator == "re":   # x y width height
        x, y, w, h = values
        points = [(x, y), (x + w, y), (x, y + h), (x + w, y + h)]
    box = extents.setdefault(key, [float("inf"), float("inf"), float("-inf"), float("-inf")])
    a, b, c, d, e, f = ctm.a, ctm.b, ctm.c, ctm.d, ctm.e, ctm.f
    for px, py in points:
        x, y = a * px + c * py + e, b * px + d * py + f
        box[:] = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]


def content_marks(pdf: pikepdf.Pdf, claimed: set[tuple[int, int]]) -> Marks:
    """Every painted item is inside marked content that the tree reaches, or an Artifact;
    and where each Figure's paths are drawn."""
    marks = Marks()
    for number, page in enumerate(pdf.pages, 1):
        stack: list[tuple[str, int | None]] = []   # per open sequence: its state and MCID
        ctm, saved = pikepdf.Matrix(), []
        untagged: Counter[str] = Counter()
        orphans: set[int] = set()
        first = 0
        for index, item in enumerate(pikepdf.parse_content_stream(page)):
            operator = "INLINE IMAGE" if isinstance(item, pikepdf.ContentStreamInlineImage) \
                else str(item.operator)
            if operator in ("BMC", "BDC"):
                tag = name(item.operands[0])
                props = _properties(page, item.operands[1]) if operator == "BDC" else None
                mcid = props.get("/MCID") if props is not None else None
                if tag == "Artifact":
                    stack.append(("artifact", None))
                elif mcid is not None and (number, int(mcid)) in claimed:
                    stack.append(("figure" if tag == "Figure" else "tagged", int(mcid)))
                else:
                    if mcid is not None:
                        orphans.add(int(mcid))
                    stack.append(("", None))
            elif operator == "EMC":
                if stack:
                    stack.pop()
            elif operator == "q":
                saved.append(ctm)
            elif operator == "Q":
                ctm = saved.pop() if saved else pikepdf.Matrix()
            elif operator == "cm":
                ctm = pikepdf.Matrix(*(float(v) for v in item.operands)) @ ctm
            elif operator in ("m", "l", "c", "v", "y", "re") and stack \
                    and stack[-1][0] == "figure":
                _grow(marks.extents, (number, stack[-1][1] or 0), ctm, operator,
                      item.operands)
            elif (operator in PAINTING or operator == "INLINE IMAGE") \
                    and not any(state for state, _ in stack):
                untagged[operator] += 1
                first = first or index
        if untagged:
            ops = ", ".join(f"{count} {op}" for op, count in sorted(untagged.items()))
            marks.problems.append(f"page {number}: painted outside any tagged content or "
                                  f"Artifact ({ops}; the first at content operator {first})")
        if orphans:
            listed = ", ".join(map(str, sorted(orphans)[:5]))
            marks.problems.append(f"page {number}: marked content MCID {listed} belongs to "
                                  "no structure element in the tree")
    return marks


def _attribute(node: Any, key: str) -> Any:
    attributes = node.get("/A")
    for attribute in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
        if isinstance(attribute, pikepdf.Dictionary) and key in attribute:
            return attribute[key]
    return None


def _encloses(outer: list[float], inner: list[float]) -> bool:
    return (outer[0] <= inner[0] + _TOLERANCE_PT and outer[1] <= inner[1] + _TOLERANCE_PT
            and outer[2] >= inner[2] - _TOLERANCE_PT and outer[3] >= inner[3] - _TOLERANCE_PT)


def figure_problems(pdf: pikepdf.Pdf, tree: Tree,
                    extents: dict[tuple[int, int], list[float]]) -> tuple[list[str], list[str]]:
    """Figures: an Alt that describes (not a bare address), and a BBox on their page that
    encloses what they draw."""
    alt, bbox = [], []
    for element in tree.elements:
        if element.kind != "Figure":
            continue
        text = str(element.node.get("/Alt", "") or element.node.get("/ActualText", "")).strip()
        if not text:
            alt.append(f"Figure at {element.where} has no Alt text")
        elif _BARE_ADDRESS.match(text):
            alt.append(f"Figure at {element.where} has Alt {text!r}: only an address, "
                       "not a description")
        box = _attribute(element.node, "/BBox")
        if box is None or len(box) != 4:
            bbox.append(f"Figure at {element.where} has no BBox")
            continue
        x0, y0, x1, y1 = (float(v) for v in box)
        shown = f"BBox [{x0:g} {y0:g} {x1:g} {y1:g}]"
        media = [float(v) for v in pdf.pages[(element.page or 1) - 1].mediabox]
        drawn = [extents[key] for key in element.content if key in extents]
        if not (x0 < x1 and y0 < y1 and _encloses(media, [x0, y0, x1, y1])):
            bbox.append(f"Figure at {element.where} has {shown} outside its page {media}")
        elif any(not _encloses([x0, y0, x1, y1], extent) for extent in drawn):
            found = " ".join(f"{v:g}" for v in drawn[0])
            bbox.append(f"Figure at {element.where} has {shown}, which does not enclose "
                        f"what it draws [{found}]")
    return alt, bbox


def _fonts(resources: Any, seen: set) -> Iterator[tuple[str, Any]]:
    """Every font a page's resources use, forms' and patterns' included."""
    if not isinstance(resources, pikepdf.Dictionary) or (
            resources.objgen in seen and resources.objgen != (0, 0)):
        return
    seen.add(resources.objgen)
    yield from (resources.get("/Font") or {}).items()
    for group in ("/XObject", "/Pattern"):
        for inner in (resources.get(group) or {}).values():
            if isinstance(inner, pikepdf.Dictionary | pikepdf.Stream):
                yield from _fonts(inner.get("/Resources"), seen)


def font_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every font maps its glyphs to Unicode (a ToUnicode CMap, or a standard encoding)."""
    problems: list[str] = []
    seen: set = set()
    done: set = set()
    for number, page in enumerate(pdf.pages, 1):
        for resource, font in _fonts(page.obj.get("/Resources"), seen):
            if font.objgen in done and font.objgen != (0, 0):
                continue
            done.add(font.objgen)
            standard = name(font.get("/Encoding")) in (
                "WinAnsiEncoding", "MacRomanEncoding", "StandardEncoding") \
                and name(font.get("/Subtype")) != "Type0"
            if "/ToUnicode" not in font and not standard:
                problems.append(f"page {number}: font {resource} "
                                f"({name(font.get('/BaseFont')) or 'unnamed'}) has no ToUnicode")
    return problems


def catalog_problems(pdf: pikepdf.Pdf) -> dict[str, list[str]]:
    """/Lang, DisplayDocTitle and the PDF/UA identification, by condition."""
    root: Any = pdf.Root
    found: dict[str, list[str]] = {}
    if not str(root.get("/Lang", "")).strip():
        found["lang"] = ["the catalog has no /Lang (the document's language)"]
    preferences: Any = root.get("/ViewerPreferences") or {}
    if preferences.get("/DisplayDocTitle") is not True:
        found["display doc title"] = ["ViewerPreferences /DisplayDocTitle is not true "
                                      "(a viewer would show the file name, not the title)"]
    metadata = root.get("/Metadata")
    xmp = metadata.read_bytes() if isinstance(metadata, pikepdf.Stream) else b""
    part = _UA_PART.search(xmp)
    if not part or part.group(1) != b"1":
        found["pdfuaid"] = ["the XMP metadata has no pdfuaid:part 1 (PDF/UA-1 identification)"
                            if xmp else "the catalog has no XMP metadata stream"]
    return found


def pdfua_problems(data: bytes) -> list[str]:
    """Every PDF/UA condition this module knows, as problems (empty: all pass)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = structure_tree(pdf)
        if tree is None:
            return ["PDF/UA structure types: no structure tree (StructTreeRoot)"]
        marks = content_marks(pdf, tree.claimed)
        alt, bbox = figure_problems(pdf, tree, marks.extents)
        found = {"structure types": tree.unknown_types, "untagged content": marks.problems,
                 "figure alt": alt, "figure bbox": bbox, "tounicode": font_problems(pdf),
                 "headings": heading_problems(tree), "lists": list_problems(tree),
                 **catalog_problems(pdf)}
    return [problem for condition in CONDITIONS
            for problem in _limited(condition, found.get(condition, []))]


def failed_conditions(problems: list[str]) -> set[str]:
    """The conditions named by pdfua_problems' problems (for counts and tests)."""
    return {c for c in CONDITIONS for p in problems if p.startswith(f"PDF/UA {c}:")}
