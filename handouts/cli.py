"""The command line: `python build_pdf.py [build|list] ...`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import build, catalogs, content
from .contact import ContactError, load_contact
from .locales import locale_info
from .paths import DEFAULT_CONTACT_FILE, DEFAULT_OUT_DIR

COMMANDS = ("build", "list")


def _split(values: list[str] | None) -> list[str]:
    return [v for value in values or [] for v in value.split(",") if v]


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

    sub.add_parser("list", help="list handouts and locales with their native names and status")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    args = make_parser().parse_args(argv)
    if args.command == "list":
        return cmd_list()
    return cmd_build(args)


def cmd_list() -> int:
    print("Handouts:")
    for h in content.HANDOUTS.values():
        print(f"  {h.name:<16} {h.pages} page(s)  {h.description}")
    print(f"Papers: {', '.join(f'{p.name} ({p.label})' for p in content.PAPERS.values())}")
    print("Locales:")
    for code in catalogs.available_locales():
        info = locale_info(code)
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


def cmd_build(args) -> int:
    started = time.monotonic()
    handouts = _split(args.handout) or list(content.HANDOUTS)
    papers = _split(args.paper) or list(content.PAPERS)
    locales = _split(args.locale) or catalogs.available_locales()
    problems = build.validate_selection(handouts, locales, papers)
    try:
        contact = load_contact(args.contact)
    except ContactError as exc:
        problems.append(str(exc))
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    options = build.BuildOptions(out_dir=args.out, contact=contact, strict=args.strict,
                                 print_shop=args.print_shop)
    jobs = build.plan(handouts, locales, papers)

    def progress(result):
        mark = "ok  " if result.ok else "FAIL"
        extra = f" ({result.fallbacks} fallback)" if result.fallbacks else ""
        print(f"{mark} {result.label}{extra}", flush=True)

    results = build.run(jobs, options, progress=progress)
    return summarize(results, time.monotonic() - started)


def summarize(results, seconds: float) -> int:
    failed = [r for r in results if not r.ok]
    print(f"\n{len(results) - len(failed)} built, {len(failed)} failed in {seconds:.1f} s")
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
