"""A tagged PDF's structure tree as a screen reader walks it, and its headings and lists.

The tree is read once, in document order (depth first from StructTreeRoot): each element
with its standard type (after the role map), its page and its path from the root
("Document/Sect[2]/L[1]/LI[3]"), so a problem can say where it is.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pikepdf

#: The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4): PDF/UA-1 allows these, or
#: any other name role-mapped to one of them.
STANDARD_TYPES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private "
    "P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note "
    "Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form".split())
#: What a list's parts may hold (ISO 32000-1, table 336): an L holds items (or a nested
#: list, as WeasyPrint writes them, or a caption); an item holds a label and a body.
LIST_CHILDREN = {"L": {"LI", "L", "Caption"}, "LI": {"Lbl", "LBody"}}
LIST_PARENTS = {"LI": {"L"}, "Lbl": {"LI"}, "LBody": {"LI"}}
#: Shown for each failed heading or list condition at most this many times in one file.
EXAMPLES = 3


@dataclass
class Element:
    """One structure element, where it sits: its type after the role map, page and path."""
    node: Any   # a pikepdf.Dictionary (pikepdf types its items loosely)
    kind: str
    path: str
    page: int | None
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    #: (page number, MCID) of the marked content this element holds itself.
    content: list[tuple[int, int]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"page {self.page}, {self.path}" if self.page else self.path


@dataclass
class Tree:
    """The structure tree, walked once, and the marked content it claims."""
    elements: list[Element] = field(default_factory=list)
    #: (page number, MCID) of every piece of content the tree reaches.
    claimed: set[tuple[int, int]] = field(default_factory=set)
    unknown_types: list[str] = field(default_factory=list)


def name(value: Any) -> str:
    """A PDF name without its slash ("" for nothing)."""
    return str(value).lstrip("/") if value is not None else ""


def _kids(node: Any) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _role(kind: str, role_map: Any, tree: Tree, where: str) -> str:
    """The standard type a name maps to; records names that map to nothing standard."""
    seen = [kind]
    while kind not in STANDARD_TYPES and role_map is not None and f"/{kind}" in role_map:
        kind = name(role_map[f"/{kind}"])
        if kind in seen:
            break
        seen.append(kind)
    if kind not in STANDARD_TYPES:
        tree.unknown_types.append(f"{'/'.join(seen)} at {where} is neither standard nor "
                                  "role-mapped to a standard type")
    return kind


def structure_tree(pdf: pikepdf.Pdf) -> Tree | None:
    """The tree from StructTreeRoot in document order, or None for an untagged PDF."""
    root: Any = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return None
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
    role_map = root.get("/RoleMap")
    tree = Tree()

    def page_of(node: Any, inherited: int | None) -> int | None:
        page = node.get("/Pg")
        return pages.get(page.objgen) if page is not None else inherited

    def claim(parent: Element | None, page: int | None, mcid: int) -> None:
        if page:
            tree.claimed.add((page, mcid))
            if parent is not None:
                parent.content.append((page, mcid))

    def walk(node: Any, parent: Element | None, path: str, page: int | None) -> None:
        counts: Counter[str] = Counter()
        for kid in _kids(node):
            if isinstance(kid, int):
                claim(parent, page, int(kid))
                continue
            if not isinstance(kid, pikepdf.Dictionary):
                continue
            kid_page = page_of(kid, page)
            kind = name(kid.get("/Type"))
            if kind == "MCR":
                claim(parent, kid_page, int(kid.MCID))
                continue
            if kind == "OBJR" or "/S" not in kid:
                continue
            raw = name(kid.S)
            counts[raw] += 1
            kid_path = f"{path}/{raw}[{counts[raw]}]" if path else raw
            where = f"page {kid_page}, {kid_path}" if kid_page else kid_path
            element = Element(kid, _role(raw, role_map, tree, where), kid_path, kid_page,
                              parent)
            if parent is not None:
                parent.children.append(element)
            tree.elements.append(element)
            walk(kid, element, kid_path, kid_page)

    walk(root, None, "", None)
    return tree


def heading_problems(tree: Tree) -> list[str]:
    """Exactly one H1, and no heading more than one level below the one before it."""
    headings = [(int(e.kind[1]), e) for e in tree.elements if re.fullmatch(r"H[1-6]", e.kind)]
    problems = []
    first = [e.where for level, e in headings if level == 1]
    if len(first) != 1:
        problems.append(f"{len(first)} H1 headings (a document has exactly one)"
                        + (": " + "; ".join(first[:EXAMPLES]) if first else ""))
    previous = 0
    for level, element in headings:
        if level > previous + 1:
            problems.append(f"H{level} at {element.where} follows "
                            + (f"H{previous}" if previous else "no heading")
                            + f": skips H{previous + 1}")
        previous = level
    return problems


def list_problems(tree: Tree) -> list[str]:
    """Lists are L > LI > (Lbl, LBody), each part in its place."""
    problems = []
    for element in tree.elements:
        allowed = LIST_CHILDREN.get(element.kind, set())
        for child in element.children if allowed else ():
            if child.kind not in allowed:
                problems.append(f"{child.kind} inside {element.kind} at {child.where} "
                                f"({element.kind} holds only {', '.join(sorted(allowed))})")
        parents = LIST_PARENTS.get(element.kind)
        if parents and (element.parent is None or element.parent.kind not in parents):
            parent = element.parent.kind if element.parent else "the tree root"
            problems.append(f"{element.kind} at {element.where} is inside {parent}, "
                            f"not {' or '.join(sorted(parents))}")
    return problems
