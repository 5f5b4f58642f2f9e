"""The download page: OUT/manifest.json -> OUT/site/ (index.html, CSS, previews, ZIPs).

Static files only, so any plain file host serves it. The site folder holds its own copies of
the PDFs (so it can be uploaded on its own) under names that carry the locale, so downloads in
several languages do not overwrite each other. Every file is written atomically and index.html
last: a reader never gets a page that points at files not written yet.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import jinja2
import pypdfium2
from babel.dates import format_date
from babel.units import format_unit
from PIL import Image

from .. import content
from ..catalogs import LocaleError, LocaleInfo, locale_info, wanted_locales
from ..contact import Contact
from ..files import write_if_changed
from ..sources import Sources
from .languages import (
    TranslationStatus,
    search_terms,
    translated_title,
    translation_statuses,
)

SITE_DIRNAME = "site"
STATIC_FILES = ("site.css", "filter.js")

#: Previews are drawn at twice their CSS width, so they stay sharp on phone screens.
THUMB_CSS_WIDTH = 120
THUMB_PIXEL_WIDTH = 2 * THUMB_CSS_WIDTH
THUMB_WEBP_QUALITY = 70

ZIP_PREFIX = "287g-handouts"
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)   # fixed, so the same PDFs always give the same ZIP bytes

_SAFE_URL_RE = re.compile(r"^https?://[^\s\"'<>]+$")


class SiteError(RuntimeError):
    """The site cannot be generated (no manifest, or a broken one); str() names the file."""


@dataclass(frozen=True)
class FileLink:
    href: str          # relative to the site folder, POSIX
    size: str          # for people, e.g. "20 kB"
    count: int = 1


@dataclass(frozen=True)
class Thumb:
    src: str
    width: int         # CSS pixels, for the width/height attributes (no layout shift)
    height: int


@dataclass
class Download:
    paper: str
    paper_label: str
    pages: int
    fallbacks: int
    link: FileLink


@dataclass
class Card:
    handout: str
    label: str
    detail: str
    thumb: Thumb | None = None
    downloads: list[Download] = field(default_factory=list)


@dataclass
class Language:
    info: LocaleInfo
    status: TranslationStatus
    title: str
    title_lang: str
    search: str
    cards: list[Card] = field(default_factory=list)
    zip: FileLink | None = None
    missing: list[str] = field(default_factory=list)   # handouts that failed the build's checks

    @property
    def anchor(self) -> str:
        return f"lang-{self.info.tag}"


@dataclass(frozen=True)
class SiteSummary:
    index: Path
    languages: int
    documents: int
    site_bytes: int


# -- reading what the build made -------------------------------------------------------------

def read_manifest(out_dir: Path) -> dict:
    path = out_dir / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SiteError(f"{path}: no manifest; build the PDFs first "
                        "(`python build_pdf.py build`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SiteError(f"{path}: cannot read manifest: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise SiteError(f"{path}: manifest has no 'results' list")
    return data


def manifest_contact(manifest: dict) -> Contact | None:
    """The edition's contact details, as the build validated them (contact.parse_contact)."""
    details = manifest.get("contact_details")
    if not isinstance(details, dict):
        return None
    contact = Contact.from_values(details)
    if not _SAFE_URL_RE.match(contact.website_url):
        # a link only to the web, never javascript: or file:
        contact = dataclasses.replace(contact, website_url="")
    return contact


def human_size(size: int) -> str:
    """Sizes as people read them, through CLDR: '20 kB', '4.1 MB'."""
    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                           locale="en")
    return format_unit(size / 1_000_000, "digital-megabyte", length="short", format="#,##0.0",
                       locale="en")


def handout_label(name: str) -> tuple[str, str]:
    """('One-page flyer', 'what 287(g) is, ...') from the handout registry's description."""
    handout = content.HANDOUTS.get(name)
    if handout is None:
        return name, ""
    label, _, detail = handout.description.partition(":")
    return label.strip(), detail.strip()


# -- writing -----------------------------------------------------------------------------------

class _Writer:
    """Writes into the site folder atomically, skipping unchanged files, and remembers them."""

    def __init__(self, root: Path):
        self.root = root
        self.written: set[Path] = set()

    def write(self, relative: str, data: bytes, count: int = 1) -> FileLink:
        path = self.root / relative
        write_if_changed(path, data)
        self.written.add(path)
        return FileLink(relative, human_size(len(data)), count)

    def keep(self, relative: str) -> None:
        self.written.add(self.root / relative)

    def remove_stale(self) -> None:
        """Files left by an earlier build (a handout or language no longer built)."""
        for path in sorted(self.root.rglob("*"), reverse=True):
            if path.is_file() and path not in self.written:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def thumbnail(pdf: bytes) -> tuple[bytes, int, int]:
    """A small WebP of the first page and its pixel size, drawn by PDFium."""
    document = pypdfium2.PdfDocument(pdf)
    buffer = io.BytesIO()
    try:
        page = document[0]
        bitmap = page.render(scale=THUMB_PIXEL_WIDTH / page.get_width(), draw_annots=False)
        image = bitmap.to_pil()   # shares the bitmap's memory: encode before closing
        image.save(buffer, "WEBP", quality=THUMB_WEBP_QUALITY, method=6)
        bitmap.close()
        page.close()
    finally:
        document.close()
    return buffer.getvalue(), image.width, image.height


def _preview(writer: _Writer, stem: str, pdf: bytes) -> Thumb:
    """The preview of this exact PDF: drawn once, then reused while the PDF stays the same
    (its name carries a hash of the PDF and of the drawing settings, which also busts caches)."""
    settings = f"{THUMB_PIXEL_WIDTH}/{THUMB_WEBP_QUALITY}".encode()
    relative = f"{stem}.{hashlib.sha256(pdf + settings).hexdigest()[:10]}.webp"
    try:
        with Image.open(writer.root / relative) as existing:   # reads the header only
            width, height = existing.size
        writer.keep(relative)
    except OSError:
        image, width, height = thumbnail(pdf)
        writer.write(relative, image)
    return Thumb(relative, THUMB_CSS_WIDTH, round(height * THUMB_CSS_WIDTH / width))


def zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    """A ZIP whose bytes depend only on its members: sorted, fixed dates and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def _environment(site_templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(site_templates),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["plural"] = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
    return env


def _order_key(handout: str, paper: str) -> tuple:
    """Registry order (content.HANDOUTS, content.PAPERS), then anything newer by name."""
    handouts, papers = list(content.HANDOUTS), list(content.PAPERS)
    return (handouts.index(handout) if handout in handouts else len(handouts), handout,
            papers.index(paper) if paper in papers else len(papers), paper)


def _order(results: list[dict]) -> list[dict]:
    return sorted(results, key=lambda r: _order_key(r["handout"], r["paper"]))


def _collect(manifest: dict, out_dir: Path) -> tuple[dict[str, list[str]], dict[str, list[dict]]]:
    """locale -> handouts the build tried, and locale -> results whose PDF is really there."""
    attempted: dict[str, list[str]] = {}
    built: dict[str, list[dict]] = {}
    for result in manifest["results"]:
        if not (isinstance(result, dict) and all(isinstance(result.get(key), str)
                                                  for key in ("locale", "handout", "paper"))):
            continue
        handouts = attempted.setdefault(result["locale"], [])
        if result["handout"] not in handouts:
            handouts.append(result["handout"])
        if not (result.get("ok") and isinstance(result.get("file"), str)):
            continue
        source = (out_dir / result["file"]).resolve()
        if out_dir.resolve() not in source.parents or not source.is_file():
            continue  # listed but gone (or outside OUT): never link to what is not there
        built.setdefault(result["locale"], []).append({**result, "path": source})
    for handouts in attempted.values():
        handouts.sort(key=lambda h: _order_key(h, ""))
    return attempted, built


def _add_documents(language: Language, results: list[dict], writer: _Writer
                   ) -> list[tuple[str, bytes]]:
    """Copy each PDF into the site, one card per handout; returns the ZIP's members."""
    code = language.info.code
    members = []
    for result in results:
        pdf = result["path"].read_bytes()
        name = f"{code}/{PurePosixPath(result['file']).stem}-{code}.pdf"
        link = writer.write(f"pdf/{name}", pdf)
        members.append((name, pdf))
        card = next((c for c in language.cards if c.handout == result["handout"]), None)
        if card is None:
            card = Card(result["handout"], *handout_label(result["handout"]))
            language.cards.append(card)
        if card.thumb is None:  # one preview per handout: every paper looks the same small
            card.thumb = _preview(writer, f"thumbs/{code}/{PurePosixPath(result['file']).stem}",
                                  pdf)
        paper = content.PAPERS.get(result["paper"])
        card.downloads.append(Download(result["paper"], paper.label if paper else result["paper"],
                                       int(result.get("pages") or 0),
                                       int(result.get("fallbacks") or 0), link))
    return members


def wanted_languages(locales_dir: Path) -> list[LocaleInfo]:
    """Languages wanted (locale.toml or wanted.toml) but not translated yet, by English name;
    a broken definition is left out here (`catalog check` and `list` name its file and
    line)."""
    infos = []
    for code in wanted_locales(locales_dir):
        try:
            infos.append(locale_info(code, locales_dir))
        except LocaleError:
            continue
    return sorted(infos, key=lambda info: info.english_name.casefold())


def manifest_sources(manifest: dict, path: Path) -> Sources:
    """The folders the build read, as it recorded them (a manifest older than that: error)."""
    recorded = manifest.get("sources")
    try:
        return Sources.from_json(recorded)  # type: ignore[arg-type]
    except (TypeError, KeyError, AttributeError):
        raise SiteError(f"{path}: the manifest does not say which templates and catalogs the "
                        "build read; build again (`python build_pdf.py build`)") from None


def generate(out_dir: Path, sources: Sources | None = None) -> SiteSummary:
    """Write OUT/site/ from what OUT/manifest.json says was built, reading the locales and
    templates folders the build read (or those of `sources`)."""
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)
    sources = sources or manifest_sources(manifest, out_dir / "manifest.json")
    writer = _Writer(out_dir / SITE_DIRNAME)
    attempted, built = _collect(manifest, out_dir)
    languages, everything = [], []
    statuses = translation_statuses(sources.locales)
    for code in attempted:
        try:
            info = locale_info(code, sources.locales)
        except LocaleError:
            continue
        title, title_lang = translated_title(code, info, sources.locales)
        status = statuses.get(code) or TranslationStatus("not reviewed", 0.0, False,
                                                          problem="no catalog")
        language = Language(info, status, title, title_lang, search_terms(info))
        members = _add_documents(language, _order(built.get(code, [])), writer)
        language.missing = [handout_label(h)[0] for h in attempted[code]
                            if not any(card.handout == h for card in language.cards)]
        if members:
            language.zip = writer.write(f"zip/{ZIP_PREFIX}-{code}.zip", zip_bytes(members),
                                        len(members))
        everything += members
        languages.append(language)
    languages.sort(key=lambda lang: lang.info.english_name.casefold())
    wanted = wanted_languages(sources.locales)

    all_zip = None
    if everything:
        all_zip = writer.write(f"zip/{ZIP_PREFIX}-all-languages.zip", zip_bytes(everything),
                               len(everything))
    assets = {}
    for name in STATIC_FILES:
        data = (sources.site_templates / name).read_bytes()
        writer.write(name, data)
        assets[name] = f"{name}?v={hashlib.sha256(data).hexdigest()[:10]}"

    contact = manifest_contact(manifest)
    html = _environment(sources.site_templates).get_template("index.html").render(
        languages=languages, wanted=wanted, all_zip=all_zip, assets=assets, contact=contact,
        edition=contact.name if contact else "",
        contact_name=(contact.display_name if contact else str(manifest.get("contact") or "")),
        reviewed_date=format_date(content.CONTENT_REVIEWED, format="long", locale="en"),
        reviewed_iso=content.CONTENT_REVIEWED.isoformat(), main_source=content.MAIN_SOURCE,
        documents=len(everything))
    index = writer.root / "index.html"
    writer.write("index.html", html.encode("utf-8"))
    writer.remove_stale()
    site_bytes = sum(p.stat().st_size for p in writer.written)
    return SiteSummary(index, len(languages), len(everything), site_bytes)
