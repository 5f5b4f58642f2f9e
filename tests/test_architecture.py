"""The package's shape: stages import only earlier stages, modules stay readable in size."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT

PACKAGE = PROJECT / "handouts"
#: The data flow, earliest first. A stage may import the shared top-level modules and any
#: earlier stage, never a later one.
STAGES = ("catalogs", "render", "checks", "build", "site", "service", "cli")
SHARED = ("sources", "files", "content", "contact", "markup", "fonts", "outputprofile")
MAX_MODULE_LINES = 400


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def owner(module_path: Path) -> str:
    """The stage (or shared module) a file belongs to."""
    rel = module_path.relative_to(PACKAGE).with_suffix("")
    return rel.parts[0]


def imported_units(path: Path) -> set[str]:
    """First-level names under `handouts` that the module imports (relative or absolute)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = ("handouts",) + path.relative_to(PACKAGE).parent.parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[:len(package_parts) - node.level + 1]
                target = base + tuple((node.module or "").split(".")) if node.module else base
                names = [target + (alias.name,) for alias in node.names] if not node.module \
                    else [target]
            else:
                names = [tuple((node.module or "").split("."))]
        elif isinstance(node, ast.Import):
            names = [tuple(alias.name.split(".")) for alias in node.names]
        else:
            continue
        for parts in names:
            parts = tuple(p for p in parts if p)
            if len(parts) >= 2 and parts[0] == "handouts":
                found.add(parts[1])
    return found


def violations(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        unit = owner(path)
        if unit == "__main__":  # `python -m handouts`: the entry point, above every stage
            continue
        rank = STAGES.index(unit) if unit in STAGES else -1  # shared: imports no stage
        for imported in imported_units(path) - {unit}:
            if imported in STAGES and STAGES.index(imported) > rank:
                found.append(f"{path.relative_to(PROJECT)} ({unit}) imports {imported}")
    return found


def test_every_module_belongs_to_a_stage_or_is_shared():
    units = {owner(p) for p in modules()} - {"__init__", "__main__"}
    assert units <= set(STAGES) | set(SHARED), units - set(STAGES) - set(SHARED)


def test_no_stage_imports_a_later_one():
    assert violations(modules()) == []


def test_the_direction_check_catches_a_backwards_import():
    """Plant `catalogs -> render` and `catalogs -> site`: the check must see both."""
    planted = PACKAGE / "catalogs" / "_planted_for_test.py"
    planted.write_text("from ..render import Renderer\nfrom handouts.site import page\n")
    try:
        assert sorted(violations([planted])) == [
            "handouts/catalogs/_planted_for_test.py (catalogs) imports render",
            "handouts/catalogs/_planted_for_test.py (catalogs) imports site"]
    finally:
        planted.unlink()


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_size(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines"


def test_cache_key_covers_modules_in_sub_packages(tmp_path):
    """A change to any module, however deep, must change the key (no stale PDFs reused)."""
    from handouts.build import cache

    digest = cache.tree_digest(cache.PACKAGE_DIR, "**/*.py")
    assert cache.source_digest() == digest
    copy = tmp_path / "handouts"
    for path in modules():
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    before = cache.tree_digest(copy, "**/*.py")
    deep = copy / "render" / "pdf.py"
    deep.write_text(deep.read_text() + "\n# changed\n")
    assert cache.tree_digest(copy, "**/*.py") != before
