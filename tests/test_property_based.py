"""Property-based tests (hypothesis): arbitrary text in catalogs and contact files.

Whatever a volunteer or an organization writes, the build either uses it as text or refuses it
with a clear one-line error naming the file; it never raises a traceback, never lets the text
become markup, and never damages other outputs. Most examples stop at HTML (milliseconds);
a few go all the way to PDFs through the command line.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import pytest
import tinyhtml5
from babel.messages.pofile import read_po, write_po
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from pypdf import PdfReader

from handouts import catalogs, cli, content, markup
from handouts.build.matrix import renderer
from handouts.catalogs import CatalogError
from handouts.contact import ContactError, load_contact, parse_contact
from handouts.render import Document
from handouts.sources import catalog_path
from tests.conftest import LOCALES, TEMPLATES

BASICS, A4 = content.HANDOUTS["287g-basics"], content.PAPERS["a4"]
GOOD_CONTACT = {"name": "Casa Legal", "phone": "(972) 656-0560", "website": "casa.example.org",
                "address": "1 Main St", "hours": "Mon-Fri 9-5", "email": "info@casa.example.org",
                "whatsapp": "+1 214 555 0143"}
TEXT_KEYS = ("name", "address", "hours", "email", "website", "phone", "whatsapp", "region")

#: Pieces that mean something to HTML, CSS, PO, TOML, gettext, Jinja, terminals or the bidi
#: algorithm, mixed with arbitrary text so hypothesis reaches the interesting inputs quickly.
FRAGMENTS = ["<", ">", "&", "&lt;", "&#60;", "<strong>", "</strong>", "<em>", "</em>", "<bdi>",
             "<img src=x>", '<img src="file:///etc/hostname">', "<svg><image href=x/></svg>",
             '<link rel="attachment" href="file:///etc/hostname">', " style=", " onload=",
             "url(", "@import", "file:///etc/hostname", "http://127.0.0.1:9/", "javascript:",
             "%", "%%", "%(date)s", "%(x)s", "%s", "{x}", "{{ 7*7 }}", "{%", '"', "'", "\\",
             "\n", "\r", "\t", "\x00", "\x1b[2J", "\x0c", "\x85", "\u2028", "\u202e", "\u2066",
             "\u200c", "\ufeff", "#", "msgstr", "msgid ", "[x]", "= ", "]]>", "<!--"]
hostile_text = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTS)),
                        max_size=10).map("".join)

FAST = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def html_of(catalog, contact) -> str:
    """The flyer's HTML on A4, from the build's per-process renderer of the shipped templates."""
    return renderer(TEMPLATES).html(Document(BASICS, catalog, A4, contact))


def is_one_line(message: str) -> bool:
    return bool(message.strip()) and not markup.FORBIDDEN_CHAR_RE.search(message) and \
        not any(c in message for c in "\n\r\t") and "Traceback" not in message


def signature(html: str) -> set:
    """Element names with their attribute names, as WeasyPrint's HTML parser sees them."""
    return {(el.tag.rsplit("}", 1)[-1], tuple(sorted(k.rsplit("}", 1)[-1] for k in el.attrib)))
            for el in tinyhtml5.parse(html).iter()}


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("property")


@pytest.fixture(scope="module")
def es_catalog():
    with open(catalog_path(LOCALES, "es"), "rb") as handle:
        return read_po(handle, locale="es")


def write_es(root: Path, catalog, replace: dict[str, str]) -> Path:
    for msgid, text in replace.items():
        catalog[msgid].string = text
    path = catalog_path(root, "es")
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    path.write_bytes(buffer.getvalue())
    return path


# -- the escaping layer -----------------------------------------------------------------------

@given(text=hostile_text)
@settings(max_examples=400, deadline=None, database=None)
def test_escaped_message_carries_only_bare_allowed_tags(text):
    """Whatever the check lets through or misses, safe_message yields no element other than
    the allowed inline tags, and none with an attribute; on right-to-left pages the isolation
    of numbers and addresses adds only <bdi dir>."""
    found = signature(f"<p>{markup.safe_message(text)}</p>")
    extra = {(name, attrs) for name, attrs in found
             if name not in ("html", "head", "body", "p") and
             (name not in markup.ALLOWED_TAGS or attrs)}
    assert not extra
    found = signature(f"<p>{markup.isolate_ltr(markup.safe_message(text))}</p>")
    extra = {(name, attrs) for name, attrs in found
             if name not in ("html", "head", "body", "p") and
             (name not in markup.ALLOWED_TAGS or attrs not in ((), ("dir",)) or
              attrs and name != "bdi")}
    assert not extra


# -- catalogs ---------------------------------------------------------------------------------

@given(text=hostile_text)
@FAST
def test_any_translation_is_refused_clearly_or_printed_as_text(text, scratch, es_catalog):
    root = Path(tempfile.mkdtemp(dir=scratch))
    path = write_es(root, es_catalog, {"Key takeaways": text})
    try:
        loaded = catalogs.load("es", root)
    except CatalogError as exc:
        assert is_one_line(str(exc)) and str(exc).startswith(f"{path}:"), str(exc)
        return
    for issue in loaded.issues:
        assert is_one_line(str(issue)), str(issue)
    refused = any(i.msgid == "Key takeaways" and i.severity == "error" for i in loaded.issues)
    html = html_of(loaded, parse_contact(GOOD_CONTACT))
    baseline = signature(html_of(catalogs.load("es", LOCALES), parse_contact(GOOD_CONTACT)))
    fallback = {("span", ("class", "dir", "lang"))}  # the marked English of a refused message
    assert signature(html) <= baseline | fallback
    if text.strip() and not refused:
        assert str(escape(" ".join((text % {}).split()))) in " ".join(html.split())


VALID_PO = ('msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n#. comment\n'
            'msgid "Key takeaways"\nmsgstr "Puntos clave"\n\n'
            'msgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s día"\n'
            'msgstr[1] "%(n)s días"\n')


@given(junk=st.one_of(hostile_text, st.binary(max_size=60).map(lambda b: b.decode("latin-1"))),
       where=st.integers(min_value=0, max_value=len(VALID_PO)),
       raw=st.booleans())
@settings(max_examples=300, deadline=None, database=None)
def test_any_broken_po_file_is_one_line_with_file_and_line(junk, where, raw, scratch):
    """Text spliced anywhere into a catalog, as UTF-8 or as raw bytes: it parses, or the error
    is one line naming the file and a line that exists."""
    path = Path(tempfile.mkdtemp(dir=scratch)) / "es" / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    data = (VALID_PO[:where] + junk + VALID_PO[where:])
    path.write_bytes(data.encode("latin-1", errors="replace") if raw else data.encode())
    try:
        loaded = catalogs.load("es", path.parent.parent.parent)
    except CatalogError as exc:
        message = str(exc)
        assert is_one_line(message) and message.startswith(f"{path}:"), message
        assert 1 <= exc.line <= path.read_bytes().count(b"\n") + 1, message
        return
    for issue in loaded.issues:
        assert is_one_line(str(issue)), str(issue)
    loaded.translator().gettext("Key takeaways")


# -- contact files ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def contact_baseline():
    return signature(html_of(catalogs.load("es", LOCALES),
                             parse_contact({**GOOD_CONTACT, "free_advice": True,
                                            "consultation_minutes": 30})))


@given(values=st.dictionaries(st.sampled_from(TEXT_KEYS), hostile_text, max_size=4))
@FAST
def test_any_contact_value_is_refused_clearly_or_printed_as_text(values, contact_baseline):
    try:
        contact = parse_contact({**GOOD_CONTACT, **values}, "org.toml")
    except ContactError as exc:
        assert is_one_line(str(exc)) and str(exc).startswith("org.toml"), str(exc)
        return
    html = html_of(catalogs.load("es", LOCALES), contact)
    assert signature(html) <= contact_baseline
    for key in ("name", "address", "hours"):
        if getattr(contact, key):
            assert str(escape(getattr(contact, key))) in html


@given(toml=st.one_of(hostile_text, st.lists(st.sampled_from(
    ['phone = "(972) 656-0560"\n', 'name = "Casa"\n', "[name]\n", 'x = [[[1]]]\n', "= 1\n",
     'name = """\n', "name = 'a'\n", "hours = 12\n", '"name" = "b"\n', "\x00", "\ufeff"]),
    max_size=6).map("".join)))
@settings(max_examples=300, deadline=None, database=None)
def test_any_contact_file_is_one_line_with_file(toml, scratch):
    path = Path(tempfile.mkdtemp(dir=scratch)) / "org.toml"
    path.write_text(toml, encoding="utf-8")
    try:
        load_contact(path)
    except ContactError as exc:
        assert is_one_line(str(exc)) and str(exc).startswith(f"{path}"), str(exc)


# -- whole builds -----------------------------------------------------------------------------

class Outputs:
    """The build folder the examples share, and the bytes of its PDFs after the last build."""

    def __init__(self, root: Path, args: list[str]):
        self.root, self.args, self.out = root, args, root / "out"
        self.last = self.read()

    def read(self) -> dict[str, bytes]:
        return {code: (self.out / code / "287g-basics-a4.pdf").read_bytes()
                for code in ("en", "es")}

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Outputs({self.out})"


@pytest.fixture(scope="module")
def earlier_build(tmp_path_factory):
    """dist/ with good en and es PDFs from an earlier build."""
    root = tmp_path_factory.mktemp("builds")
    contact = root / "org.toml"
    contact.write_text("".join(f'{k} = "{v}"\n' for k, v in GOOD_CONTACT.items()))
    args = ["--handout", "287g-basics", "--paper", "a4", "--out", str(root / "out"),
            "-j", "1", "--no-site"]
    assert cli.main(["--locale", "en,es", "--contact", str(contact), *args]) == 0
    return Outputs(root, args)


@given(heading=hostile_text, name=st.one_of(st.just(GOOD_CONTACT["name"]), hostile_text))
@settings(max_examples=4, deadline=None, database=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a whole build per example
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_input_builds_valid_pdfs_or_fails_clearly_without_damage(
        heading, name, earlier_build, es_catalog, capsys):
    """The command line with an arbitrary heading in the es catalog and an arbitrary name in
    the contact file: exit 0 with valid PDFs, or 1/2 with one-line errors. A document that
    fails keeps the PDF of the earlier build byte for byte; one that builds is a whole PDF."""
    before = earlier_build.last
    locales = Path(tempfile.mkdtemp(dir=earlier_build.root))
    write_es(locales, es_catalog, {"Key takeaways": heading})
    contact = locales / "org.toml"
    contact.write_text("".join(f'{k} = "{v}"\n' for k, v in GOOD_CONTACT.items() if k != "name")
                       + f"name = {toml_quoted(name)}\n", encoding="utf-8")
    capsys.readouterr()
    status = cli.main(["--locales-dir", str(locales), "--locale", "en,es", "--contact",
                       str(contact), *earlier_build.args])
    err = capsys.readouterr().err
    assert status in (0, 1, 2)
    problems = [line.removeprefix("  - ").removeprefix("error: ") for line in err.splitlines()
                if not line.startswith("FAILED ")]
    assert all(is_one_line(p) and "internal error" not in p for p in problems), err
    after = earlier_build.read()
    if status == 2:  # the contact file was refused: nothing was built, nothing touched
        assert after == before and problems and problems[0].startswith(str(contact)), err
    else:
        manifest = json.loads((earlier_build.out / "manifest.json").read_text())
        ok = {r["locale"]: r["ok"] for r in manifest["results"]}
        for code in ("en", "es"):
            if ok[code]:
                assert len(PdfReader(io.BytesIO(after[code]), strict=True).pages) == 1
            else:
                assert after[code] == before[code], err
        assert ok["en"], err  # the es catalog cannot break English
    earlier_build.last = after


def toml_quoted(value: str) -> str:
    """A TOML basic string holding exactly `value`."""
    return '"' + "".join("\\" + c if c in '"\\' else f"\\u{ord(c):04x}"
                         if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c for c in value) + '"'
