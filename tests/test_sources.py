"""Explicit inputs: a build reads the folders it is given, and so does its download page."""

from __future__ import annotations

import json
import shutil

from handouts import cli
from tests.conftest import LOCALES

TITLE = 'msgid "Section 287(g): when local police work with ICE"'


def test_locales_dir_build_shows_that_folders_titles_and_status_on_the_download_page(tmp_path):
    mine = tmp_path / "locales"
    shutil.copytree(LOCALES, mine)
    po = mine / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    start = text.index(TITLE)
    end = text.index("\n\n", start)
    text = (text[:start] + TITLE + '\nmsgstr "Título de prueba del 287(g)"' + text[end:])
    text = text.replace("# Review-Status: unreviewed", "# Review-Status: reviewed", 1)
    text = text.replace("# Reviewed-By:\n", "# Reviewed-By: Ana Prueba\n", 1)
    text = text.replace("# Reviewed-On:\n", "# Reviewed-On: 2026-12-01\n", 1)
    po.write_text(text, encoding="utf-8")
    out = tmp_path / "dist"
    assert cli.main(["--locale", "en,es", "--handout", "287g-basics", "--paper", "letter",
                     "--locales-dir", str(mine), "--out", str(out), "--jobs", "1"]) == 0
    page = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "Título de prueba del 287(g)" in page
    assert "reviewed by Ana Prueba on 2026-12-01" in page.replace("Reviewed by", "reviewed by")
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sources"]
    assert recorded["locales"] == str(mine.resolve())
    # regenerating the page alone reads the same folder again
    (out / "site" / "index.html").unlink()
    assert cli.main(["site", "--out", str(out)]) == 0
    assert "Título de prueba del 287(g)" in (out / "site" / "index.html").read_text("utf-8")
