"""Incremental and parallel builds: nothing changed writes nothing, one catalog edit rebuilds
one locale, a process pool gives the serial build's results in the same order, and a job
that fails (even by killing its worker) never loses the others.

Each test builds into its own folder from its own copy of locales/ and templates/, so the
few documents built here (two locales, one or two papers) are all the suite pays for.
"""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from handouts import cli, content, outputprofile
from handouts.build import cache, matrix
from handouts.contact import load_contact, parse_contact
from handouts.sources import Sources
from tests.conftest import PROJECT, page_text

HANDOUT = "287g-basics"
REAL_RENDER_JOB = matrix.render_job


@pytest.fixture()
def sources(tmp_path, monkeypatch):
    """Private copies of locales/ and templates/ that a test may edit.

    The package source is an input too; it is hashed from a copy made now, so an edit to
    handouts/*.py while the suite runs (a shared checkout) cannot look like a change here.
    """
    locales = tmp_path / "locales"
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "locales", locales)
    shutil.copytree(PROJECT / "templates", templates)
    source = tmp_path / "source"
    shutil.copytree(cache.PACKAGE_DIR, source, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "PACKAGE_DIR", source)
    cache.source_digest.cache_clear()  # asked once per process: ask again, of the copy
    yield locales, templates
    cache.source_digest.cache_clear()


def options(out, sources, force=False, **extra):
    locales, templates = sources
    return matrix.BuildOptions(
        Sources(templates=templates, locales=locales,
                contact=load_contact(PROJECT / "contacts" / "default.toml"), **extra),
        out_dir=out, force=force)


def snapshot(out):
    """Every file under out with what a write would change."""
    return {p.relative_to(out).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size, p.stat().st_ino)
            for p in out.rglob("*") if p.is_file()}


def build_jobs(out, sources, locales, papers=("a4",), workers=1, **extra):
    jobs = matrix.plan([HANDOUT], list(locales), list(papers))
    return matrix.run(jobs, options(out, sources, **extra), workers=workers)


def edit_translation(locales_dir, code, msgid, new_text):
    po = locales_dir / code / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    marker = f'msgid "{msgid}"\nmsgstr "'
    start = text.index(marker) + len(marker)
    end = text.index('"\n', start)
    po.write_text(text[:start] + new_text + text[end:], encoding="utf-8")


def test_noop_rebuild_writes_no_file(tmp_path, sources):
    out = tmp_path / "out"
    first = build_jobs(out, sources, ["en", "es"])
    assert all(r.ok and not r.reused for r in first)
    before = snapshot(out)
    assert "manifest.json" in before and any(k.startswith(".cache/") for k in before)

    again = build_jobs(out, sources, ["en", "es"])

    assert [r.label for r in again] == [r.label for r in first]
    assert all(r.ok and r.reused for r in again)
    assert [(r.pages, r.bytes, r.scale, r.path) for r in again] == \
        [(r.pages, r.bytes, r.scale, r.path) for r in first]
    assert snapshot(out) == before  # same files, none rewritten (mtime, size, inode)


def test_one_catalog_edit_rebuilds_only_that_locale(tmp_path, sources):
    out = tmp_path / "out"
    build_jobs(out, sources, ["en", "es", "zh_Hans"])
    before = snapshot(out)
    edit_translation(sources[0], "es", "Key takeaways", "Ideas clave de prueba")

    results = build_jobs(out, sources, ["en", "es", "zh_Hans"])

    assert [r.label for r in results if not r.reused] == [f"es/{HANDOUT}-a4"]
    after = snapshot(out)
    for code in ("en", "zh_Hans"):
        assert after[f"{code}/{HANDOUT}-a4.pdf"] == before[f"{code}/{HANDOUT}-a4.pdf"]
    assert after[f"es/{HANDOUT}-a4.pdf"] != before[f"es/{HANDOUT}-a4.pdf"]
    assert "Ideas clave de prueba" in page_text(out / "es" / f"{HANDOUT}-a4.pdf")


def test_undoing_an_edit_reuses_the_earlier_result(tmp_path, sources):
    out = tmp_path / "out"
    po = sources[0] / "es" / "LC_MESSAGES" / "messages.po"
    original = po.read_bytes()
    pdf = out / "es" / f"{HANDOUT}-a4.pdf"
    build_jobs(out, sources, ["es"])
    first_bytes = pdf.read_bytes()
    edit_translation(sources[0], "es", "Key takeaways", "Ideas clave de prueba")
    assert not build_jobs(out, sources, ["es"])[0].reused
    assert pdf.read_bytes() != first_bytes
    po.write_bytes(original)

    undone = build_jobs(out, sources, ["es"])[0]

    assert undone.reused and pdf.read_bytes() == first_bytes


def test_force_lays_out_again(tmp_path, sources):
    out = tmp_path / "out"
    build_jobs(out, sources, ["en"])
    forced = build_jobs(out, sources, ["en"], force=True)
    assert forced[0].ok and not forced[0].reused


def test_parallel_results_equal_serial_in_order(tmp_path, sources, monkeypatch):
    monkeypatch.setattr(matrix, "JOBS_PER_WORKER", 1)  # two pools in turn: recycling included
    serial = build_jobs(tmp_path / "serial", sources, ["en", "es", "ar"], workers=1)
    parallel = build_jobs(tmp_path / "parallel", sources, ["en", "es", "ar"], workers=2)

    assert [r.label for r in parallel] == ["en/287g-basics-a4", "es/287g-basics-a4",
                                           "ar/287g-basics-a4"]
    describe = lambda r: (r.label, r.ok, r.pages, r.bytes, r.scale, r.fallbacks, r.problems)  # noqa: E731
    assert [describe(r) for r in parallel] == [describe(r) for r in serial]
    for r in serial:
        relative = os.path.relpath(r.path, tmp_path / "serial")
        assert (tmp_path / "parallel" / relative).read_bytes() == \
            (tmp_path / "serial" / relative).read_bytes()
    assert (tmp_path / "parallel" / "manifest.json").read_bytes() == \
        (tmp_path / "serial" / "manifest.json").read_bytes()


def _dies_on_es(job, *args):
    if job.locale == "es":
        os._exit(3)  # a worker killed mid-job (segfault, OOM killer)
    return REAL_RENDER_JOB(job, *args)


def _raises_on_es(job, *args):
    if job.locale == "es":
        raise RuntimeError("boom in es")
    return REAL_RENDER_JOB(job, *args)


@pytest.mark.parametrize("failing, message", [(_dies_on_es, "worker process"),
                                              (_raises_on_es, "internal error: RuntimeError")])
def test_a_failing_worker_loses_no_other_result(tmp_path, sources, monkeypatch, failing, message):
    monkeypatch.setattr(matrix, "render_job", failing)  # forked workers inherit the patch

    results = build_jobs(tmp_path / "out", sources, ["en", "es", "zh_Hans"], workers=2)

    assert [r.label for r in results] == ["en/287g-basics-a4", "es/287g-basics-a4",
                                          "zh_Hans/287g-basics-a4"]
    assert [r.ok for r in results] == [True, False, True]
    assert message in " ".join(results[1].problems)
    assert (tmp_path / "out" / "zh_Hans" / f"{HANDOUT}-a4.pdf").exists()
    # An unexpected failure is not cached: fixed, the next build lays it out.
    monkeypatch.setattr(matrix, "render_job", REAL_RENDER_JOB)
    retry = build_jobs(tmp_path / "out", sources, ["en", "es", "zh_Hans"], workers=1)
    assert [(r.ok, r.reused) for r in retry] == [(True, True), (True, False), (True, True)]


def test_failures_from_the_inputs_are_cached_and_reported_again(tmp_path, sources):
    po = sources[0] / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    out = tmp_path / "out"
    first = build_jobs(out, sources, ["es"])
    assert not first[0].ok and "messages.po:" in first[0].problems[0]
    before = snapshot(out)

    again = build_jobs(out, sources, ["es"])

    assert again[0].reused and not again[0].ok and again[0].problems == first[0].problems
    assert snapshot(out) == before


def test_keys_follow_exactly_the_inputs(tmp_path, sources):
    job_es, job_en = matrix.Job(HANDOUT, "es", "a4"), matrix.Job(HANDOUT, "en", "a4")

    def keys(**extra):
        k = cache.Keys(options(tmp_path, sources, **extra).sources)
        return [k.key(j, content.HANDOUTS[HANDOUT], content.PAPERS["a4"])
                for j in (job_es, job_en)]

    base = keys()
    assert keys() == base                                       # stable
    assert keys(force=True) == base                             # --force is not an input
    es, en = keys(print_shop=True)
    assert es != base[0] and en != base[1]                      # options are
    other = parse_contact({"phone": "(214) 555-0199"})
    k = cache.Keys(Sources(templates=sources[1], locales=sources[0], contact=other))
    assert k.key(job_en, content.HANDOUTS[HANDOUT], content.PAPERS["a4"]) != base[1]
    edit_translation(sources[0], "es", "Key takeaways", "Otra cosa")
    es, en = keys()
    assert es != base[0] and en == base[1]                      # one catalog, one locale
    css = sources[1] / "handouts.css"
    css.write_text(css.read_text() + "\n/* edited */\n")
    es2, en2 = keys()
    assert es2 != es and en2 != en                              # templates reach every job


def test_print_shop_keys_follow_the_output_profile(tmp_path, sources, monkeypatch):
    """The profile is embedded in every print-shop PDF: other bytes, other key (home: none)."""
    job = matrix.Job(HANDOUT, "es", "a4")

    def key(profile: bytes, print_shop: bool) -> str:
        path = tmp_path / f"{hashlib.sha256(profile).hexdigest()}.icc"
        path.write_bytes(profile)
        monkeypatch.setenv(outputprofile.ENV_VARIABLE, str(path))
        k = cache.Keys(options(tmp_path, sources, print_shop=print_shop).sources)
        return k.key(job, content.HANDOUTS[HANDOUT], content.PAPERS["a4"])

    assert key(b"profile one", True) != key(b"profile two", True)
    assert key(b"profile one", True) == key(b"profile one", True)
    assert key(b"profile one", False) == key(b"profile two", False)


def test_cli_reports_reused_documents(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["--locale", "en", "--paper", "a4", "--handout", HANDOUT, "--out", str(out),
            "--no-site", "--jobs", "1"]
    assert cli.main(argv) == 0
    assert "1 built, 0 reused, 0 failed" in capsys.readouterr().out
    assert cli.main(argv) == 0
    output = capsys.readouterr().out
    assert "0 built, 1 reused, 0 failed" in output
    assert "ok   en/" not in output  # unchanged documents are not listed one by one
