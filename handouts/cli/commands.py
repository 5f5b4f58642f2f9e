"""The build, list, proof, site and serve commands: arguments in, Sources built, people told."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .. import content, markup
from ..build import matrix
from ..catalogs import (
    CatalogError,
    LocaleError,
    available_locales,
    load,
    locale_info,
    wanted_locales,
)
from ..catalogs.po import read_catalog_file
from ..catalogs.stats import count
from ..contact import ContactError
from ..site import page as site
from ..sources import Sources, shipped
from .parser import split_values


def sources_from(args, **options) -> Sources:
    """The explicit inputs the arguments name, the shipped folders for the rest."""
    return Sources.shipped(locales=getattr(args, "locales_dir", None),
                           contact_file=getattr(args, "contact", None), **options)


def cmd_site(out_dir: Path) -> int:
    try:
        summary = site.generate(out_dir)
    except site.SiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"site: {summary.index} ({summary.languages} languages, {summary.documents} PDFs, "
          f"{summary.site_bytes / 1e6:.1f} MB)")
    return 0


def cmd_serve(out_dir: Path, port: int) -> int:
    from ..site.serve import serve
    try:
        serve(out_dir / site.SITE_DIRNAME, port)
    except OSError as exc:  # no site yet, or the port is taken
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_web(args) -> int:
    from dataclasses import fields

    from ..service.app import serve
    from ..service.config import ServiceConfig
    try:
        config = ServiceConfig.from_env(**{f.name: getattr(args, f.name)
                                           for f in fields(ServiceConfig)})
        if config.queue and _queue_executor(config.queue, None) is None:
            return 2
        serve(config)
    except (ValueError, OSError) as exc:  # a bad setting, or the port is taken
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_list(locales_dir: Path | None = None) -> int:
    locales_dir = locales_dir or shipped("locales")
    print("Handouts:")
    for h in content.HANDOUTS.values():
        print(f"  {h.name:<16} {h.pages} page(s)  {h.description}")
    print(f"Papers: {', '.join(f'{p.name} ({p.label})' for p in content.PAPERS.values())}")
    print("Locales:")
    try:
        template = read_catalog_file(locales_dir / "messages.pot")
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for code in available_locales(locales_dir):
        try:
            info = locale_info(code, locales_dir)
        except LocaleError as exc:  # a catalog folder named with a code CLDR does not know
            print(f"  {code:<8} BROKEN: {markup.one_line(str(exc))}")
            continue
        try:
            catalog = load(code, locales_dir)
            stats = count(catalog, template)
            status = "source text" if code == "en" else (
                f"{stats.percent:.0f}% translated, {catalog.status.label}")
        except CatalogError as exc:
            status = f"BROKEN: {exc}"
        print(f"  {code:<8} {info.native_name} / {info.english_name} [{info.direction}, "
              f"{info.script}]  {status}")
    print_wanted(locales_dir)
    return 0


def print_wanted(locales_dir: Path) -> None:
    """Languages with a locale.toml and no catalog: not built until `catalog init` starts one."""
    wanted = wanted_locales(locales_dir)
    if not wanted:
        return
    print("Translation wanted (locale.toml or wanted.toml, no catalog yet, so no handout is "
          "built; start one with `catalog init CODE`):")
    for code in wanted:
        try:
            info = locale_info(code, locales_dir)
        except LocaleError as exc:
            print(f"  {code:<8} BROKEN: {markup.one_line(str(exc))}")
            continue
        print(f"  {code:<8} {info.native_name} / {info.english_name} [{info.direction}, "
              f"{info.script}]  translation wanted")


def cmd_proof(args) -> int:
    """Build what the sheet needs (reusing good PDFs), then compose it."""
    from ..build.proof import write_proof
    from . import main

    locales = split_values(args.locale) or available_locales(shipped("locales"))
    status = main(["build", "--handout", args.handout, "--paper", args.paper,
                   "--locale", ",".join(locales), "--out", str(args.out), "--no-site"]
                  + (["--contact", str(args.contact)] if args.contact else []))
    pdfs = {code: path for code in locales
            if (path := args.out / code / f"{args.handout}-{args.paper}.pdf").exists()}
    if not pdfs:
        print("error: nothing to show", file=sys.stderr)
        return 1
    target = write_proof(pdfs, args.out / f"proof-{args.handout}-{args.paper}.png",
                         shipped("locales"))
    print(f"proof sheet: {target} ({len(pdfs)} locales)")
    return status


def cmd_build(args) -> int:
    started = time.monotonic()
    handouts = split_values(args.handout) or list(content.HANDOUTS)
    papers = split_values(args.paper) or list(content.PAPERS)
    requested = split_values(args.locale)
    # Only locales asked for by name stop the build; a catalog folder with an unknown code
    # fails on its own (naming its file) while the other locales build.
    problems = []
    try:
        sources = sources_from(args, strict=args.strict, print_shop=args.print_shop)
    except ContactError as exc:
        problems.append(str(exc))
    problems[:0] = matrix.validate_selection(handouts, requested, papers,
                                             getattr(args, "locales_dir", None)
                                             or shipped("locales"))
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    locales = requested or available_locales(sources.locales)
    options = matrix.BuildOptions(sources, out_dir=args.out, force=args.force)
    jobs = matrix.plan(handouts, locales, papers)
    executor = None
    if args.queue:
        executor = _queue_executor(args.queue, args.jobs)
        if executor is None:
            return 2
    with _progress(len(jobs)) as progress:
        results = matrix.run(jobs, options, progress=progress, workers=args.jobs,
                             executor=executor)
    for notice in getattr(executor, "notices", []):
        print(f"note: {notice}", file=sys.stderr)
    status = summarize(results, time.monotonic() - started)
    if not args.no_site:
        status = max(status, cmd_site(args.out))
    return status


def _queue_executor(url: str, in_flight: int | None):
    """The queue's executor, once Redis answers; None (said why) when it does not."""
    from ..build.distributed import QueueExecutor, shown
    executor = QueueExecutor(url, in_flight=in_flight)
    problem = executor.reachable()
    if problem:
        print(f"error: cannot reach the queue at {shown(url)}: {problem}", file=sys.stderr)
        return None
    processes = executor.fleet()
    if not processes:
        print(f"note: no worker answered on {shown(url)}; the documents wait in the queue "
              f"until one starts (build_pdf.py worker --queue URL)", file=sys.stderr)
    executor.in_flight = in_flight or max(2, 2 * processes)
    return executor


def cmd_worker(args) -> int:
    """`worker`: lay out documents sent to the queue until stopped (Ctrl+C, SIGTERM)."""
    if not args.queue:
        print("error: worker needs --queue redis://HOST:6379/0 (or HANDOUTS_QUEUE)",
              file=sys.stderr)
        return 2
    from ..build.distributed import QueueExecutor, shown, start_worker
    problem = QueueExecutor(args.queue).reachable()
    if problem:
        print(f"error: cannot reach the queue at {shown(args.queue)}: {problem}",
              file=sys.stderr)
        return 2
    start_worker(args.queue, args.concurrency, args.name)
    return 0


@contextmanager
def _progress(total: int):
    """A progress bar (rich) on a terminal; elsewhere one quiet line per document laid out."""
    if total > 1 and sys.stdout.isatty():
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )
        with Progress(TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), transient=True) as bar:
            task = bar.add_task("building", total=total)

            def advance(result):
                bar.update(task, advance=1, description=result.label)
                if not result.ok and not result.reused:
                    bar.console.print(f"[bold red]FAIL[/] {result.label}")
            yield advance
        return

    def line(result):
        if result.reused:  # unchanged: nothing to say
            return
        mark = "ok  " if result.ok else "FAIL"
        extra = f" ({result.fallbacks} fallback)" if result.fallbacks else ""
        print(f"{mark} {result.label}{extra}", flush=True)
    yield line


def summarize(results, seconds: float) -> int:
    failed = [r for r in results if not r.ok]
    reused = sum(1 for r in results if r.ok and r.reused)
    print(f"\n{len(results) - len(failed) - reused} built, {reused} reused, {len(failed)} failed "
          f"in {seconds:.1f} s")
    fallback_by_locale: dict[str, int] = {}
    for r in results:
        if r.fallbacks:
            fallback_by_locale[r.job.locale] = max(fallback_by_locale.get(r.job.locale, 0),
                                                   r.fallbacks)
    for code, fallbacks in sorted(fallback_by_locale.items()):
        print(f"  {code}: {fallbacks} message(s) fell back to English")
    for r in failed:
        print(f"FAILED {r.label}:", file=sys.stderr)
        for problem in dict.fromkeys(r.problems):
            print(f"  - {problem}", file=sys.stderr)
    return 1 if failed else 0

