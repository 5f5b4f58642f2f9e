"""Incremental builds: a content-addressed cache of finished (checked) build results.

A job's key is a SHA-256 over every input that can change its PDF: the templates and assets,
the locale's catalog bytes, the contact details, the font files of the locale's families
(path, size, mtime), the versions of the Python libraries and the files of the system
libraries (Pango, HarfBuzz, fontconfig, FreeType) that lay out and write the PDF, this
package's own source, the options (handout, paper, print-shop, strict) and, for a print shop,
the output profile's bytes. Equal key, equal PDF: a rebuild with nothing changed renders
nothing and writes nothing.

Results live beside the output, one folder per output slot:
OUT/.cache/<locale>/<handout>-<paper>/<key>.json (+ <key>.blob, the PDF of a good result:
named so that nothing looking for *.pdf under OUT mistakes it for a handout). Failures
that follow from the inputs (a page-budget overflow, a broken catalog, a failed check) are
cached too, so a rebuild reports them again without laying them out again; unexpected errors
(a crashed worker, a bug) never are. Each slot keeps its last few results, so going back to
an earlier catalog or contact file is also instant.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .. import fonts
from ..catalogs import SOURCE_LOCALE, locale_info
from ..catalogs.definitions import DEFINITION_FILE
from ..render import printshop
from ..sources import Sources, catalog_path

#: Bump when the meaning of a cached entry changes.
CACHE_FORMAT = 1
CACHE_DIRNAME = ".cache"
BLOB = ".blob"
#: Results kept per output slot (the newest first): enough to undo an edit without a rebuild.
KEEP_PER_SLOT = 3
#: Libraries whose version can change a PDF's bytes or its checks.
PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "tinyhtml5", "cssselect2",
            "pyphen", "babel", "jinja2", "markupsafe", "phonenumbers", "segno", "pypdf",
            "pikepdf")
#: System libraries that lay out and subset (sonames as `ldconfig -p` lists them).
SYSTEM_LIBRARIES = ("libpango-1.0.so", "libpangoft2-1.0.so", "libharfbuzz.so",
                    "libharfbuzz-subset.so", "libfontconfig.so", "libfreetype.so")
#: Template folders that no PDF reads (the download page's own templates).
NOT_PDF_INPUTS = frozenset({"site"})
#: The package root: every module below it, in every sub-package, is an input.
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _sha(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return "absent"


def tree_digest(root: Path, pattern: str = "**/*", skip_dirs=frozenset()) -> str:
    """Every file's relative path and bytes under root (hidden files and caches skipped)."""
    parts = []
    for path in sorted(root.glob(pattern)):
        rel = path.relative_to(root)
        if (not path.is_file() or any(p.startswith(".") or p == "__pycache__" for p in rel.parts)
                or rel.parts[0] in skip_dirs):
            continue
        parts += [rel.as_posix().encode(), path.read_bytes()]
    return _sha(*parts)


@functools.lru_cache(maxsize=1)
def source_digest() -> str:
    """This package's Python source, sub-packages included (recursive: a module moved into a
    sub-package is still an input), asked once per process."""
    return tree_digest(PACKAGE_DIR, "**/*.py")


@functools.lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


@functools.lru_cache(maxsize=1)
def system_libraries() -> dict[str, str]:
    """The installed Pango, HarfBuzz, fontconfig and FreeType files (size, mtime): a system
    upgrade rebuilds. Without ldconfig (not Linux), the package versions have to do."""
    if not shutil.which("ldconfig") and not Path("/sbin/ldconfig").exists():
        return {}
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    out = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        name, _, path = line.strip().partition(" => ")
        soname = name.split(" ", 1)[0]
        if any(soname.startswith(lib + ".") for lib in SYSTEM_LIBRARIES) and path:
            try:
                stat = os.stat(path)
                found[soname] = f"{os.path.realpath(path)} {stat.st_size} {stat.st_mtime_ns}"
            except OSError:
                pass
    return found


@functools.lru_cache(maxsize=1)
def _font_files_by_family() -> dict[str, tuple[str, ...]]:
    """fontconfig's view, asked once: family name -> the files of all its styles."""
    if not shutil.which("fc-list"):
        return {}
    out = subprocess.run(["fc-list", "--format", "%{family}\t%{file}\n"], capture_output=True,
                         text=True, check=True).stdout
    files: dict[str, set[str]] = {}
    for line in out.splitlines():
        names, _, path = line.partition("\t")
        for name in names.split(","):
            files.setdefault(name.strip(), set()).add(path)
    return {name: tuple(sorted(paths)) for name, paths in files.items()}


def font_fingerprint(script: str) -> str:
    """The files behind the script's font stack: a font update or a new install rebuilds."""
    try:
        families = fonts.families_for_script(script)
    except fonts.FontError as exc:
        return f"error: {exc}"
    entries = []
    for family in families:
        for path in _font_files_by_family().get(family, ()):
            try:
                stat = os.stat(path)
                entries.append(f"{family}\t{path}\t{stat.st_size}\t{stat.st_mtime_ns}")
            except OSError:
                entries.append(f"{family}\t{path}\tgone")
        entries.append(f"{family}\t-")  # a missing family is an input too
    return _sha(*(e.encode() for e in entries))


@dataclass(frozen=True)
class Inputs:
    """What every job of one build shares, hashed once per build."""
    templates: str
    source: str
    packages: str
    contact: str
    options: str
    #: The print-shop output profile's digest (embedded in every print-shop PDF).
    output_profile: str

    @classmethod
    def gather(cls, sources: Sources) -> "Inputs":
        return cls(
            templates=tree_digest(sources.templates, skip_dirs=NOT_PDF_INPUTS),
            source=source_digest(),
            packages=json.dumps([package_versions(), system_libraries()], sort_keys=True),
            contact=json.dumps(dataclasses.asdict(sources.contact), sort_keys=True),
            options=json.dumps({"print_shop": sources.print_shop, "strict": sources.strict}),
            output_profile=printshop.profile_digest() if sources.print_shop else "home",
        )


class Keys:
    """Cache keys for the jobs of one build; per-locale parts are computed once."""

    def __init__(self, sources: Sources):
        self.sources = sources
        self.inputs = Inputs.gather(sources)
        self._locale_parts: dict[str, str] = {}

    def _locale_part(self, code: str) -> str:
        if code not in self._locale_parts:
            if code == SOURCE_LOCALE:
                catalog = "source"
            else:
                catalog = _file_digest(catalog_path(self.sources.locales, code))
                # a language CLDR does not know: its definition is an input too
                catalog += _file_digest(self.sources.locales / code / DEFINITION_FILE)
            try:
                script_fonts = font_fingerprint(locale_info(code, self.sources.locales).script)
            except ValueError as exc:  # unknown locale: the build reports it
                script_fonts = f"error: {exc}"
            self._locale_parts[code] = _sha(code.encode(), catalog.encode(), script_fonts.encode())
        return self._locale_parts[code]

    def key(self, job, handout, paper) -> str:
        describe = lambda value: json.dumps(  # noqa: E731
            dataclasses.asdict(value)
            if dataclasses.is_dataclass(value) and not isinstance(value, type) else repr(value),
            sort_keys=True, default=str)
        return _sha(f"format {CACHE_FORMAT}".encode(),
                    *(part.encode() for part in dataclasses.astuple(self.inputs)),
                    self._locale_part(job.locale).encode(),
                    describe(handout).encode(), describe(paper).encode())


@dataclass
class Entry:
    """A cached result: the JobResult fields plus the PDF's digest (none for a failure)."""
    key: str
    ok: bool
    pages: int = 0
    bytes: int = 0
    scale: int = 0
    fallbacks: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    sha256: str = ""
    #: The type scales the fit loop laid out when this result was made.
    tried: list[int] = dataclasses.field(default_factory=list)


class Cache:
    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def for_output(cls, out_dir: Path) -> "Cache":
        return cls(out_dir / CACHE_DIRNAME)

    def _slot(self, job) -> Path:
        return self.root / job.locale / f"{job.handout}-{job.paper}"

    def get(self, job, key: str) -> Entry | None:
        meta = self._slot(job) / f"{key}.json"
        try:
            entry = Entry(**json.loads(meta.read_bytes()))
        except (OSError, ValueError, TypeError):
            return None
        return entry if entry.key == key else None

    def last_scale(self, job) -> int | None:
        """The type scale of this slot's newest result: where its fit loop should start."""
        try:
            newest = max(self._slot(job).glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
            entry = Entry(**json.loads(newest.read_bytes()))
        except (OSError, ValueError, TypeError):
            return None
        return entry.scale if entry.ok or entry.scale else None

    def pdf(self, job, entry: Entry) -> bytes | None:
        """The cached PDF, or None when it is missing or not the bytes it was stored as."""
        try:
            data = (self._slot(job) / f"{entry.key}{BLOB}").read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == entry.sha256 else None

    def put(self, job, entry: Entry, pdf: bytes | None, write, output: Path | None = None) -> None:
        """Store an entry (PDF first, so a readable entry always has its PDF), then prune.

        The PDF is a hard link to the output file when it can be (no second copy on disk: the
        build replaces outputs by renaming, which leaves the cached inode alone); else a copy.
        """
        slot = self._slot(job)
        if pdf is not None:
            entry.sha256 = hashlib.sha256(pdf).hexdigest()
            blob = slot / f"{entry.key}{BLOB}"
            if not self._link(output, blob):
                write(blob, pdf)
        write(slot / f"{entry.key}.json", json.dumps(dataclasses.asdict(entry)).encode())
        self._prune(slot, keep=entry.key)

    @staticmethod
    def _link(output: Path | None, blob: Path) -> bool:
        if output is None:
            return False
        try:
            blob.parent.mkdir(parents=True, exist_ok=True)
            blob.unlink(missing_ok=True)
            os.link(output, blob)
            return True
        except OSError:  # no hard links here (another file system, FAT...): copy instead
            return False

    @staticmethod
    def _prune(slot: Path, keep: str) -> None:
        entries = sorted(slot.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        old = [p for p in entries if p.stem != keep][KEEP_PER_SLOT - 1:]
        for meta in old:
            meta.unlink(missing_ok=True)
            meta.with_suffix(BLOB).unlink(missing_ok=True)


def output_matches(path: Path, entry: Entry) -> bool:
    """Whether the file at path already holds the cached PDF (so nothing needs writing)."""
    try:
        if path.stat().st_size != entry.bytes:
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256
    except OSError:
        return False

