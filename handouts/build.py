"""The build matrix: every handout x locale x paper, each checked, written atomically.

One bad catalog or one failing document never stops the others; every failure is collected
with its reason, and a good PDF from an earlier build is only ever replaced by a good one.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import catalogs, checks, content
from .catalogs import CatalogError
from .contact import Contact
from .fonts import FontError
from .locales import LocaleError, locale_info
from .render import FitError, Renderer


@dataclass(frozen=True)
class Job:
    handout: str
    locale: str
    paper: str

    def output(self, out_dir: Path) -> Path:
        return out_dir / self.locale / f"{self.handout}-{self.paper}.pdf"


@dataclass
class JobResult:
    job: Job
    path: str = ""
    ok: bool = False
    pages: int = 0
    bytes: int = 0
    scale: int = 0
    fallbacks: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.job.locale}/{self.job.handout}-{self.job.paper}"


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path
    contact: Contact
    strict: bool = False
    print_shop: bool = False


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@functools.lru_cache(maxsize=1)
def renderer() -> Renderer:
    """One per process: its fonts and stylesheet are reused by every document."""
    return Renderer()


@functools.lru_cache(maxsize=None)
def _catalog(code: str):
    return catalogs.load(code)


def run_job(job: Job, options: BuildOptions) -> JobResult:
    result = JobResult(job)
    try:
        catalog = _catalog(job.locale)
        handout = content.HANDOUTS[job.handout]
        paper = content.PAPERS[job.paper]
        rendered = renderer().render(handout, catalog, paper, options.contact,
                                     print_shop=options.print_shop)
    except (CatalogError, FitError, FontError, LocaleError) as exc:
        result.problems.append(str(exc))
        return result
    result.pages, result.scale = rendered.pages, rendered.scale
    result.fallbacks = len(rendered.fallbacks)
    result.problems += [f"catalog: {issue}" for issue in catalog.issues
                        if issue.severity == "error"]
    result.problems += checks.check_pdf(
        rendered.pdf, pages=handout.pages, lang=catalog.locale.tag, title=rendered.title,
        font_families=rendered.fonts, missing_glyphs=rendered.missing_glyphs)
    if rendered.refused_urls:
        result.problems.append("refused to load: " + ", ".join(rendered.refused_urls))
    if options.strict and rendered.fallbacks:
        result.problems.append(f"--strict: {len(rendered.fallbacks)} message(s) fell back to "
                               f"English, e.g. {sorted(rendered.fallbacks)[0][:60]!r}")
    if result.problems:
        return result
    path = job.output(options.out_dir)
    write_atomically(path, rendered.pdf)
    result.ok, result.path, result.bytes = True, str(path), len(rendered.pdf)
    return result


def plan(handouts: list[str], locales: list[str], papers: list[str]) -> list[Job]:
    return [Job(h, loc, p) for loc in locales for h in handouts for p in papers]


def validate_selection(handouts, locales, papers) -> list[str]:
    problems = [f"unknown handout {h!r} (known: {', '.join(content.HANDOUTS)})"
                for h in handouts if h not in content.HANDOUTS]
    problems += [f"unknown paper {p!r} (known: {', '.join(content.PAPERS)})"
                 for p in papers if p not in content.PAPERS]
    for code in locales:
        try:
            locale_info(code)
        except LocaleError as exc:
            problems.append(str(exc))
    return problems


def run(jobs: list[Job], options: BuildOptions, progress=None) -> list[JobResult]:
    results = []
    for job in jobs:
        results.append(run_job(job, options))
        if progress:
            progress(results[-1])
    write_manifest(results, options)
    return results


def write_manifest(results: list[JobResult], options: BuildOptions) -> None:
    """dist/manifest.json: what was built, for the download page and for people."""
    entries = []
    for r in results:
        entry = {**asdict(r.job), "ok": r.ok, "pages": r.pages, "bytes": r.bytes,
                 "fallbacks": r.fallbacks, "problems": r.problems,
                 "file": os.path.relpath(r.path, options.out_dir) if r.path else ""}
        entries.append(entry)
    data = json.dumps({"contact": options.contact.display_name, "results": entries},
                      ensure_ascii=False, indent=1).encode()
    write_atomically(options.out_dir / "manifest.json", data)
