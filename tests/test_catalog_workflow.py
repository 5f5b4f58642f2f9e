"""The translator's commands: extract, init, update, stats, preview, glossary (Babel's APIs)."""

from __future__ import annotations

import io
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from pypdf import PdfReader

from handouts import catalogs, checks, cli
from handouts.build.preview import preview
from handouts.catalogs import extract, plurals, project, workflow
from handouts.catalogs.stats import catalog_stats, count
from handouts.checks.pdf import embedded_fonts
from handouts.sources import Sources, catalog_path
from tests.conftest import LOCALES, PROJECT, TEMPLATES

POT_FILE = LOCALES / "messages.pot"

# -- extract --------------------------------------------------------------------------------

def test_committed_pot_matches_what_extraction_produces_now():
    """If this fails, run `python build_pdf.py catalog extract` (then `catalog update`)."""
    produced = extract.pot_bytes(extract.extract_catalog(TEMPLATES))
    assert extract.without_header_dates(produced) == \
        extract.without_header_dates(POT_FILE.read_bytes())


def test_extract_writes_only_when_messages_change(tmp_path):
    pot = tmp_path / "messages.pot"
    first = workflow.extract_pot(TEMPLATES, pot)
    assert first.changed and first.messages > 50
    assert extract.without_header_dates(pot.read_bytes()) == \
        extract.without_header_dates(POT_FILE.read_bytes())
    stamp = pot.stat().st_mtime_ns
    assert workflow.extract_pot(TEMPLATES, pot).changed is False
    assert pot.stat().st_mtime_ns == stamp
    assert cli.main(["catalog", "extract", "--check"]) == 0


# -- init -----------------------------------------------------------------------------------

@pytest.fixture()
def locales(tmp_path) -> Path:
    """An empty locales folder with the real template and shared glossary."""
    root = tmp_path / "locales"
    root.mkdir()
    shutil.copy(POT_FILE, root / "messages.pot")
    shutil.copy(LOCALES / "glossary.toml", root / "glossary.toml")
    return root


def test_init_creates_catalog_glossary_and_review_record(locales, capsys):
    assert cli.main(["catalog", "init", "ur", "--locales-dir", str(locales)]) == 0
    out = capsys.readouterr().out
    assert "اردو / Urdu: script Arab, right-to-left" in out and "Noto Naskh Arabic" in out
    po = locales / "ur" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    assert text.startswith("# Urdu translation of the 287(g) handouts.\n")
    for line in ("# Review-Status: unreviewed", "# Drafted-By:", "# Second-Read-By:",
                 "# Reviewed-By:", "# Reviewed-On:"):
        assert f"\n{line}\n" in text
    loaded = catalogs.load("ur", locales)
    assert loaded.catalog.plural_forms == plurals.plural_forms("ur")
    assert loaded.status.status == "unreviewed" and not loaded.issues
    template = catalogs.read_catalog_file(locales / "messages.pot")
    assert [m.id for m in loaded.catalog if m.id] == [m.id for m in template if m.id]
    assert count(loaded, template).translated == 0
    stub = (locales / "ur" / "glossary.toml").read_text(encoding="utf-8")
    assert "detainer = []" in stub and "# detainer: An ICE request" in stub
    assert (locales / "ur" / "REVIEW.md").exists()


def test_init_writes_cldrs_plural_forms_and_the_projects_header(locales, capsys):
    """Persian: CLDR says two forms (0 and 1 are "one"); Babel's own table says one."""
    assert cli.main(["catalog", "init", "fa", "--locales-dir", str(locales)]) == 0
    assert "2 plural form(s) (CLDR: one, other)" in capsys.readouterr().out
    text = catalog_path(locales, "fa").read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n != 0 && n != 1);\\n"' in text
    assert f'"Project-Id-Version: {project.project_id_version()}\\n"' in text
    assert f'"Report-Msgid-Bugs-To: {project.bugs_address()}\\n"' in text
    plural = next(m for m in catalogs.load("fa", locales).catalog if isinstance(m.id, tuple))
    assert plural.string == ("", "")


def test_init_never_overwrites(locales, capsys):
    assert cli.main(["catalog", "init", "ti", "--locales-dir", str(locales)]) == 0
    po = locales / "ti" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr ""\n\n#. Translators', 'x'),
                  encoding="utf-8")
    before = po.read_bytes()
    (locales / "ti" / "glossary.toml").unlink()
    assert cli.main(["catalog", "init", "ti", "--locales-dir", str(locales)]) == 0
    assert po.read_bytes() == before and (locales / "ti" / "glossary.toml").exists()
    assert cli.main(["catalog", "init", "ti", "--locales-dir", str(locales)]) == 2
    assert "already exists" in capsys.readouterr().err


@pytest.mark.parametrize("code", ["xx_Nope", "en"])
def test_init_refuses_unknown_or_source_locale(locales, capsys, code):
    assert cli.main(["catalog", "init", code, "--locales-dir", str(locales)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


# -- update ---------------------------------------------------------------------------------

REVIEW_HEADER = """\
# Spanish translation of the 287(g) handouts, with a header line longer than Babel's 76 columns.
#
# Review-Status: reviewed
# Reviewed-By: Ana Pérez
# Reviewed-On: 2026-11-30"""


def _pot(path: Path, messages: list) -> None:
    template = Catalog(project="287g-handouts", fuzzy=True)
    for msgid in messages:
        template.add(msgid, auto_comments=["A comment for translators."])
    buffer = io.BytesIO()
    write_po(buffer, template, width=76)
    path.write_bytes(buffer.getvalue())


def _po(path: Path, translations: dict) -> None:
    catalog = Catalog(locale="es")
    for msgid, string in translations.items():
        catalog.add(msgid, string)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workflow.po_bytes(catalog, REVIEW_HEADER, no_location=True))


def test_update_keeps_translations_marks_changes_fuzzy_and_keeps_obsolete(tmp_path, capsys):
    pot, po = tmp_path / "messages.pot", catalog_path(tmp_path, "es")
    _pot(pot, ["Your rights", "Key takeaways for everyone", "Old sentence"])
    _po(po, {"Your rights": "Sus derechos", "Key takeaways for everyone": "Puntos clave para todos",
             "Old sentence": "Frase vieja"})
    _pot(pot, ["Your rights", "Key takeaways for every reader", "Phone"])
    assert cli.main(["catalog", "update", "--check", "--locales-dir", str(tmp_path)]) == 1
    assert cli.main(["catalog", "update", "--locales-dir", str(tmp_path)]) == 0
    assert "es       updated (1 new, 1 fuzzy, 1 obsolete)" in capsys.readouterr().out
    text = po.read_text(encoding="utf-8")
    assert text.startswith(REVIEW_HEADER + "\n")  # kept verbatim, long line not re-wrapped
    assert ('#, fuzzy\n#| msgid "Key takeaways for everyone"\n'
            'msgid "Key takeaways for every reader"\nmsgstr "Puntos clave para todos"') in text
    assert '#~ msgid "Old sentence"\n#~ msgstr "Frase vieja"' in text
    assert 'msgid "Phone"\nmsgstr ""' in text
    assert 'msgid "Your rights"\nmsgstr "Sus derechos"' in text
    loaded = catalogs.load("es", tmp_path)
    assert loaded.status.reviewed and loaded.status.reviewed_by == "Ana Pérez"
    assert loaded.catalog.get("Key takeaways for every reader").previous_id == [
        "Key takeaways for everyone"]
    # A second update changes nothing, and keeps the #| lines as they are (not "# |").
    stamp = po.stat().st_mtime_ns
    assert cli.main(["catalog", "update", "--check", "--locales-dir", str(tmp_path)]) == 0
    assert cli.main(["catalog", "update", "--locales-dir", str(tmp_path)]) == 0
    assert po.stat().st_mtime_ns == stamp and "# |" not in po.read_text(encoding="utf-8")


def test_obsolete_message_that_returns_is_revived_as_fuzzy(tmp_path):
    pot, po = tmp_path / "messages.pot", catalog_path(tmp_path, "es")
    _pot(pot, ["Your rights", "Old sentence"])
    _po(po, {"Your rights": "Sus derechos", "Old sentence": "Frase vieja"})
    _pot(pot, ["Your rights"])
    workflow.update_catalogs(["es"], tmp_path)
    _pot(pot, ["Your rights", "Old sentence"])
    [result] = workflow.update_catalogs(["es"], tmp_path)
    message = catalogs.load("es", tmp_path).catalog.get("Old sentence")
    assert message.string == "Frase vieja" and message.fuzzy
    assert "#~" not in po.read_text(encoding="utf-8")


def test_update_leaves_a_broken_catalog_alone_and_updates_the_others(tmp_path, capsys):
    pot = tmp_path / "messages.pot"
    _pot(pot, ["Your rights"])
    _po(catalog_path(tmp_path, "es"), {})
    broken = catalog_path(tmp_path, "fr")
    broken.parent.mkdir(parents=True)
    broken.write_text('msgid "Your rights"\nmsgstr "Vos droits\n', encoding="utf-8")
    assert cli.main(["catalog", "update", "--locales-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert f"fr: not updated: {broken}:2: broken PO syntax" in captured.err
    assert "es       updated (1 new)" in captured.out
    assert broken.read_text(encoding="utf-8") == 'msgid "Your rights"\nmsgstr "Vos droits\n'


def test_update_replaces_a_stale_plural_forms_and_keeps_an_equivalent_one(tmp_path, capsys):
    """A header that disagrees with CLDR is replaced (a form CLDR adds is left empty for the
    translator, and the check says so); one that agrees is kept as written."""
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES, copy)
    fa, es = catalog_path(copy, "fa"), catalog_path(copy, "es")
    text = fa.read_text(encoding="utf-8")
    stale = re.sub(r'"Plural-Forms: [^"]*"', '"Plural-Forms: nplurals=1; plural=0;\\\\n"', text)
    stale = re.sub(r'(msgstr\[0\][^\n]*\n(?:"[^\n]*\n)*)msgstr\[1\][^\n]*\n(?:"[^\n]*\n)*', r"\1",
                   stale)
    stale = stale.replace(project.project_id_version(), "287g-handouts 0.1")
    fa.write_text(stale, encoding="utf-8")
    equivalent = es.read_text(encoding="utf-8").replace("plural=(n != 1);", "plural=n!=1;")
    es.write_text(equivalent, encoding="utf-8")
    assert cli.main(["catalog", "update", "fa", "es", "--locales-dir", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "Plural-Forms was 'nplurals=1; plural=0;', now CLDR's" in out
    updated = fa.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n != 0 && n != 1);\\n"' in updated
    assert f'"Project-Id-Version: {project.project_id_version()}\\n"' in updated
    plural = next(m for m in catalogs.load("fa", copy).catalog if isinstance(m.id, tuple))
    assert plural.string[0] and plural.string[1] == ""
    assert any("missing plural form msgstr[1]" in str(i)
               for i in catalogs.check_catalog("fa", copy))
    assert es.read_text(encoding="utf-8") == equivalent  # agrees with CLDR: left alone


def test_pot_header_comes_from_pyproject():
    template = catalogs.read_catalog_file(POT_FILE)
    assert f"{template.project} {template.version}" == project.project_id_version()
    assert template.msgid_bugs_address == project.bugs_address()
    assert not project.is_placeholder(project.bugs_address())
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project.version() == pyproject["project"]["version"]


def test_readmes_pybabel_command_writes_the_same_header():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert f"--version={project.version()} " in readme
    assert f'--msgid-bugs-address="{project.bugs_address()}"' in readme


def test_report_msgid_bugs_to_points_at_a_real_place():
    """While pyproject.toml names no issue tracker, the header links TRANSLATING.md's section."""
    address = project.bugs_address()
    if address == project.DOCUMENTED_PLACE:
        document, anchor = address.split("#")
        headings = re.findall(r"^#+ (.+)$", (PROJECT / document).read_text(encoding="utf-8"),
                              re.MULTILINE)
        assert anchor in [re.sub(r"[^\w -]", "", h).strip().lower().replace(" ", "-")
                          for h in headings]
    else:
        assert address.startswith("https://")


def test_shipped_catalogs_are_up_to_date_with_the_template(tmp_path, capsys):
    """`catalog update` on a copy of every catalog changes nothing: headers, wrapping and
    translations all survive a round trip through Babel."""
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES, copy)
    status = cli.main(["catalog", "update", "--check", "--locales-dir", str(copy)])
    assert status == 0, capsys.readouterr().out


# -- stats ----------------------------------------------------------------------------------

STATS_KEYS = {"locale", "native_name", "english_name", "direction", "translated", "fuzzy",
              "untranslated", "total", "percent", "review_status", "reviewed_by",
              "reviewed_on", "last_updated"}


def test_catalog_stats_of_the_shipped_catalogs():
    rows = [row.as_dict() for row in catalog_stats(LOCALES)]
    assert rows[0]["locale"] == "en" and rows[0]["review_status"] == "source"
    by_code = {r["locale"]: r for r in rows}
    assert set(by_code) == set(catalogs.available_locales(LOCALES))
    for row in rows:
        assert STATS_KEYS <= set(row)
        assert row["translated"] + row["fuzzy"] + row["untranslated"] == row["total"]
    ar = by_code["ar"]
    assert (ar["native_name"], ar["english_name"], ar["direction"]) == ("العربية", "Arabic", "rtl")
    assert ar["review_status"] in ("reviewed", "unreviewed") and ar["last_updated"][:2] == "20"


def test_stats_counts_against_the_template_and_reports_review(tmp_path, capsys):
    pot = tmp_path / "messages.pot"
    _pot(pot, ["Your rights", "Key takeaways", "Get legal help early", "Sources"])
    _po(catalog_path(tmp_path, "es"), {"Your rights": "Sus derechos",
                                       "Key takeaways": "Puntos clave"})
    assert cli.main(["catalog", "stats", "--json", "--locales-dir", str(tmp_path)]) == 0
    rows = {r["locale"]: r for r in json.loads(capsys.readouterr().out)}
    es = rows["es"]
    assert (es["translated"], es["fuzzy"], es["untranslated"], es["total"], es["percent"]) == \
        (2, 0, 2, 4, 50.0)
    assert (es["review_status"], es["reviewed_by"], es["reviewed_on"]) == \
        ("reviewed", "Ana Pérez", "2026-11-30")
    assert cli.main(["catalog", "stats", "es", "--min-percent", "50",
                     "--locales-dir", str(tmp_path)]) == 0
    assert "Español / Spanish" in capsys.readouterr().out
    assert cli.main(["catalog", "stats", "--min-percent", "75",
                     "--locales-dir", str(tmp_path)]) == 1
    assert "es is 50.0% translated, below --min-percent 75" in capsys.readouterr().err


# -- preview --------------------------------------------------------------------------------

def _es_copy(tmp_path: Path) -> Path:
    root = tmp_path / "locales"
    (root / "es" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(POT_FILE, root / "messages.pot")
    shutil.copy(catalog_path(LOCALES, "es"), catalog_path(root, "es"))
    return root


def test_preview_builds_one_locale_and_redoes_only_what_changed(tmp_path, capsys):
    root, out = _es_copy(tmp_path), tmp_path / "preview"
    args = ["catalog", "preview", "es", "--handout", "287g-basics", "--paper", "a4", "--png",
            "--out", str(out), "--locales-dir", str(root)]
    assert cli.main(args) == 0
    first = capsys.readouterr().out
    assert "preview of es (a4): 1 laid out, 0 unchanged" in first
    pdf, png = out / "es" / "287g-basics-a4.pdf", out / "es" / "287g-basics-a4-1.png"
    assert sorted(p.name for p in (out / "es").iterdir() if not p.name.startswith(".")) == \
        [png.name, pdf.name]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert str(reader.trailer["/Root"]["/Lang"]) == "es" and len(reader.pages) == 1
    stamp = pdf.stat().st_mtime_ns

    # Nothing changed: nothing is laid out again.
    assert cli.main(args) == 0
    assert "0 laid out, 1 unchanged" in capsys.readouterr().out
    assert pdf.stat().st_mtime_ns == stamp

    # A message the flyer does not print changes: still nothing to do.
    po = catalog_path(root, "es")
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('"Fuentes"', '"Fuentes consultadas"'), encoding="utf-8")
    assert cli.main(args) == 0
    assert "0 laid out, 1 unchanged" in capsys.readouterr().out

    # A message it prints changes: it is laid out again, and shows the new text.
    po.write_text(text.replace('msgstr "Sus derechos"', 'msgstr "Sus derechos hoy"'),
                  encoding="utf-8")
    assert cli.main(args) == 0
    assert "1 laid out, 0 unchanged" in capsys.readouterr().out
    assert "Sus derechos hoy" in checks.pdf_text(PdfReader(io.BytesIO(pdf.read_bytes())))


def test_preview_still_shows_a_catalog_with_errors(tmp_path, capsys):
    root, out = _es_copy(tmp_path), tmp_path / "preview"
    po = catalog_path(root, "es")
    po.write_text(po.read_text(encoding="utf-8").replace(
        '"<strong>Información general, no asesoría legal.</strong>',
        '"Información general, no asesoría legal.'), encoding="utf-8")
    status = cli.main(["catalog", "preview", "es", "--handout", "287g-basics", "--out", str(out),
                       "--locales-dir", str(root)])
    assert status == 1
    assert "inline markup (none) does not match" in capsys.readouterr().err
    assert (out / "es" / "287g-basics-letter.pdf").exists()


@pytest.mark.parametrize("code,script_font,direction", [
    ("ur", "Noto Naskh Arabic", "rtl"),   # right-to-left, from an empty locales folder
    ("ti", "Noto Sans Ethiopic", "ltr"),  # Ethiopic script, never shipped
])
def test_a_new_locale_goes_from_init_to_a_checked_pdf(locales, tmp_path, code, script_font,
                                                      direction):
    """No Python changes: names, direction, plurals and fonts all follow from the code."""
    assert cli.main(["catalog", "init", code, "--locales-dir", str(locales)]) == 0
    po = catalog_path(locales, code)
    title = {"ur": "دفعہ 287(g): جب مقامی پولیس ICE کے ساتھ کام کرتی ہے",
             "ti": "ክፍሊ 287(g)፦ ከባቢያዊ ፖሊስ ምስ ICE ክሰርሕ ከሎ"}[code]
    text = po.read_text(encoding="utf-8").replace(
        'msgid "Section 287(g): when local police work with ICE"\nmsgstr ""',
        f'msgid "Section 287(g): when local police work with ICE"\nmsgstr "{title}"')
    po.write_text(text, encoding="utf-8")
    assert cli.main(["catalog", "check", code, "--locales-dir", str(locales)]) == 0
    result = preview(code, Sources.shipped(locales=locales), tmp_path / "out",
                     handouts=["287g-basics"])
    assert result.problems == []  # every PDF check passed: glyphs, fonts, /Lang, title
    reader = PdfReader(io.BytesIO(result.pdfs[0].read_bytes()))
    assert str(reader.trailer["/Root"]["/Lang"]) == code
    assert any(f.startswith(script_font.replace(" ", "")) or script_font.replace(" ", "-") in f
               for f in embedded_fonts(reader))
    assert checks.title_in_text(title, checks.pdf_text(reader))
    assert catalogs.load(code, locales).locale.direction == direction


# -- glossary -------------------------------------------------------------------------------

def test_glossary_doc_table_matches_the_glossary_files():
    """If this fails, run `python build_pdf.py catalog glossary --write`."""
    document = (PROJECT / "GLOSSARY.md").read_text(encoding="utf-8")
    assert workflow.embed_glossary_table(document, workflow.glossary_table(LOCALES)) == document


def test_glossary_table_lists_every_locale_and_term():
    table = workflow.glossary_table(LOCALES)
    assert "### detainer (`detainer`)" in table
    assert "| `es` | Spanish | solicitud de retención, solicitudes de retención |" in table
