"""The translator's commands: `catalog extract|init|update|check|stats|preview|glossary`.

Each command prints for people and returns an exit status; the work is done by the catalogs
stage (workflow, rules, stats) and, for `preview`, the build stage's pipeline.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Literal

from ..catalogs import (
    ERROR,
    SOURCE_LOCALE,
    CatalogError,
    CatalogIssue,
    LocaleDefinitionError,
    LocaleError,
    available_locales,
    check_catalogs,
    locale_info,
    shown_path,
    wanted_locales,
)
from ..catalogs.plurals import gettext_plural
from ..catalogs.stats import catalog_stats
from ..catalogs.workflow import (
    WorkflowError,
    embed_glossary_table,
    extract_pot,
    glossary_table,
    init_locale,
    update_catalogs,
)
from ..files import write_if_changed
from ..sources import Sources, catalog_path, shipped
from .parser import PREVIEW_DIR, split_values

#: The glossary document whose table `catalog glossary --write` refreshes (in the checkout).
GLOSSARY_DOC = Path("GLOSSARY.md")


def run(args) -> int:
    """Dispatch `catalog ACTION` with the locales folder made explicit."""
    where = {"locales_dir": args.locales_dir or shipped("locales")}
    codes = split_values(getattr(args, "locales", None))
    if args.action == "extract":
        return extract_command(check=args.check, **where)
    if args.action == "init":
        return init_command(args.locale, **where)
    if args.action == "update":
        return update_command(codes, check=args.check,
                              fuzzy_matching=not args.no_fuzzy_matching, **where)
    if args.action == "check":
        return check_command(codes, errors_only=args.errors_only, strict=args.strict, **where)
    if args.action == "stats":
        return stats_command(codes, as_json=args.json, min_percent=args.min_percent, **where)
    if args.action == "preview":
        return preview_command(args.locale, paper=args.paper, png=args.png,
                               handouts=split_values(args.handout) or None, out_dir=args.out,
                               contact_file=args.contact, watch=args.watch, **where)
    return glossary_command(write=args.write, **where)


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def extract_command(*, check: bool = False, locales_dir: Path) -> int:
    pot = locales_dir / "messages.pot"
    result = extract_pot(shipped("templates"), pot, write=not check)
    shown = shown_path(pot)
    if check:
        if result.changed:
            _err(f"{shown} is out of date with templates/: run `python build_pdf.py catalog "
                 "extract`, then `catalog update`")
            return 1
        print(f"{shown} is up to date ({result.messages} messages)")
        return 0
    print(f"{shown}: {result.messages} messages, "
          + ("updated; now run `python build_pdf.py catalog update`" if result.changed
             else "unchanged"))
    return 0


def init_command(code: str, *, locales_dir: Path) -> int:
    from ..fonts import FontError, require_fonts

    try:
        created = init_locale(code, locales_dir)
    except (WorkflowError, LocaleError, CatalogError) as exc:
        _err(str(exc))
        return 2
    info = locale_info(code, locales_dir)
    for path in created:
        print(f"created {shown_path(path)}")
    if catalog_path(locales_dir, code) not in created:
        print(f"kept {shown_path(catalog_path(locales_dir, code))} (it exists)")
    print(f"{info.native_name} / {info.english_name}: script {info.script}, "
          f"{'right-to-left' if info.rtl else 'left-to-right'}, "
          f"{gettext_plural(info.plural_rule).nplurals} plural form(s) ({info.plural_source}: "
          f"{', '.join(gettext_plural(info.plural_rule).categories)})")
    try:
        print(f"fonts: {', '.join(require_fonts(info.script))}")
    except FontError as exc:
        print(f"warning: {exc}. Translating can start; building needs the font.",
              file=sys.stderr)
    print(f"next: translate {shown_path(catalog_path(locales_dir, code))}, then "
          f"`python build_pdf.py catalog check {code}` and `catalog preview {code}`")
    return 0


def update_command(codes: list[str], *, check: bool = False, fuzzy_matching: bool = True,
                   locales_dir: Path) -> int:
    try:
        results = update_catalogs(codes or None, locales_dir, fuzzy_matching=fuzzy_matching,
                                  write=not check)
    except CatalogError as exc:
        _err(str(exc))
        return 2
    status = 0
    for r in results:
        if r.error:
            _err(f"{r.code}: not updated: {r.error}")
            status = 2
            continue
        what = ", ".join(f"{len(v)} {k}" for k, v in (("new", r.added), ("fuzzy", r.fuzzy),
                                                      ("obsolete", r.obsolete)) if v)
        verb = ("would change" if check else "updated") if r.changed else "up to date"
        print(f"{r.code:<8} {verb}" + (f" ({what})" if what else ""))
        if r.replaced_plural_forms:
            print(f"         Plural-Forms was {r.replaced_plural_forms!r}, now CLDR's: check "
                  "each plural message's msgstr[] (one per form, in CLDR's order)")
        if check and r.changed:
            status = max(status, 1)
    return status


def check_command(codes: list[str], *, errors_only: bool = False, strict: bool = False,
                  locales_dir: Path) -> int:
    every = not codes
    codes = codes or [c for c in available_locales(locales_dir) if c != SOURCE_LOCALE]
    for code in codes:
        try:
            locale_info(code, locales_dir)
        except LocaleError as exc:
            _err(str(exc))
            return 2
    results = check_catalogs(codes, locales_dir)
    if every:  # the definitions of languages still waiting for a translator, too
        results.update(check_definitions(wanted_locales(locales_dir), locales_dir))
    errors = warnings = 0
    for issues in results.values():
        for issue in issues:
            if issue.severity == ERROR:
                errors += 1
            else:
                warnings += 1
                if errors_only:
                    continue
            print(issue)
    summary = []
    for code, issues in results.items():
        if code:
            kinds = _count_kinds(issues)
            summary.append(f"  {code:<8} " + (", ".join(f"{n} {k}" for k, n in kinds.items())
                                               or "clean"))
    print(f"\n{errors} error(s), {warnings} warning(s) in {len(codes)} catalog(s)")
    print("\n".join(summary))
    return 1 if errors or (strict and warnings) else 0


def check_definitions(codes: list[str], locales_dir: Path) -> dict[str, list[CatalogIssue]]:
    """A locale.toml without a catalog is checked too: 'FILE:LINE: error: key: problem'."""
    results: dict[str, list[CatalogIssue]] = {}
    for code in codes:
        try:
            locale_info(code, locales_dir)
            results[code] = []
        except LocaleDefinitionError as exc:
            results[code] = [CatalogIssue(exc.path, exc.line, "", exc.problem, ERROR,
                                          "definition")]
    return results


def _count_kinds(issues: list[CatalogIssue]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for issue in issues:
        label = f"{issue.kind or 'other'} {issue.severity}s"
        counts[label] = counts.get(label, 0) + 1
    return counts


def stats_command(codes: list[str], *, as_json: bool = False, min_percent: float | None = None,
                  locales_dir: Path) -> int:
    try:
        rows = [row.as_dict() for row in catalog_stats(locales_dir)]
    except CatalogError as exc:
        _err(str(exc))
        return 2
    if codes:
        rows = [r for r in rows if r["locale"] in codes]
        unknown = sorted(set(codes) - {r["locale"] for r in rows})
        if unknown:
            _err(f"no catalog for {', '.join(unknown)}")
            return 2
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        print_stats_table(rows)
    if min_percent is not None:
        below = [r for r in rows if r["percent"] < min_percent]
        for r in below:
            _err(f"{r['locale']} is {r['percent']:.1f}% translated, below --min-percent "
                 f"{min_percent:g}")
        return 1 if below else 0
    return 0


def print_stats_table(rows: list[dict]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    columns: tuple[tuple[str, Literal["left", "right"]], ...] = (
        ("Locale", "left"), ("Language", "left"), ("Dir", "left"), ("Translated", "right"),
        ("Fuzzy", "right"), ("Untranslated", "right"), ("Words left", "right"), ("%", "right"),
        ("Review", "left"), ("Last updated", "left"))
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=True)
    for r in rows:
        review = r["review_status"]
        if r["reviewed_by"]:
            review += f" by {r['reviewed_by']} on {r['reviewed_on']}"
        table.add_row(r["locale"], f"{r['native_name']} / {r['english_name']}", r["direction"],
                      f"{r['translated']}/{r['total']}", str(r["fuzzy"]),
                      str(r["untranslated"]), str(r["words_left"]), f"{r['percent']:.1f}",
                      "BROKEN: see `catalog check`" if r["error"] else review,
                      r["last_updated"].replace("T", " "))
    console = Console(width=None if sys.stdout.isatty() else 200, highlight=False)
    console.print(table)


def preview_command(code: str, *, paper: str = "letter", png: bool = False,
                    handouts: list[str] | None = None, out_dir: Path = PREVIEW_DIR,
                    contact_file: Path | None = None, watch: bool = False,
                    locales_dir: Path) -> int:
    from ..build.preview import preview, snapshot, watched_files
    from ..contact import ContactError

    def once() -> int:
        try:
            sources = Sources.shipped(locales=locales_dir, contact_file=contact_file)
            result = preview(code, sources, out_dir, paper=paper, png=png, handouts=handouts)
        except (CatalogError, LocaleError, ContactError, WorkflowError) as exc:
            _err(str(exc))
            return 2
        for path in result.pdfs:
            print(f"{'unchanged' if path in result.reused else 'wrote':<9} "
                  f"{shown_path(path)}")
        if result.pngs:
            print(f"pages as PNG: {', '.join(shown_path(p) for p in result.pngs)}")
        if result.fallbacks:
            print(f"{len(result.fallbacks)} message(s) print in English (untranslated, fuzzy "
                  f"or with errors): `python build_pdf.py catalog check {code}` lists them")
        for problem in dict.fromkeys(result.problems):
            print(f"problem: {problem}", file=sys.stderr)
        laid_out = len(result.pdfs) - len(result.reused)
        print(f"preview of {code} ({paper}): {laid_out} laid out, {len(result.reused)} "
              f"unchanged, in {result.seconds:.2f} s")
        return 1 if result.problems else 0

    status = once()
    if not watch:
        return status
    files = watched_files(code, Sources.shipped(locales=locales_dir, contact_file=contact_file),
                          contact_file)
    seen = snapshot(files)
    print("watching the catalog, contact file and templates; Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(0.3)
            now = snapshot(files)
            if now != seen:
                seen = now
                status = once()
                sys.stdout.flush()
    except KeyboardInterrupt:
        return status


def glossary_command(*, write: bool = False, locales_dir: Path,
                     document: Path = GLOSSARY_DOC) -> int:
    try:
        table = glossary_table(locales_dir)
    except CatalogError as exc:
        _err(str(exc))
        return 2
    if not write:
        print(table, end="")
        return 0
    try:
        updated = embed_glossary_table(document.read_text(encoding="utf-8"), table)
    except (OSError, WorkflowError) as exc:
        _err(str(exc))
        return 2
    changed = write_if_changed(document, updated.encode())
    print(f"{shown_path(document)} {'updated' if changed else 'already up to date'}")
    return 0
