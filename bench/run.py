#!/usr/bin/env python3
"""The build benchmark: one run, every figure, printed as ratios (see bench/README.md).

    make bench                      # or: .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --handout 287g-basics --paper letter   # a smaller matrix

Measures, in order, each build in a fresh process of its own:
  1. the project's serial build (--jobs 1 --force) of the matrix;
  2. raw WeasyPrint writing the same final HTML documents in one process (shared
     FontConfiguration and parsed stylesheets, as any careful WeasyPrint user would), then
     making every layout the fit loop made; and, inside one in-process build of a sample,
     where the CPU time goes (final PDFs, other fit-loop layouts, checks, the rest);
  3. the project's parallel build (--jobs = cores), with the peak memory of the process tree;
  4. a no-op rebuild (nothing changed): its time, and proof that it wrote no file;
  5. Chromium headless printing the same HTML documents to PDF: time and size against ours;
  6. PDF size per script, and why CJK PDFs are large (the embedded fonts, table by table);
  7. peak memory of a build 10 times larger (synthetic locales: copies of the catalogs under
     other locale codes), against the same build at 1x.
The last line is every figure as name=value pairs.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handouts import catalogs, content  # noqa: E402
from handouts.build import cache, matrix  # noqa: E402
from handouts.catalogs.locales import locale_info  # noqa: E402
from handouts.cli.parser import split_values  # noqa: E402
from handouts.render import Document  # noqa: E402
from handouts.sources import Sources, catalog_path, shipped  # noqa: E402

#: The shipped folders: what the documented command builds from.
LOCALES_DIR, TEMPLATES_DIR = shipped("locales"), shipped("templates")

CJK_SCRIPTS = {"Hans", "Hant", "Kore", "Jpan"}
TARGETS = {"overhead": 1.6, "overhead_warm": 1.15, "layouts_per_doc": 1.5, "speedup": 1.7,
           "noop_s": 0.5, "latin_1p_kb": 60, "cjk_1p_kb": 100}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-pdf-header-footer"]


# -- measuring ---------------------------------------------------------------------------

class PeakMemory:
    """Polls /proc for a process and all its descendants: peak total and peak single RSS."""

    def __init__(self, pid: int, interval: float = 0.05):
        self.pid, self.interval = pid, interval
        self.peak_total_kb = self.peak_process_kb = self.peak_root_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(entry.path, "stat").read_text()
                except OSError:
                    continue
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry.name))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self):
        while not self._stop.is_set():
            tree = self._tree()
            sizes = [self._rss_kb(pid) for pid in tree]
            self.peak_total_kb = max(self.peak_total_kb, sum(sizes))
            self.peak_process_kb = max([self.peak_process_kb, *sizes[1:]])  # the workers
            self.peak_root_kb = max(self.peak_root_kb, sizes[0])
            time.sleep(self.interval)


@dataclass
class Run:
    seconds: float        # wall clock
    cpu: float            # user + system time of the process and all its workers
    output: str
    memory: PeakMemory | None


def run_timed(argv: list[str], *, memory=False) -> Run:
    """Run a command; CPU time is counted too, as it barely moves when the machine is busy."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    meter = PeakMemory(proc.pid) if memory else None
    if meter:
        with meter:
            output, _ = proc.communicate()
    else:
        output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(seconds, cpu, output, meter)


def cli_build(out: Path, selection: list[str], *, jobs: int, force: bool, memory=False):
    """The documented command, as a user runs it (the download page is not part of it)."""
    argv = [sys.executable, str(ROOT / "build_pdf.py"), "build", *selection, "--out", str(out),
            "--jobs", str(jobs), "--no-site"] + (["--force"] if force else [])
    return run_timed(argv, memory=memory)


def built_results(out: Path) -> list[matrix.JobResult]:
    """A build's results read back from its manifest, with the type scale each document was
    written at from its cache entry (nothing is built again)."""
    store = cache.Cache.for_output(out)
    results = []
    for entry in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["results"]:
        job = matrix.Job(entry["handout"], entry["locale"], entry["paper"])
        results.append(matrix.JobResult(
            job, path=str(out / entry["file"]) if entry["file"] else "", ok=entry["ok"],
            pages=entry["pages"], bytes=entry["bytes"], scale=store.last_scale(job) or 0,
            fallbacks=entry["fallbacks"], problems=entry["problems"],
            tried=list(entry.get("tried") or [])))
    return results


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*")
            if p.is_file()}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- the same HTML for every engine -----------------------------------------------------

def write_html(results, trials, html_dir: Path, *, for_chromium=False) -> list[tuple[str, Path]]:
    """The HTML of each laid-out document at each type scale its fit loop tried, as
    ("write" or "layout", path): the last scale of a good document is the one it was written at.

    WeasyPrint gets the stylesheets as user stylesheets (as the project passes them); Chromium
    gets the same files linked from the document.
    """
    html_dir.mkdir(parents=True, exist_ok=True)
    renderer = matrix.renderer(TEMPLATES_DIR)
    contact = Sources.shipped().contact
    sheets = [TEMPLATES_DIR / "handouts.css"] + [p for p in [TEMPLATES_DIR / "formats.css"]
                                                  if p.exists()]
    links = "".join(f'<link rel="stylesheet" href="{p.as_uri()}">' for p in sheets)
    documents = []
    for result in results:
        job = result.job
        catalog = catalogs.load(job.locale, LOCALES_DIR)
        for scale in trials.get(job, []):
            final = result.ok and scale == result.scale
            html = renderer.html(Document(content.HANDOUTS[job.handout], catalog,
                                          content.PAPERS[job.paper], contact), scale=scale)
            if for_chromium:
                html = html.replace("<head>", "<head>" + links, 1)
            path = html_dir / f"{job.locale}-{job.handout}-{job.paper}-{scale}.html"
            path.write_text(html, encoding="utf-8")
            documents.append(("write" if final else "layout", path))
    return documents


RAW_WEASYPRINT = r"""
import sys, time, pathlib
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
templates, out, *documents = sys.argv[1:]
started = time.perf_counter()
fc = FontConfiguration()
sheets = [CSS(filename=str(p), font_config=fc) for p in
          [pathlib.Path(templates, "handouts.css"), pathlib.Path(templates, "formats.css")]
          if p.exists()]
for document in documents:
    what, f = document.split(":", 1)
    html = HTML(filename=f, base_url=templates + "/")
    if what == "layout":   # a fit-loop trial: laid out, never written
        html.render(stylesheets=sheets, font_config=fc, pdf_variant="pdf/ua-1")
    else:
        html.write_pdf(pathlib.Path(out, pathlib.Path(f).stem + ".pdf"), stylesheets=sheets,
                       font_config=fc, pdf_variant="pdf/ua-1", pdf_tags=True,
                       custom_metadata=False)
print(f"raw_seconds={time.perf_counter() - started:.3f}")
"""


def raw_weasyprint(documents, out: Path) -> Run:
    """Raw WeasyPrint on the documents, in one fresh process."""
    out.mkdir(parents=True, exist_ok=True)
    return run_timed([sys.executable, "-c", RAW_WEASYPRINT, str(TEMPLATES_DIR), str(out),
                      *(f"{what}:{path}" for what, path in documents)])


def chromium_print(documents, out: Path) -> tuple[float, float, dict[str, int]]:
    """(wall seconds, CPU seconds, PDF sizes) for Chromium printing each document."""
    out.mkdir(parents=True, exist_ok=True)
    sizes, started = {}, time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    profile = Path(tempfile.mkdtemp(prefix="bench-chromium-"))
    for html in documents:
        target = out / (html.stem + ".pdf")
        subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        f"--print-to-pdf={target}", html.as_uri()],
                       capture_output=True, timeout=120)
        sizes[html.stem] = target.stat().st_size if target.exists() else 0
    shutil.rmtree(profile, ignore_errors=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.perf_counter() - started, cpu, sizes


# -- why CJK PDFs are large ----------------------------------------------------------------

def font_report(pdf: Path) -> list[dict]:
    """Embedded font programs: glyph count, the bytes of each table, compressed as in the PDF,
    and what the same glyphs would take subset without keeping the original glyph IDs."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    reader = PdfReader(pdf)
    fonts = []
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            stream = next((descriptor[k] for k in ("/FontFile3", "/FontFile2") if k in descriptor),
                          None)
            if stream is None:
                continue
            stream = stream.get_object()
            data = stream.get_data()
            ttf = TTFont(io.BytesIO(data))
            tables = {tag: len(zlib.compress(data[e.offset:e.offset + e.length]))
                      for tag, e in ttf.reader.tables.items()}
            used = [g for g in range(ttf["maxp"].numGlyphs)
                    if _glyph_has_outline(ttf, g)]
            compact = TTFont(io.BytesIO(data))
            options = subset.Options(retain_gids=False, notdef_outline=True, hinting=False,
                                     desubroutinize=True, drop_tables=["GSUB", "GPOS"])
            subsetter = subset.Subsetter(options)
            subsetter.populate(gids=used)
            subsetter.subset(compact)
            buffer = io.BytesIO()
            compact.save(buffer)
            fonts.append({
                "name": str(font["/BaseFont"]).lstrip("/"),
                "in_pdf": len(stream._data), "glyph_slots": ttf["maxp"].numGlyphs,
                "glyphs_used": len(used), "tables_compressed": tables,
                "compact_compressed": len(zlib.compress(buffer.getvalue())),
            })
    return fonts


def _glyph_has_outline(ttf, gid: int) -> bool:
    name = ttf.getGlyphOrder()[gid]
    if "CFF " in ttf:
        charstring = ttf["CFF "].cff.topDictIndex[0].CharStrings[name]
        charstring.decompile()
        return gid == 0 or len(charstring.program) > 1
    glyph = ttf["glyf"][name]
    return gid == 0 or glyph.numberOfContours != 0


# -- synthetic locales -------------------------------------------------------------------

def synthetic_locales(codes: list[str], factor: int, folder: Path) -> list[str]:
    """A locales folder with `factor` times as many locales as `codes`: the real catalogs, and
    copies of them under other territories of the same language (so the same script, fonts,
    plural rules and layout). Languages with few territories leave their share to those
    with many (Spanish, French, Arabic...), so the script mix shifts a little towards those."""
    from babel.localedata import locale_identifiers

    identifiers = sorted(locale_identifiers())
    sources = [c for c in codes if c != "en"]
    variants = {code: [i for i in identifiers if i != code and i not in codes
                       and i.split("_")[0] == code.split("_")[0]
                       and _same_script(i, locale_info(code).script)] for code in sources}
    copies = {code: [code] for code in sources}
    want = factor * len(codes) - (1 if "en" in codes else 0)
    while sum(map(len, copies.values())) < want:
        # the language with the fewest copies that still has a territory to spare
        spare = [c for c in sources if variants[c]]
        if not spare:
            break
        code = min(spare, key=lambda c: len(copies[c]))
        copies[code].append(variants[code].pop(0))
    for code, names in copies.items():
        text = catalog_path(LOCALES_DIR, code).read_text(encoding="utf-8")
        for name in names:
            target = folder / name / "LC_MESSAGES"
            target.mkdir(parents=True, exist_ok=True)
            (target / "messages.po").write_text(
                re.sub(r'"Language: [^\\"]*\\n"', f'"Language: {name}\\\\n"', text),
                encoding="utf-8")
    made = [n for names in copies.values() for n in names]
    # Still short: English territories (en_GB, en_IN...) with an empty catalog, so English text.
    english = [i for i in identifiers if i.startswith("en_") and i.count("_") == 1]
    for name in english[:max(0, want - len(made))]:
        target = folder / name / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        (target / "messages.po").write_text(
            f'msgid ""\nmsgstr ""\n"Language: {name}\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', encoding="utf-8")
        made.append(name)
    return (["en"] if "en" in codes else []) + made


def _same_script(identifier: str, script: str) -> bool:
    try:
        return locale_info(identifier).script == script
    except Exception:
        return False


SCALE_RUNNER = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from handouts.build import matrix
from handouts.sources import Sources
out, locales_dir, handout, paper, locales, workers = sys.argv[2:]
options = matrix.BuildOptions(Sources.shipped(locales=Path(locales_dir)), out_dir=Path(out),
                              force=True)
results = matrix.run(matrix.plan([handout], locales.split(","), [paper]), options,
                     workers=int(workers))
print(f"{sum(r.ok for r in results)} built, {sum(not r.ok for r in results)} failed")
"""


def scaled_build(out: Path, locales_dir: Path, handout: str, paper: str, locales: list[str],
                 workers: int):
    """A build whose catalogs come from a synthetic locales folder, memory measured."""
    return run_timed([sys.executable, "-c", SCALE_RUNNER, str(ROOT), str(out), str(locales_dir),
                      handout, paper, ",".join(locales), str(workers)], memory=True)


# -- the run ------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--handout", action="append", help="limit the matrix (default: all)")
    parser.add_argument("--paper", action="append", help="limit the matrix (default: all)")
    parser.add_argument("--locale", action="append", help="limit the matrix (default: all)")
    parser.add_argument("--scale-handout", default="287g-basics",
                        help="handout of the 10x memory build (default: %(default)s)")
    parser.add_argument("--scale-paper", default="letter",
                        help="paper of the 10x memory build (default: %(default)s)")
    parser.add_argument("--work", type=Path, help="keep the outputs here (default: a temp dir)")
    parser.add_argument("--no-scale", action="store_true",
                        help="skip the 10x memory build (the longest step)")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="handouts-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    cores = os.cpu_count() or 1
    selection = []
    for flag in ("handout", "paper", "locale"):
        if getattr(args, flag):
            selection += [f"--{flag}", ",".join(getattr(args, flag))]
    handouts = split_values(args.handout) or list(content.HANDOUTS)
    papers = split_values(args.paper) or list(content.PAPERS)
    locales = split_values(args.locale) or catalogs.available_locales(LOCALES_DIR)
    jobs = matrix.plan(handouts, locales, papers)
    figures: dict[str, object] = {"documents": len(jobs), "cores": cores}
    print(f"matrix: {len(handouts)} handouts x {len(locales)} locales x {len(papers)} papers "
          f"= {len(jobs)} documents; {cores} cores; load average {load_average()}", flush=True)

    # 1. serial project build
    serial = cli_build(work / "serial", selection, jobs=1, force=True)
    built_line = next((line for line in serial.output.splitlines() if " built, " in line), "?")
    print(f"serial build: {serial.seconds:.1f} s, CPU {serial.cpu:.1f} s "
          f"({built_line.strip()})", flush=True)
    figures.update(serial_s=round(serial.seconds, 2), serial_cpu_s=round(serial.cpu, 2))

    results = built_results(work / "serial")
    good = [r for r in results if r.ok]
    figures["failed"] = len(results) - len(good)
    trials = fit_trials(results)
    layouts = sum(map(len, trials.values()))

    # 2. raw WeasyPrint on the same final HTML, then on every layout the fit loop made
    raw = raw_weasyprint(write_html(results, {r.job: [r.scale] for r in good}, work / "html"),
                         work / "raw")
    overhead, overhead_cpu = serial.seconds / raw.seconds, serial.cpu / raw.cpu
    print(f"raw WeasyPrint, same {len(good)} documents, one process: {raw.seconds:.1f} s, "
          f"CPU {raw.cpu:.1f} s; pipeline overhead cold (each a fresh process) {overhead:.2f} "
          f"(CPU {overhead_cpu:.2f}; target <= {TARGETS['overhead']})", flush=True)
    raw_all = raw_weasyprint(write_html(results, trials, work / "html-trials"),
                             work / "raw-trials")
    print(f"  the fit loop laid out {layouts} times for {len(results)} documents "
          f"({layouts / max(len(results), 1):.2f} per document, target <= "
          f"{TARGETS['layouts_per_doc']}; raw WeasyPrint lays out each "
          f"once); raw WeasyPrint making those same {layouts} layouts: {raw_all.seconds:.1f} s, "
          f"CPU {raw_all.cpu:.1f} s: the pipeline's own overhead (catalogs, templates, checks, "
          f"cache, writes) is {serial.seconds / raw_all.seconds:.2f} "
          f"(CPU {serial.cpu / raw_all.cpu:.2f})", flush=True)
    figures.update(raw_s=round(raw.seconds, 2), raw_cpu_s=round(raw.cpu, 2),
                   overhead=round(overhead, 2), overhead_cpu=round(overhead_cpu, 2),
                   layouts_per_doc=round(layouts / max(len(results), 1), 2),
                   raw_same_layouts_cpu_s=round(raw_all.cpu, 2),
                   overhead_same_layouts_cpu=round(serial.cpu / raw_all.cpu, 2))

    # 2b. the same split, measured inside one build (immune to the machine's other load)
    sample = jobs if len(jobs) <= 40 else \
        [j for j in jobs if j.locale in {"en", "es", "ru", "ar", "zh_Hans"}] or jobs
    matrix.renderer(TEMPLATES_DIR)  # started before the clock, as a raw WeasyPrint process does
    spent = where_time_goes(sample, work / "profile")
    final = spent["final"] or 1
    print(f"  inside one serial build of {len(sample)} documents (CPU): WeasyPrint laying out "
          f"and writing the final PDFs {spent['final']:.1f} s; the fit loop's other layouts "
          f"+{spent['fit_loop'] / final:.0%}; the PDF checks +{spent['checks'] / final:.0%}; "
          f"everything else (catalogs, templates, cache, writes) +{spent['rest'] / final:.0%}: "
          f"pipeline overhead warm {spent['total'] / final:.2f} (target <= "
          f"{TARGETS['overhead_warm']}), "
          f"{(spent['total'] - spent['fit_loop']) / final:.2f} without the fit loop", flush=True)
    no_fit_loop = (spent["total"] - spent["fit_loop"]) / final
    figures.update(overhead_inside=round(spent["total"] / final, 2),
                   overhead_inside_no_fit_loop=round(no_fit_loop, 2),
                   fit_loop_share=round(spent["fit_loop"] / final, 2),
                   checks_share=round(spent["checks"] / final, 2),
                   rest_share=round(spent["rest"] / final, 2))

    # 3. parallel project build, with memory
    parallel = cli_build(work / "parallel", selection, jobs=cores, force=True, memory=True)
    speedup = serial.seconds / parallel.seconds
    meter = parallel.memory
    print(f"parallel build, {cores} workers: {parallel.seconds:.1f} s, CPU {parallel.cpu:.1f} s; "
          f"speedup {speedup:.2f} (target >= {TARGETS['speedup']}); peak memory "
          f"{meter.peak_total_kb / 1024:.0f} MB in all: main process "
          f"{meter.peak_root_kb / 1024:.0f} MB, largest worker "
          f"{meter.peak_process_kb / 1024:.0f} MB", flush=True)
    figures.update(parallel_s=round(parallel.seconds, 2), speedup=round(speedup, 2),
                   parallel_cpu_s=round(parallel.cpu, 2),
                   peak_mb=round(meter.peak_total_kb / 1024),
                   peak_main_mb=round(meter.peak_root_kb / 1024),
                   peak_worker_mb=round(meter.peak_process_kb / 1024))

    # 4. no-op rebuild: in this process (the build itself) and as a command (with start-up)
    before = snapshot(work / "parallel")
    parallel_options = matrix.BuildOptions(Sources.shipped(), out_dir=work / "parallel")
    started = time.perf_counter()
    noop = matrix.run(jobs, parallel_options, workers=cores)
    noop_s = time.perf_counter() - started
    noop_cli = cli_build(work / "parallel", selection, jobs=cores, force=False)
    if not all(r.reused for r in noop):
        print("  (an input changed during the benchmark: the no-op figures are not valid)")
    written = len(set(snapshot(work / "parallel").items()) ^ set(before.items()))
    print(f"no-op rebuild: {noop_s:.3f} s for {len(noop)} documents "
          f"({sum(r.reused for r in noop)} reused), {noop_cli.seconds:.2f} s (CPU "
          f"{noop_cli.cpu:.2f} s) as a command with Python start-up; files written: {written} "
          f"(target <= {TARGETS['noop_s']} s, 0 files)", flush=True)
    figures.update(noop_s=round(noop_s, 3), noop_cli_s=round(noop_cli.seconds, 2),
                   noop_cli_cpu_s=round(noop_cli.cpu, 2), noop_files_written=written)

    # 5. Chromium on the same HTML
    if Path(CHROMIUM).exists():
        chromium_docs = [path for _, path in write_html(
            results, {r.job: [r.scale] for r in good}, work / "html-chromium",
            for_chromium=True)]
        chromium_s, chromium_cpu, sizes = chromium_print(chromium_docs, work / "chromium")
        ours = {f"{r.job.locale}-{r.job.handout}-{r.job.paper}-{r.scale}": r.bytes for r in good}
        ratios = [ours[k] / v for k, v in sizes.items() if v]
        smaller = sum(1 for k, v in sizes.items() if v and ours[k] < v)
        print(f"Chromium headless, same {len(sizes)} documents, one process each: "
              f"{chromium_s:.1f} s, CPU {chromium_cpu:.1f} s; time ratio WeasyPrint/Chromium "
              f"{raw.seconds / chromium_s:.2f} raw (CPU {raw.cpu / chromium_cpu:.2f}), "
              f"{serial.seconds / chromium_s:.2f} our serial build, "
              f"{parallel.seconds / chromium_s:.2f} our parallel build; size ratio "
              f"ours/Chromium median {statistics.median(ratios):.2f}, max {max(ratios):.2f}; "
              f"ours smaller for {smaller} of {len(ratios)}", flush=True)
        figures.update(chromium_s=round(chromium_s, 2), chromium_cpu_s=round(chromium_cpu, 2),
                       time_ratio_raw=round(raw.seconds / chromium_s, 2),
                       time_ratio_raw_cpu=round(raw.cpu / chromium_cpu, 2),
                       time_ratio_serial=round(serial.seconds / chromium_s, 2),
                       time_ratio_parallel=round(parallel.seconds / chromium_s, 2),
                       size_ratio_median=round(statistics.median(ratios), 2),
                       size_ratio_max=round(max(ratios), 2),
                       smaller_than_chromium=f"{smaller}/{len(ratios)}")
    else:
        print(f"Chromium not found at {CHROMIUM}: install it with "
              "`apt-get install -y --no-install-recommends chromium`", flush=True)

    # 6. size per script
    by_script: dict[str, list[int]] = {}
    for r in good:
        if content.HANDOUTS[r.job.handout].pages == 1:
            by_script.setdefault(locale_info(r.job.locale).script, []).append(r.bytes)
    print("one-page PDF size by script (max KB): " + ", ".join(
        f"{s} {max(v) / 1024:.0f}" for s, v in sorted(by_script.items())))
    latin = max(by_script.get("Latn", [0])) / 1024
    cjk = max([b for s in CJK_SCRIPTS for b in by_script.get(s, [])] or [0]) / 1024
    print(f"  Latin one-page max {latin:.0f} KB (target <= {TARGETS['latin_1p_kb']}), "
          f"CJK one-page max {cjk:.0f} KB (target <= {TARGETS['cjk_1p_kb']})")
    figures.update(latin_1p_kb=round(latin), cjk_1p_kb=round(cjk))
    cjk_pdf = next((Path(r.path) for r in good if locale_info(r.job.locale).script == "Hans"
                    and content.HANDOUTS[r.job.handout].pages == 1), None)
    if cjk_pdf:
        print(f"  where a CJK PDF's bytes go ({cjk_pdf.relative_to(work)}, "
              f"{cjk_pdf.stat().st_size / 1024:.0f} KB):")
        compact_total = 0
        for font in font_report(cjk_pdf):
            big = sorted(font["tables_compressed"].items(), key=lambda kv: -kv[1])[:3]
            print(f"    {font['name']}: {font['in_pdf'] / 1024:.0f} KB in the PDF for "
                  f"{font['glyphs_used']} glyphs in {font['glyph_slots']} glyph slots; "
                  f"largest tables (deflated): "
                  + ", ".join(f"{t.strip()} {n / 1024:.0f} KB" for t, n in big)
                  + f"; the same glyphs without the empty slots: "
                  f"{font['compact_compressed'] / 1024:.0f} KB")
            compact_total += font["in_pdf"] - font["compact_compressed"]
        figures["cjk_font_slots_kb"] = round(compact_total / 1024)

    # 7. memory at 10x
    if args.no_scale:
        return _finish(figures, work)
    one = synthetic_locales(locales, 1, work / "locales-1x")
    ten = synthetic_locales(locales, 10, work / "locales-10x")
    one_run = scaled_build(work / "scale-1x", work / "locales-1x", args.scale_handout,
                           args.scale_paper, one, cores)
    ten_run = scaled_build(work / "scale-10x", work / "locales-10x", args.scale_handout,
                           args.scale_paper, ten, cores)
    one_s, one_meter, ten_s, ten_meter = (one_run.seconds, one_run.memory, ten_run.seconds,
                                          ten_run.memory)
    growth = ten_meter.peak_total_kb / max(one_meter.peak_total_kb, 1)
    worker_growth = ten_meter.peak_process_kb / max(one_meter.peak_process_kb, 1)

    def describe(meter):
        return (f"peak {meter.peak_total_kb / 1024:.0f} MB in all (main process "
                f"{meter.peak_root_kb / 1024:.0f} MB, largest worker "
                f"{meter.peak_process_kb / 1024:.0f} MB)")
    print(f"memory as the work grows ({args.scale_handout}, {args.scale_paper}): "
          f"{len(one)} locales {one_s:.0f} s, {describe(one_meter)}; {len(ten)} locales "
          f"{ten_s:.0f} s, {describe(ten_meter)}; 10x/1x: {growth:.2f} in all, "
          f"{worker_growth:.2f} per worker", flush=True)
    figures.update(mem_1x_mb=round(one_meter.peak_total_kb / 1024),
                   mem_10x_mb=round(ten_meter.peak_total_kb / 1024),
                   mem_1x_main_mb=round(one_meter.peak_root_kb / 1024),
                   mem_10x_main_mb=round(ten_meter.peak_root_kb / 1024),
                   mem_1x_worker_mb=round(one_meter.peak_process_kb / 1024),
                   mem_10x_worker_mb=round(ten_meter.peak_process_kb / 1024),
                   mem_10x_ratio=round(growth, 2), mem_10x_worker_ratio=round(worker_growth, 2),
                   scale_10x_documents=len(ten))

    return _finish(figures, work)


def _finish(figures: dict[str, object], work: Path) -> int:
    """The targets of issue 14 in one line, then every figure as name=value pairs."""
    figures["load_average"] = load_average().replace(" ", "/")
    print(f"work folder: {work}")
    print("targets: " + "; ".join(
        f"{name} {figures.get(key, '?')} (<= {TARGETS[target]})" for name, key, target in (
            ("layouts per document", "layouts_per_doc", "layouts_per_doc"),
            ("overhead cold", "overhead", "overhead"),
            ("overhead warm", "overhead_inside", "overhead_warm"),
            ("CJK one-page KB", "cjk_1p_kb", "cjk_1p_kb"))))
    print(" ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


def where_time_goes(jobs: list[matrix.Job], out: Path) -> dict[str, float]:
    """CPU seconds of an in-process serial build, split between WeasyPrint laying out and
    writing each document's final PDF, WeasyPrint's other fit-loop layouts, and the rest
    (checks, catalogs, templates, cache). Measured in one run, so the split does not depend on
    what else the machine is doing, as two separate timings would."""
    from handouts.build import pipeline
    from handouts.render import Renderer

    spent = {"final": 0.0, "fit_loop": 0.0, "checks": 0.0}
    #: (seconds, layout) of each layout the fit loop made, and of each write, in order.
    layouts: list[tuple[float, object]] = []
    writes: list[tuple[float, object]] = []
    originals = {name: Renderer.__dict__[name] for name in ("layout_html", "write")}
    original_layout, original_write = Renderer.layout_html, Renderer.write
    original_render_job, original_check = matrix.render_job, pipeline.check_pdf

    def timed_layout(self, *args, **kwargs):
        started = time.process_time()
        laid_out = original_layout(self, *args, **kwargs)
        layouts.append((time.process_time() - started, laid_out))
        return laid_out

    def timed_write(laid_out):
        started = time.process_time()
        try:
            return original_write(laid_out)
        finally:
            writes.append((time.process_time() - started, laid_out))

    def timed_job(job, options, *args):
        layouts.clear()
        writes.clear()
        result = original_render_job(job, options, *args)
        written = [laid_out for _, laid_out in writes][-1:]  # the scale chosen
        for seconds, laid_out in layouts:
            spent["final" if any(laid_out is w for w in written) else "fit_loop"] += seconds
        spent["final"] += sum(seconds for seconds, _ in writes)
        return result

    def timed_check(*args, **kwargs):
        started = time.process_time()
        try:
            return original_check(*args, **kwargs)
        finally:
            spent["checks"] += time.process_time() - started

    Renderer.layout_html, Renderer.write = timed_layout, staticmethod(timed_write)
    matrix.render_job, pipeline.check_pdf = timed_job, timed_check
    try:
        options = matrix.BuildOptions(Sources.shipped(), out_dir=out, force=True)
        started = time.process_time()
        matrix.run(jobs, options, workers=1)
        spent["total"] = time.process_time() - started
    finally:
        for name, original in originals.items():
            setattr(Renderer, name, original)
        matrix.render_job, pipeline.check_pdf = original_render_job, original_check
    spent["rest"] = spent["total"] - spent["final"] - spent["fit_loop"] - spent["checks"]
    return spent


def fit_trials(results: list[matrix.JobResult]) -> dict[matrix.Job, list[int]]:
    """The type scales each document's fit loop laid out, as the pipeline recorded them
    (manifest.json "tried"): nothing is replayed here."""
    return {r.job: list(r.tried) for r in results if r.tried}


if __name__ == "__main__":
    sys.exit(main())
