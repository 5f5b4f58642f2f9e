"""The command line: `python build_pdf.py [build|list] ...`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from . import build, catalogs, content, markup, site
from .contact import ContactError, load_contact
from .locales import LocaleError, locale_info
from .paths import DEFAULT_CONTACT_FILE, DEFAULT_OUT_DIR

COMMANDS = ("build", "list", "proof", "site", "serve", "catalog")


def _split(values: list[str] | None) -> list[str]:
    return [v for value in values or [] for v in value.split(",") if v]


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build_pdf.py",
        description="Build the printable 287(g) handouts: every handout x locale x paper.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="build PDFs (the default command)")
    b.add_argument("--locale", action="append", metavar="CODE",
                   help="locale(s) to build, e.g. es or es,ar (default: every catalog)")
    b.add_argument("--handout", action="append", metavar="NAME",
                   help=f"handout(s) to build (default: all of {', '.join(content.HANDOUTS)})")
    b.add_argument("--paper", action="append", metavar="SIZE",
                   help=f"paper size(s): {', '.join(content.PAPERS)} (default: all)")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR,
                   help="output folder (default: dist/); PDFs go to OUT/<locale>/<handout>-<paper>.pdf")
    b.add_argument("--contact", type=Path, default=DEFAULT_CONTACT_FILE, metavar="FILE",
                   help="TOML file with your organization's contact details")
    b.add_argument("--strict", action="store_true",
                   help="fail when any message falls back to English")
    b.add_argument("--print-shop", action="store_true",
                   help="add 0.125 in bleed and crop marks for a print shop")
    b.add_argument("--jobs", "-j", type=_positive, default=os.cpu_count() or 1, metavar="N",
                   help="documents laid out at once (default: the number of cores, %(default)s)")
    b.add_argument("--force", action="store_true",
                   help="rebuild every PDF, even those whose inputs have not changed")
    b.add_argument("--no-site", action="store_true",
                   help="skip the download page (OUT/site/), written after the PDFs by default")
    b.add_argument("--locales-dir", type=Path, default=None, metavar="DIR",
                   help="the catalogs folder (default: locales/)")

    sub.add_parser("list", help="list handouts and locales with their native names and status")

    s = sub.add_parser("site", help="write the download page OUT/site/ from OUT/manifest.json")
    s.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="build folder (default: dist/)")
    sv = sub.add_parser("serve", help="serve OUT/site/ on 127.0.0.1 to preview the download page")
    sv.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="build folder (default: dist/)")
    sv.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")

    pr = sub.add_parser("proof", help="one PNG with the first page of every locale, side by side")
    pr.add_argument("--handout", default="287g-basics", help="handout to show (default: %(default)s)")
    pr.add_argument("--paper", default="letter", help="paper to show (default: %(default)s)")
    pr.add_argument("--locale", action="append", metavar="CODE", help="locales (default: all)")
    pr.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR,
                    help="build folder; the sheet goes to OUT/proof-<handout>-<paper>.png")
    pr.add_argument("--contact", type=Path, default=DEFAULT_CONTACT_FILE, metavar="FILE")
    add_catalog_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    if args.command == "list":
        return cmd_list()
    if args.command == "catalog":
        return cmd_catalog(args)
    if args.command == "proof":
        return cmd_proof(args)
    if args.command == "site":
        return cmd_site(args.out)
    if args.command == "serve":
        return cmd_serve(args.out, args.port)
    return cmd_build(args)


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
    from .serve import serve
    try:
        serve(out_dir / site.SITE_DIRNAME, port)
    except OSError as exc:  # no site yet, or the port is taken
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_list() -> int:
    print("Handouts:")
    for h in content.HANDOUTS.values():
        print(f"  {h.name:<16} {h.pages} page(s)  {h.description}")
    print(f"Papers: {', '.join(f'{p.name} ({p.label})' for p in content.PAPERS.values())}")
    print("Locales:")
    for code in catalogs.available_locales():
        try:
            info = locale_info(code)
        except LocaleError as exc:  # a catalog folder named with a code CLDR does not know
            print(f"  {code:<8} BROKEN: {markup.one_line(str(exc))}")
            continue
        try:
            catalog = catalogs.load(code)
            stats = catalog.stats()
            status = "source text" if code == "en" else (
                f"{stats['percent']:.0f}% translated, {catalog.status.label}")
        except catalogs.CatalogError as exc:
            status = f"BROKEN: {exc}"
        print(f"  {code:<8} {info.native_name} / {info.english_name} [{info.direction}, "
              f"{info.script}]  {status}")
    return 0


def cmd_proof(args) -> int:
    """Build what the sheet needs (reusing good PDFs), then compose it."""
    from .proof import write_proof

    locales = _split(args.locale) or catalogs.available_locales()
    status = main(["build", "--handout", args.handout, "--paper", args.paper,
                   "--locale", ",".join(locales), "--out", str(args.out),
                   "--contact", str(args.contact), "--no-site"])
    pdfs = {code: path for code in locales
            if (path := args.out / code / f"{args.handout}-{args.paper}.pdf").exists()}
    if not pdfs:
        print("error: nothing to show", file=sys.stderr)
        return 1
    target = write_proof(pdfs, args.out / f"proof-{args.handout}-{args.paper}.png")
    print(f"proof sheet: {target} ({len(pdfs)} locales)")
    return status


def cmd_build(args) -> int:
    started = time.monotonic()
    handouts = _split(args.handout) or list(content.HANDOUTS)
    papers = _split(args.paper) or list(content.PAPERS)
    where = {"locales_dir": args.locales_dir} if args.locales_dir else {}
    requested = _split(args.locale)
    locales = requested or catalogs.available_locales(**where)
    # Only locales asked for by name stop the build; a catalog folder with an unknown code
    # fails on its own (naming its file) while the other locales build.
    problems = build.validate_selection(handouts, requested, papers)
    try:
        contact = load_contact(args.contact)
    except ContactError as exc:
        problems.append(str(exc))
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    options = build.BuildOptions(out_dir=args.out, contact=contact, strict=args.strict,
                                 print_shop=args.print_shop, force=args.force, **where)
    jobs = build.plan(handouts, locales, papers)
    with _progress(len(jobs)) as progress:
        results = build.run(jobs, options, progress=progress, workers=args.jobs)
    status = summarize(results, time.monotonic() - started)
    if not args.no_site:
        status = max(status, cmd_site(args.out))
    return status


@contextmanager
def _progress(total: int):
    """A progress bar (rich) on a terminal; elsewhere one quiet line per document laid out."""
    if total > 1 and sys.stdout.isatty():
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)
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
    fallback_by_locale = {}
    for r in results:
        if r.fallbacks:
            fallback_by_locale[r.job.locale] = max(fallback_by_locale.get(r.job.locale, 0),
                                                   r.fallbacks)
    for code, count in sorted(fallback_by_locale.items()):
        print(f"  {code}: {count} message(s) fell back to English")
    for r in failed:
        print(f"FAILED {r.label}:", file=sys.stderr)
        for problem in dict.fromkeys(r.problems):
            print(f"  - {problem}", file=sys.stderr)
    return 1 if failed else 0


def add_catalog_parser(sub) -> None:
    """`catalog ...`: the translator's commands (handouts/workflow.py; see TRANSLATING.md)."""
    from .paths import LOCALES_DIR
    from .workflow import PREVIEW_DIR

    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--locales-dir", type=Path, default=LOCALES_DIR, metavar="DIR",
                       help="the catalogs folder, with messages.pot (default: locales/)")
    c = sub.add_parser("catalog", help="translation catalogs: extract, init, update, check, "
                       "stats, preview, glossary (see TRANSLATING.md)")
    cs = c.add_subparsers(dest="action", metavar="ACTION", required=True)
    e = cs.add_parser("extract", parents=[where], help="write messages.pot from the templates")
    e.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if messages.pot is out of date (for CI)")
    i = cs.add_parser("init", parents=[where], help="start a new locale's catalog")
    i.add_argument("locale", metavar="LOCALE", help="CLDR locale code, e.g. ti, ur, pt_BR")
    u = cs.add_parser("update", parents=[where],
                      help="merge messages.pot into catalogs, keeping translations")
    u.add_argument("locales", nargs="*", metavar="LOCALE", help="default: every catalog")
    u.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if a catalog would change (for CI)")
    u.add_argument("--no-fuzzy-matching", action="store_true",
                   help="do not guess translations for changed messages")
    k = cs.add_parser("check", parents=[where], help="check catalogs; exit 1 on any error")
    k.add_argument("locales", nargs="*", metavar="LOCALE", help="default: every catalog")
    k.add_argument("--errors-only", action="store_true", help="do not print warnings")
    k.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    st = cs.add_parser("stats", parents=[where],
                       help="translated/fuzzy/untranslated per locale, review status")
    st.add_argument("locales", nargs="*", metavar="LOCALE", help="default: every catalog")
    st.add_argument("--json", action="store_true", help="machine-readable (the download page)")
    st.add_argument("--min-percent", type=float, metavar="N",
                    help="exit 1 if a listed locale is below N percent translated")
    pv = cs.add_parser("preview", parents=[where],
                       help="build one locale's handouts quickly into dist/preview/")
    pv.add_argument("locale", metavar="LOCALE")
    pv.add_argument("--paper", default="letter", choices=list(content.PAPERS),
                    help="paper (default: %(default)s)")
    pv.add_argument("--png", action="store_true", help="also write a PNG of every page")
    pv.add_argument("--handout", action="append", metavar="NAME",
                    help="only these handout(s) (default: all)")
    pv.add_argument("--out", type=Path, default=PREVIEW_DIR,
                    help="folder (default: dist/preview/); files go to OUT/<locale>/")
    pv.add_argument("--contact", type=Path, default=DEFAULT_CONTACT_FILE, metavar="FILE")
    pv.add_argument("--watch", action="store_true",
                    help="rebuild whenever the catalog, contact file or templates change")
    g = cs.add_parser("glossary", parents=[where],
                      help="print the table of every locale's term renderings")
    g.add_argument("--write", action="store_true", help="update the table in GLOSSARY.md")


def cmd_catalog(args) -> int:
    from . import workflow

    where = {"locales_dir": args.locales_dir}
    if args.action == "extract":
        return workflow.extract_command(check=args.check, **where)
    if args.action == "init":
        return workflow.init_command(args.locale, **where)
    if args.action == "update":
        return workflow.update_command(_split(args.locales), check=args.check,
                                       fuzzy_matching=not args.no_fuzzy_matching, **where)
    if args.action == "check":
        return workflow.check_command(_split(args.locales), errors_only=args.errors_only,
                                      strict=args.strict, **where)
    if args.action == "stats":
        return workflow.stats_command(_split(args.locales), as_json=args.json,
                                      min_percent=args.min_percent, **where)
    if args.action == "preview":
        return workflow.preview_command(args.locale, paper=args.paper, png=args.png,
                                        handouts=_split(args.handout) or None,
                                        out_dir=args.out, contact_path=args.contact,
                                        watch=args.watch, **where)
    return workflow.glossary_command(write=args.write, **where)
