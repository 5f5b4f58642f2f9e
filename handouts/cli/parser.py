"""The argument parser: every command and option, documented by its own help (README quotes
it, and tests/test_docs.py checks that the two agree)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .. import content

#: Where the build writes when --out is not given: dist/ in the current folder.
DEFAULT_OUT_DIR = Path("dist")
PREVIEW_DIR = DEFAULT_OUT_DIR / "preview"
#: The commands; anything else on the command line is a `build` option.
COMMANDS = ("build", "list", "proof", "site", "serve", "web", "worker", "catalog")


def split_values(values: list[str] | None) -> list[str]:
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
                   help="output folder (default: dist/); PDFs go to "
                   "OUT/<locale>/<handout>-<paper>.pdf")
    b.add_argument("--contact", type=Path, default=None, metavar="FILE",
                   help="TOML file with your organization's contact details "
                   "(default: the shipped contacts/default.toml)")
    b.add_argument("--strict", action="store_true",
                   help="fail when any message falls back to English")
    b.add_argument("--print-shop", action="store_true",
                   help="add 0.125 in bleed and crop marks for a print shop")
    b.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N",
                   help="documents laid out at once (default: the number of cores, "
                   f"{os.cpu_count() or 1}; with --queue: documents in flight, default twice "
                   "the processes of the workers that answer)")
    b.add_argument("--queue", metavar="URL", default=None,
                   help="lay the documents out on the workers of this Redis queue, e.g. "
                   "redis://HOST:6379/0 (see docs/DEPLOYMENT.md); files are still written "
                   "here (default: this machine's processes)")
    b.add_argument("--force", action="store_true",
                   help="rebuild every PDF, even those whose inputs have not changed")
    b.add_argument("--no-site", action="store_true",
                   help="skip the download page (OUT/site/), written after the PDFs by default")
    b.add_argument("--locales-dir", type=Path, default=None, metavar="DIR",
                   help="the catalogs folder (default: the shipped locales/)")

    ls = sub.add_parser("list", help="list handouts and locales with their native names and "
                        "status")
    ls.add_argument("--locales-dir", type=Path, default=None, metavar="DIR",
                    help="the catalogs folder (default: the shipped locales/)")

    s = sub.add_parser("site", help="write the download page OUT/site/ from OUT/manifest.json")
    s.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR,
                   help="build folder (default: dist/)")
    sv = sub.add_parser("serve", help="serve OUT/site/ on 127.0.0.1 to preview the download page")
    sv.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR,
                    help="build folder (default: dist/)")
    sv.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")

    pr = sub.add_parser("proof", help="one PNG with the first page of every locale, side by side")
    pr.add_argument("--handout", default="287g-basics",
                    help="handout to show (default: %(default)s)")
    pr.add_argument("--paper", default="letter", help="paper to show (default: %(default)s)")
    pr.add_argument("--locale", action="append", metavar="CODE", help="locales (default: all)")
    pr.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR,
                    help="build folder; the sheet goes to OUT/proof-<handout>-<paper>.png")
    pr.add_argument("--contact", type=Path, default=None, metavar="FILE",
                    help="contact file (default: the shipped contacts/default.toml)")
    add_web_parser(sub)
    wk = sub.add_parser("worker", help="lay out documents for builds sent to a Redis queue "
                        "(--queue), on this machine")
    wk.add_argument("--queue", metavar="URL", default=os.environ.get("HANDOUTS_QUEUE"),
                    help="the queue, e.g. redis://HOST:6379/0 (default: $HANDOUTS_QUEUE)")
    wk.add_argument("--concurrency", "-c", type=_positive, default=os.cpu_count() or 1,
                    metavar="N", help="documents laid out at once (default: the number of "
                    "cores, %(default)s)")
    wk.add_argument("--name", default="", help="this worker's name in logs (default: "
                    "handouts<pid>@<host name>)")
    add_catalog_parser(sub)
    return parser


#: What each service setting means, for `web --help` (the README's table is that help).
WEB_HELP = {
    "host": "address to listen on (default: %s; set 0.0.0.0 only behind a reverse proxy)",
    "port": "port (default: %s)",
    "storage": "folder for finished editions, previews and uploads (default: %s/)",
    "storage_mb": "size cap of the storage folder in MB; least recently used objects go "
                  "first (default: %s)",
    "build_workers": "worker processes building editions (default: %s)",
    "preview_workers": "worker processes drawing previews (default: %s)",
    "queue_size": "tasks that may wait per kind beyond the running ones; then 503 "
                  "(default: %s)",
    "job_seconds": "time limit of one edition build, in seconds (default: %s)",
    "preview_seconds": "time limit of one preview, in seconds (default: %s)",
    "max_request_kb": "largest request body in KB; larger gets 413 (default: %s)",
    "max_upload_kb": "largest uploaded catalog in KB (default: %s)",
    "rate_per_minute": "requests per minute per client address; then 429 (default: %s)",
    "posts_per_minute": "form posts per minute per client address (default: %s)",
    "trusted_proxy": "address of a reverse proxy whose X-Forwarded-For is believed "
                     "(default: none)",
    "secret": "key signing the forms' CSRF cookie (default: random at each start)",
    "max_documents": "largest edition one form may ask for, in documents (default: %s)",
    "queue": "lay editions' documents out on the workers of this Redis queue, e.g. "
             "redis://HOST:6379/0 (default: the service's own build workers)",
}


def add_web_parser(sub) -> None:
    """`web`: the edition service (handouts/service/); each flag also reads HANDOUTS_<NAME>."""
    from dataclasses import fields

    from ..service.config import ENV_PREFIX, ServiceConfig

    w = sub.add_parser("web", help="run the edition service (forms for outreach groups and "
                       "translators) on 127.0.0.1:8000",
                       description="Each setting is a flag or an environment variable "
                       f"{ENV_PREFIX}<NAME> (e.g. {ENV_PREFIX}PORT); a flag wins.")
    for f in fields(ServiceConfig):
        kind = type(f.default)
        text = WEB_HELP[f.name]
        w.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, default=None,
                       type=Path if kind is Path else kind, metavar=f.name.upper(),
                       help=(text % f.default if "%s" in text else text)
                       + f" [{ENV_PREFIX}{f.name.upper()}]")


def add_catalog_parser(sub) -> None:
    """`catalog ...`: the translator's commands (handouts/cli/catalog.py; see TRANSLATING.md)."""
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--locales-dir", type=Path, default=None, metavar="DIR",
                       help="the catalogs folder, with messages.pot (default: the shipped "
                       "locales/)")
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
    pv.add_argument("--contact", type=Path, default=None, metavar="FILE",
                    help="contact file (default: the shipped contacts/default.toml)")
    pv.add_argument("--watch", action="store_true",
                    help="rebuild whenever the catalog, contact file or templates change")
    g = cs.add_parser("glossary", parents=[where],
                      help="print the table of every locale's term renderings")
    g.add_argument("--write", action="store_true", help="update the table in GLOSSARY.md")

