"""What a worker does: an edition (contact details x languages x handouts x papers) built into
a storage folder, a flyer preview, and a translator's preview of an uploaded catalog.

Each function takes plain values (picklable: a pool process or a remote worker runs it),
validates them again, and calls the same build, site and preview code as the command line.
Progress goes to a JSON file the service reads, so a page reload or another process sees it.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..build import matrix
from ..build.preview import preview
from ..catalogs import ERROR, CatalogError, check_catalog, load
from ..catalogs.po import read_catalog_file
from ..catalogs.stats import count
from ..contact import Contact, parse_contact
from ..files import write_atomically
from ..site import page as site
from ..sources import Sources

PROGRESS_FILE = "progress.json"
EDITION_ZIP = "edition.zip"
CONTACT_FILE = "contact.toml"
PREVIEW_HANDOUT = "287g-basics"
#: Sharp at the width the pages show it (about 350 CSS px, twice that on phones).
PREVIEW_DPI = 80


@dataclass(frozen=True)
class EditionRequest:
    """Everything an edition is made of; its digest (with the build's inputs) names it."""
    contact: dict
    locales: tuple[str, ...]
    handouts: tuple[str, ...]
    papers: tuple[str, ...]
    print_shop: bool = False

    def to_json(self) -> dict:
        return asdict(self)

    def jobs(self) -> list[matrix.Job]:
        return matrix.plan(list(self.handouts), list(self.locales), list(self.papers))


@dataclass
class Progress:
    state: str = "queued"        # queued, running, done, failed
    done: int = 0
    total: int = 0
    failures: list[dict] = field(default_factory=list)   # {"document", "reasons"}
    error: str = ""

    @classmethod
    def read(cls, folder: Path) -> "Progress | None":
        try:
            data = json.loads((folder / PROGRESS_FILE).read_text(encoding="utf-8"))
            return cls(**{k: data[k] for k in asdict(cls()) if k in data})
        except (OSError, ValueError, TypeError):
            return None

    def write(self, folder: Path) -> None:
        write_atomically(folder / PROGRESS_FILE,
                         json.dumps(asdict(self), ensure_ascii=False).encode())


def contact_toml(contact: dict) -> str:
    """The contact details as the command line's --contact file (keys as typed, quoted)."""
    lines = ["# Contact details of this edition: build_pdf.py --contact THIS_FILE"]
    for key, value in contact.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f"{key} = {json.dumps(str(value), ensure_ascii=False)}")
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # what we offer for download must read back
    return text


def build_edition(request: dict, folder: str, templates: str, locales: str,
                  queue: str = "") -> dict:
    """Build an edition into folder: PDFs, its download page, a ZIP and its contact file.

    A document that fails is reported with its reasons and the rest still build. With a
    queue (a Redis URL) the documents are laid out by its workers; this process writes them.
    """
    out = Path(folder)
    wanted = EditionRequest(**{**request, **{k: tuple(request[k])
                                             for k in ("locales", "handouts", "papers")}})
    contact = parse_contact(wanted.contact, "form")
    sources = Sources(Path(templates), Path(locales), contact, print_shop=wanted.print_shop)
    jobs = wanted.jobs()
    progress = Progress(state="running", total=len(jobs))
    progress.write(out)

    def advance(result: matrix.JobResult) -> None:
        progress.done += 1
        if not result.ok:
            progress.failures.append({"document": result.label,
                                      "reasons": list(dict.fromkeys(result.problems))[:5]})
        progress.write(out)

    dist = out / "dist"
    executor = None
    if queue:
        from ..build.distributed import QueueExecutor
        executor = QueueExecutor(queue)
    results = matrix.run(jobs, matrix.BuildOptions(sources, out_dir=dist), progress=advance,
                         workers=1, executor=executor)
    if any(r.ok for r in results):
        site.generate(dist, sources)
        members = [(f"{site.ZIP_PREFIX}/{Path(r.path).relative_to(dist)}",
                    Path(r.path).read_bytes()) for r in results if r.ok]
        write_atomically(out / EDITION_ZIP, site.zip_bytes(members))
    write_atomically(out / CONTACT_FILE, contact_toml(wanted.contact).encode())
    shutil.rmtree(dist / ".cache", ignore_errors=True)
    progress.state = "done" if any(r.ok for r in results) else "failed"
    if progress.state == "failed":
        progress.error = "no document could be built"
    progress.write(out)
    return asdict(progress)


#: The scale each flyer last fitted at in this worker process, by locale, paper and mode:
#: where the next preview's fit loop starts (other contact details rarely change it).
_SCALE_HINTS: dict[tuple[str, bool], dict[str, int]] = {}


def preview_flyer(contact: dict, locale: str, paper: str, print_shop: bool, folder: str,
                  templates: str, locales: str) -> dict:
    """The flyer in one language with these contact details: PDF and page image."""
    sources = Sources(Path(templates), Path(locales), parse_contact(contact, "form"),
                      print_shop=print_shop)
    hints = _SCALE_HINTS.setdefault((locale, print_shop), {})
    result = preview(locale, sources, Path(folder), paper=paper, png=True,
                     handouts=[PREVIEW_HANDOUT], dpi=PREVIEW_DPI, scale_hints=hints)
    hints.update(result.scales)
    return _preview_summary(result, Path(folder))


def preview_translation(code: str, upload_name: str, folder: str, templates: str,
                        contact: dict) -> dict:
    """An uploaded catalog (already in folder/locales/<code>/...): check report, statistics
    and the flyer rendered with it, fallbacks visibly marked."""
    out = Path(folder)
    locales = out / "locales"
    catalog_file = locales / code / "LC_MESSAGES" / "messages.po"

    def shown(issue) -> dict:
        where = upload_name if Path(issue.path) == catalog_file else Path(issue.path).name
        return {"where": f"{where}:{issue.line}" if issue.line else where,
                "severity": issue.severity, "problem": issue.problem,
                "msgid": issue.msgid[:80]}

    issues = [shown(i) for i in check_catalog(code, locales,
                                              template=read_catalog_file(locales / "messages.pot"))]
    report = {"code": code, "issues": issues,
              "errors": sum(1 for i in issues if i["severity"] == ERROR)}
    try:
        loaded = load(code, locales)
    except CatalogError:
        return {**report, "stats": None, "preview": None}
    stats = count(loaded, read_catalog_file(locales / "messages.pot"))
    report["stats"] = stats.as_dict()
    sources = Sources(Path(templates), locales, parse_contact(contact, "default contact"))
    result = preview(code, sources, out / "pdf", paper="letter", png=True,
                     handouts=[PREVIEW_HANDOUT], dpi=PREVIEW_DPI)
    report["preview"] = _preview_summary(result, out / "pdf")
    return report


def _preview_summary(result, root: Path) -> dict:
    return {"pdfs": [str(p.relative_to(root)) for p in result.pdfs],
            "pngs": [str(p.relative_to(root)) for p in result.pngs],
            "problems": [_strip_paths(p, root) for p in result.problems],
            "fallbacks": len(result.fallbacks), "scales": result.scales}


def _strip_paths(text: str, root: Path) -> str:
    """Problems may name server folders: readers see names relative to the upload."""
    return text.replace(str(root) + "/", "").replace(str(root.resolve()) + "/", "")


def contact_values(contact: Contact) -> dict:
    """The settable keys of a validated contact, for re-validation in a worker."""
    keys = ("name", "phone", "whatsapp", "email", "website", "address", "hours",
            "free_advice", "consultation_minutes", "region", "qr", "download_url")
    values = asdict(contact)
    return {k: values[k] for k in keys if values[k] not in ("", 0, False) or k == "region"}

