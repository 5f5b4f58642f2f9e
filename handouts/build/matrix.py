"""The build matrix: every handout x locale x paper, each checked, written atomically.

One bad catalog or one failing document never stops the others; every failure is collected
with its reason, and a good PDF from an earlier build is only ever replaced by a good one.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import content
from ..catalogs import CatalogError, LocaleError, locale_info
from ..catalogs import load as load_catalog
from ..catalogs.definitions import DEFINITION_FILE
from ..files import write_atomically, write_if_changed
from ..sources import Sources, catalog_path
from . import cache


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
    #: Taken from the cache (its inputs have not changed), not laid out again.
    reused: bool = False
    #: The type scales the fit loop laid out, in order, when the PDF was made (a reused
    #: result keeps them from the cache): what fitting cost.
    tried: list[int] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.job.locale}/{self.job.handout}-{self.job.paper}"


@dataclass(frozen=True)
class BuildOptions:
    """One build: what it is made from (sources) and where it goes."""
    sources: Sources
    out_dir: Path
    #: Rebuild every job even when the cache holds its result.
    force: bool = False


@functools.lru_cache(maxsize=2)
def renderer(templates_dir: Path):
    """One per process: its fonts and stylesheet are reused by every document."""
    from ..render import Renderer  # WeasyPrint loads only where documents are laid out
    return Renderer(templates_dir)


def _catalog(code: str, locales_dir: Path):
    """The parsed catalog, parsed again only when its file (or locale.toml) changes."""
    return _parsed_catalog(code, locales_dir, (_stamp(catalog_path(locales_dir, code)),
                                               _stamp(locales_dir / code / DEFINITION_FILE)))


def _stamp(path: Path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


@functools.lru_cache(maxsize=8)  # jobs come locale by locale: a few catalogs are enough
def _parsed_catalog(code: str, locales_dir: Path, stamp):
    return load_catalog(code, locales_dir)


def render_job(job: Job, options: BuildOptions,
               first_scale: int = 0) -> tuple[JobResult, bytes | None]:
    """Make and check one document (pipeline.make); the PDF is returned, not written.

    first_scale is where the fit loop starts looking (a hint; the result does not depend
    on it). Failures that follow from the inputs come back as problems; anything else raises.
    """
    from ..render import Document
    from .pipeline import make

    result = JobResult(job)
    sources = options.sources
    try:
        catalog = _catalog(job.locale, sources.locales)
    except (CatalogError, LocaleError) as exc:
        result.problems.append(str(exc))
        return result, None
    document = Document(content.HANDOUTS[job.handout], catalog, content.PAPERS[job.paper],
                        sources.contact, print_shop=sources.print_shop)
    checked = make(document, renderer(sources.templates), sources, first_scale)
    result.scale, result.problems = checked.scale, checked.problems
    result.tried = [attempt.scale for attempt in checked.tried]
    if checked.fitted is None:
        return result, None
    result.pages, result.fallbacks = checked.fitted.pages, len(checked.fitted.fallbacks)
    if not checked.ok:
        return result, None
    result.ok, result.bytes = True, len(checked.fitted.pdf)
    return result, checked.fitted.pdf


def run_job(job: Job, options: BuildOptions) -> JobResult:
    """One job, rendered and written, without the cache."""
    result, pdf = render_job(job, options)
    if pdf is not None:
        path = job.output(options.out_dir)
        write_atomically(path, pdf)
        result.path = str(path)
    return result


def plan(handouts: list[str], locales: list[str], papers: list[str]) -> list[Job]:
    return [Job(h, loc, p) for loc in locales for h in handouts for p in papers
            if h not in content.HANDOUTS or content.HANDOUTS[h].available_in(loc)]


def validate_selection(handouts, locales, papers, locales_dir: Path) -> list[str]:
    problems = [f"unknown handout {h!r} (known: {', '.join(content.HANDOUTS)})"
                for h in handouts if h not in content.HANDOUTS]
    problems += [f"unknown paper {p!r} (known: {', '.join(content.PAPERS)})"
                 for p in papers if p not in content.PAPERS]
    for code in locales:
        try:
            locale_info(code, locales_dir)
        except LocaleError as exc:
            problems.append(str(exc))
    return problems


def run(jobs: list[Job], options: BuildOptions, progress=None,
        workers: int | None = None, executor=None) -> list[JobResult]:
    """Build the jobs: reuse what the cache holds, render the rest on `workers` processes
    (or with `executor`: executor(pending indexes, jobs, options, first_scale) yields
    (index, JobResult, pdf or None, cacheable) as each finishes; distributed.QueueExecutor).

    Results come back in the order of `jobs` whatever order they finish in; progress(result)
    is called in this process as each one settles, and only this process writes files. A job
    that fails, even one whose worker process dies, never loses the others' results.
    """
    store = cache.Cache.for_output(options.out_dir)
    keys = cache.Keys(options.sources)
    job_keys = [keys.key(job, content.HANDOUTS.get(job.handout), content.PAPERS.get(job.paper))
                for job in jobs]
    results: list[JobResult | None] = [None] * len(jobs)
    pending = []
    for index, (job, key) in enumerate(zip(jobs, job_keys, strict=True)):
        results[index] = None if options.force else _reuse(job, key, store, options)
        if results[index] is None:
            pending.append(index)
        elif progress:
            progress(results[index])

    def first_scale(index: int) -> int:
        """Where the fit loop starts: this slot's last scale, else its other paper's."""
        job = jobs[index]
        last = store.last_scale(job)
        if last is not None:
            return last
        siblings = [r.scale for r in results if r is not None and r.job.locale == job.locale
                    and r.job.handout == job.handout and (r.ok or r.scale)]
        return siblings[-1] if siblings else 0

    # One paper at a time: by the time a document's second paper starts, its first is done
    # and tells the fit loop where to start.
    papers = list(dict.fromkeys(job.paper for job in jobs))
    pending.sort(key=lambda i: (papers.index(jobs[i].paper), i))
    render = executor or functools.partial(_render_all, workers=workers or os.cpu_count() or 1)
    for index, result, pdf, cacheable in render(pending, jobs, options, first_scale):
        job, key = jobs[index], job_keys[index]
        path = job.output(options.out_dir)
        if pdf is not None:
            write_if_changed(path, pdf)
            result.path = str(path)
        if cacheable:
            store.put(job, cache.Entry(key, result.ok, result.pages, result.bytes, result.scale,
                                       result.fallbacks, list(result.problems),
                                       tried=list(result.tried)),
                      pdf, write_atomically, output=path if pdf is not None else None)
        results[index] = result
        if progress:
            progress(result)
    write_manifest([r for r in results if r is not None], options)
    return [r for r in results if r is not None]


def _reuse(job: Job, key: str, store: cache.Cache, options: BuildOptions) -> JobResult | None:
    """The cached result for this key, with its PDF in place; None when it must be rendered."""
    entry = store.get(job, key)
    if entry is None:
        return None
    result = JobResult(job, ok=entry.ok, pages=entry.pages, bytes=entry.bytes, scale=entry.scale,
                       fallbacks=entry.fallbacks, problems=list(entry.problems), reused=True,
                       tried=list(entry.tried))
    if entry.ok:
        path = job.output(options.out_dir)
        if not cache.output_matches(path, entry):
            pdf = store.pdf(job, entry)
            if pdf is None:
                return None
            write_atomically(path, pdf)
        result.path = str(path)
    return result


#: Documents each worker lays out before the pool is replaced by a fresh one.
JOBS_PER_WORKER = 40


def _render_all(pending: list[int], jobs: list[Job], options: BuildOptions, first_scale,
                workers: int):
    """(index, result, pdf or None, cacheable) for each pending job, as they finish."""
    workers = min(workers, len(pending))
    if workers <= 1:
        for index in pending:
            yield (index, *_render_here(jobs[index], options, first_scale(index)))
        return
    # Fresh workers every JOBS_PER_WORKER documents each: what a worker caches per language
    # (Pango font sets, CLDR data) cannot grow with the size of the build.
    batches = [pending[i:i + workers * JOBS_PER_WORKER]
               for i in range(0, len(pending), workers * JOBS_PER_WORKER)]
    for queue in batches:
        while queue:
            broken, queue = yield from _render_on_pool(queue, jobs, options, first_scale, workers)
            # A worker process died and took the pool with it: retry each job it may have been
            # running in a pool of its own, so only the job that kills its worker fails.
            for index in broken:
                unsettled, _ = yield from _render_on_pool([index], jobs, options, first_scale, 1)
                if unsettled:
                    yield index, JobResult(jobs[index], problems=[
                        "the worker process rendering this document died (a crash, or out of "
                        "memory); the other documents are not affected"]), None, False


def _render_on_pool(queue: list[int], jobs, options, first_scale, workers: int):
    """Run jobs on one pool, handing them out one at a time as workers free up, so each starts
    with the freshest fit-loop hint. Returns (jobs lost to a dead worker, jobs not started)."""
    queue = list(queue)
    running: dict = {}
    broken: list[int] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                             initializer=_start_worker,
                             initargs=(options.sources.templates,)) as pool:
        while running or (queue and not broken):
            while queue and len(running) < workers and not broken:
                index = queue.pop(0)
                running[pool.submit(render_job, jobs[index], options, first_scale(index))] = index
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                try:
                    yield (index, *future.result(), True)
                except BrokenProcessPool:
                    broken.append(index)
                except Exception as exc:  # a bug in one job: report it, keep the others
                    yield index, _unexpected(jobs[index], exc), None, False
    return sorted(broken), queue


def _render_here(job: Job, options: BuildOptions, first_scale: int):
    try:
        return (*render_job(job, options, first_scale), True)
    except Exception as exc:  # a bug in one job: report it, keep the others
        return _unexpected(job, exc), None, False


def _unexpected(job: Job, exc: BaseException) -> JobResult:
    return JobResult(job, problems=[f"internal error: {type(exc).__name__}: {exc}"])


def _pool_context():
    """fork where it is safe and cheap (workers start at once, sharing loaded modules)."""
    if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start_worker(templates_dir: Path) -> None:
    """Pool initializer: one Renderer (FontConfiguration + parsed stylesheet) per worker."""
    try:
        renderer(templates_dir)
    except Exception:  # the first job reports it, with its real message
        pass


def write_manifest(results: list[JobResult], options: BuildOptions) -> None:
    """OUT/manifest.json: what was built and from what, for the download page and people."""
    entries = []
    for r in results:
        entry = {**asdict(r.job), "ok": r.ok, "pages": r.pages, "bytes": r.bytes,
                 "fallbacks": r.fallbacks, "problems": r.problems, "tried": r.tried,
                 "file": os.path.relpath(r.path, options.out_dir) if r.path else ""}
        entries.append(entry)
    sources = options.sources
    data = json.dumps({"contact": sources.contact.display_name,
                       "contact_details": asdict(sources.contact),
                       "sources": sources.to_json(), "results": entries},
                      ensure_ascii=False, indent=1).encode()
    write_if_changed(options.out_dir / "manifest.json", data)
