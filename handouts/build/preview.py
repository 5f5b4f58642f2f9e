"""The translator's preview: one locale's handouts on one paper, in seconds after the first.

The same pipeline as the build (pipeline.make), with two differences a translator needs: a PDF
is written even when the catalog has errors or a check fails (the page is what they look at),
and a handout that does not fit is written at the smallest type as NAME.overflow.pdf. A
handout is laid out again only when something it prints changed: the cache key is the build's
shared inputs (cache.Inputs) plus the messages the handout printed.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import content
from ..catalogs import ERROR, LocaleCatalog
from ..catalogs import load as load_catalog
from ..catalogs.definitions import DEFINITION_FILE
from ..catalogs.workflow import WorkflowError
from ..files import write_if_changed
from ..render import TYPE_SCALES, Document
from ..sources import Sources
from . import cache
from .matrix import renderer as shared_renderer
from .pipeline import make


@dataclass
class PreviewResult:
    code: str
    pdfs: list[Path] = field(default_factory=list)
    pngs: list[Path] = field(default_factory=list)
    reused: list[Path] = field(default_factory=list)  # unchanged since the last preview
    problems: list[str] = field(default_factory=list)
    fallbacks: set[str] = field(default_factory=set)
    seconds: float = 0.0
    scales: dict[str, int] = field(default_factory=dict)   # stem -> the scale that fitted


STATE_FILE = ".preview.json"


def _message_state(loaded: LocaleCatalog, msgids) -> list:
    """What the build prints for these msgids: translation, fuzzy flag, whether it is usable."""
    rejected = {i.msgid for i in loaded.issues if i.severity == ERROR}
    rows = []
    for msgid in sorted(msgids):
        message = loaded.catalog.get(msgid)
        rows.append([msgid, None] if message is None else
                    [msgid, message.string, message.fuzzy, msgid in rejected])
    return rows


def _preview_key(common: str, loaded: LocaleCatalog, handout, paper: str, msgids) -> str:
    blob = json.dumps([common, repr(loaded.locale), paper, repr(handout), asdict(loaded.status),
                       loaded.catalog.plural_forms, _message_state(loaded, msgids)],
                      ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _common_inputs(sources: Sources, script: str) -> str:
    """Everything but the catalog that a preview's PDF depends on: the build's own inputs."""
    return json.dumps([*asdict(cache.Inputs.gather(sources)).values(),
                       cache.font_fingerprint(script)])


def _remove_outputs(folder: Path, stem: str) -> None:
    for stale in [folder / f"{stem}.pdf", *folder.glob(f"{stem}-*.png")]:
        stale.unlink(missing_ok=True)


def preview(code: str, sources: Sources, out_dir: Path, *, paper: str = "letter",
            png: bool = False, handouts: list[str] | None = None,
            dpi: int = 100, scale_hints: dict[str, int] | None = None) -> PreviewResult:
    """Every handout of one locale on one paper, into OUT/<locale>/, laid out as the build does.

    Fast after the first run: a handout is laid out again only when something it prints
    changed (the messages it used, templates, code, contact details, fonts); otherwise its
    PDF from the last preview stands. scale_hints (stem -> scale, e.g. from an earlier
    preview in another folder) tell the fit loop where to start when this folder has none;
    they change how fast, never what.
    """
    started = time.perf_counter()
    result = PreviewResult(code)
    if paper not in content.PAPERS:
        raise WorkflowError(f"unknown paper {paper!r} (known: {', '.join(content.PAPERS)})")
    unknown = [h for h in handouts or [] if h not in content.HANDOUTS]
    if unknown:
        raise WorkflowError(f"unknown handout {unknown[0]!r} "
                            f"(known: {', '.join(content.HANDOUTS)})")
    loaded = load_catalog(code, sources.locales)
    folder = out_dir / code
    state_path = folder / STATE_FILE
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    common = _common_inputs(sources, loaded.locale.script)
    result.problems += [f"catalog: {i}" for i in loaded.errors]
    for handout in (content.HANDOUTS[h] for h in handouts or content.HANDOUTS):
        stem = f"{handout.name}-{paper}"
        target, overflow_stem = folder / f"{stem}.pdf", f"{stem}.overflow"
        last = state.get(stem)
        if (last and target.exists() and last.get("key") == _preview_key(
                common, loaded, handout, paper, last.get("messages", []))):
            data = target.read_bytes()
            result.reused.append(target)
            result.problems += last.get("problems", [])
            result.fallbacks |= set(last.get("fallbacks", []))
        else:
            document = Document(handout, loaded, content.PAPERS[paper], sources.contact,
                                print_shop=sources.print_shop)
            renderer = shared_renderer(sources.templates)
            # The type scale that fitted last time is where the fit loop starts looking.
            hint = (scale_hints or {}).get(stem, TYPE_SCALES[0])
            checked = make(document, renderer, sources,
                           first_scale=(last or {}).get("scale", hint))
            if checked.fit_error is not None and checked.fit_error.last is not None:
                result.problems += checked.document_problems
                data, _ = renderer.write(checked.fit_error.last)
                _remove_outputs(folder, stem)
                state.pop(stem, None)
                target = folder / f"{overflow_stem}.pdf"
                write_if_changed(target, data)
                result.pdfs.append(target)
                if png:
                    result.pngs += write_png_pages(data, target, dpi)
                continue
            if checked.fitted is None:  # no font for the script: nothing can be drawn
                result.problems += checked.document_problems
                break
            fitted = checked.fitted
            data = fitted.pdf
            problems = [f"{handout.name}: {p}" for p in checked.document_problems]
            result.problems += problems
            result.fallbacks |= fitted.fallbacks
            _remove_outputs(folder, overflow_stem)
            write_if_changed(target, data)
            result.scales[stem] = fitted.scale
            state[stem] = {"key": _preview_key(common, loaded, handout, paper, fitted.messages),
                           "messages": sorted(fitted.messages), "problems": problems,
                           "scale": fitted.scale, "fallbacks": sorted(fitted.fallbacks)}
        result.pdfs.append(target)
        if png:
            result.pngs += write_png_pages(data, target, dpi)
    write_if_changed(state_path, json.dumps(state, ensure_ascii=False, indent=1).encode())
    result.seconds = time.perf_counter() - started
    return result


def write_png_pages(pdf: bytes, pdf_path: Path, dpi: int = 100) -> list[Path]:
    """One PNG per page beside the PDF: NAME-1.png, NAME-2.png, ... (pypdfium2)."""
    import pypdfium2

    stem = pdf_path.name.removesuffix(".pdf")
    written = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            target = pdf_path.with_name(f"{stem}-{index + 1}.png")
            if target.exists() and target.stat().st_mtime >= pdf_path.stat().st_mtime:
                written.append(target)  # drawn from this very PDF already
                continue
            buffer = io.BytesIO()
            document[index].render(scale=dpi / 72).to_pil().save(buffer, format="PNG")
            write_if_changed(target, buffer.getvalue())
            written.append(target)
    finally:
        document.close()
    for extra in pdf_path.parent.glob(f"{stem}-*.png"):
        if extra not in written and extra.name.removeprefix(f"{stem}-")[:-4].isdigit():
            extra.unlink()  # a page the document no longer has
    return written


def watched_files(code: str, sources: Sources, contact_file: Path | None) -> list[Path]:
    """What `catalog preview --watch` watches: the catalog (and the locale.toml of a language
    CLDR does not know), the contact file, the templates."""
    files = [sources.catalog(code), sources.locales / code / DEFINITION_FILE] \
        + ([contact_file] if contact_file else [])
    return files + sorted(p for p in sources.templates.rglob("*") if p.is_file())


def snapshot(files: list[Path]) -> dict[Path, float]:
    return {p: p.stat().st_mtime_ns if p.exists() else 0 for p in files}
